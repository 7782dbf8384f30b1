#include "osprey/core/keyfile.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace osprey::crypto {
namespace {

namespace fs = std::filesystem;

// 32 bytes of 'a' and of 'b', base64.
constexpr std::string_view kKeyA = "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=";
constexpr std::string_view kKeyB = "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI=";

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "osprey-keyfile-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, std::string_view content,
                 fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << content;
    fs::permissions(path, mode);
    return path;
  }

  fs::path dir_;
};

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST_F(KeyFileTest, GenerateCreatesAPrivateFileThatLoads) {
  const fs::path path = dir_ / "seal.key";
  ASSERT_TRUE(GenerateKeyFile(path).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  const Result<KeyRing> ring = LoadKeyRing(path);
  ASSERT_TRUE(ring.ok()) << ring.error().ToString();
  EXPECT_EQ(ring->active_id(), "k1");
  EXPECT_EQ(ring->active_key().size(), 32u);
}

TEST_F(KeyFileTest, GenerateRefusesToOverwrite) {
  const fs::path path = dir_ / "seal.key";
  ASSERT_TRUE(GenerateKeyFile(path, "main").ok());
  const std::string before = *LoadKeyRing(path)->ids().begin();
  const Status again = GenerateKeyFile(path);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(LoadKeyRing(path)->active_id(), "main");
  EXPECT_EQ(GenerateKeyFile(dir_ / "no-such-dir" / "x.key").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(GenerateKeyFile(dir_ / "y.key", "bad id").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir_ / "y.key"));
}

TEST_F(KeyFileTest, GeneratedKeysDiffer) {
  ASSERT_TRUE(GenerateKeyFile(dir_ / "a.key").ok());
  ASSERT_TRUE(GenerateKeyFile(dir_ / "b.key").ok());
  EXPECT_FALSE(LoadKeyRing(dir_ / "a.key")->active_key().Equals(LoadKeyRing(dir_ / "b.key")->active_key()));
}

TEST_F(KeyFileTest, LoadsCommentsBlankLinesAndMakesTheLastKeyActive) {
  const fs::path path = Write("ring.key", "# master keys\n\nk1 " + std::string(kKeyA) +
                                              "\n  # old\r\n\tk2\t" + std::string(kKeyB) + "  \r\n");
  const Result<KeyRing> ring = LoadKeyRing(path);
  ASSERT_TRUE(ring.ok()) << ring.error().ToString();
  EXPECT_EQ(ring->ids(), (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(ring->active_id(), "k2");
  EXPECT_TRUE(ring->Find("k1")->Equals(std::string(32, 'a')));
  EXPECT_TRUE(ring->active_key().Equals(std::string(32, 'b')));
}

TEST_F(KeyFileTest, MalformedLinesNameTheLineButNotTheKey) {
  struct Case {
    std::string content;
    std::string_view line;
  };
  const std::string a(kKeyA);
  const Case cases[] = {
      {"k1\n", ":1:"},
      {"# c\nk1 " + a + "\nk2 " + a.substr(0, 40) + "\n", ":3:"},        // 30 bytes
      {"k1 " + a + " extra\n", ":1:"},                                   // trailing text
      {"k:1 " + a + "\n", ":1:"},                                        // bad key id
      {"k1 " + a + "\n\nk1 " + std::string(kKeyB) + "\n", ":3:"},        // duplicate id
      {"k1 " + a.substr(0, 43) + "\n", ":1:"},                           // missing padding
      {"k1 YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYQ==\n", ":1:"},  // 33 bytes
      {"k1 " + a + "!\n", ":1:"},                                        // not base64
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.content);
    const Result<KeyRing> ring = LoadKeyRing(Write("bad.key", c.content));
    ASSERT_FALSE(ring.ok());
    EXPECT_EQ(ring.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(ring.error().message().find("bad.key" + std::string(c.line)), std::string::npos)
        << ring.error().message();
    EXPECT_EQ(ring.error().message().find(a.substr(0, 12)), std::string::npos) << ring.error().message();
    fs::remove(dir_ / "bad.key");
  }
}

TEST_F(KeyFileTest, EmptyFileHoldsNoKeys) {
  EXPECT_EQ(LoadKeyRing(Write("empty.key", "# nothing\n")).error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(KeyFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadKeyRing(dir_ / "missing.key").error().code(), ErrorCode::kNotFound);
}

TEST_F(KeyFileTest, RefusesGroupOrOtherAccess) {
  for (const fs::perms extra : {fs::perms::group_read, fs::perms::others_read, fs::perms::group_write}) {
    const fs::path path = Write("open.key", "k1 " + std::string(kKeyA) + "\n",
                                fs::perms::owner_read | fs::perms::owner_write | extra);
    const Result<KeyRing> ring = LoadKeyRing(path);
    ASSERT_FALSE(ring.ok());
    EXPECT_EQ(ring.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(ring.error().message().find("chmod 600"), std::string::npos);
    fs::remove(path);
  }
  EXPECT_EQ(LoadKeyRing(dir_).error().code(), ErrorCode::kFailedPrecondition);  // a directory
}

TEST_F(KeyFileTest, RotateAppendsTheNextKeyAndKeepsOldOnes) {
  const fs::path path = dir_ / "seal.key";
  ASSERT_TRUE(GenerateKeyFile(path).ok());
  const Secret first = LoadKeyRing(path)->active_key().Clone();
  EXPECT_EQ(*RotateKeyFile(path), "k2");
  EXPECT_EQ(*RotateKeyFile(path), "k3");
  const Result<KeyRing> ring = LoadKeyRing(path);
  ASSERT_TRUE(ring.ok()) << ring.error().ToString();
  EXPECT_EQ(ring->ids(), (std::vector<std::string>{"k1", "k2", "k3"}));
  EXPECT_EQ(ring->active_id(), "k3");
  EXPECT_TRUE(ring->Find("k1")->Equals(first));
  EXPECT_EQ(ModeOf(path), 0600u);
}

TEST_F(KeyFileTest, RotateHandlesAMissingFinalNewlineAndOtherIds) {
  const fs::path path = Write("ring.key", "main " + std::string(kKeyA) + "\nk7 " + std::string(kKeyB));
  EXPECT_EQ(*RotateKeyFile(path), "k8");
  EXPECT_EQ(LoadKeyRing(path)->ids(), (std::vector<std::string>{"main", "k7", "k8"}));
  EXPECT_EQ(RotateKeyFile(dir_ / "missing.key").error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace osprey::crypto
