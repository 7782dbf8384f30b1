// The `osprey` command line as a user meets it.
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "tests/blackbox/harness.hpp"

namespace osprey::blackbox {
namespace {

int CountLines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(CliTest, HelpAndVersion) {
  auto help = RunOsprey({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("serve"), std::string::npos);
  EXPECT_NE(help.output.find("init"), std::string::npos);
  auto version = RunOsprey({"version", "--json"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(version.output)["version"], OSPREY_VERSION);
}

TEST(CliTest, BadArgumentsGiveOneLineAndExitCode2) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"frobnicate"}, {"init", "--no-such-flag"}, {}, {"db"}, {"serve", "--config"}}) {
    auto r = RunOsprey(args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(CountLines(r.output), 1) << r.output;
    EXPECT_EQ(r.output.rfind("osprey: ", 0), 0u) << r.output;
  }
}

TEST(CliTest, InitCreatesDirectoryWithPrivateKeysAndRefusesToOverwrite) {
  std::string dir = MakeTempDir();
  auto r = RunOsprey({"init", "--dir", dir + "/d", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto out = nlohmann::json::parse(r.output);
  EXPECT_EQ(out["config"], dir + "/d/osprey.toml");
  for (const char* key : {"/d/keys/master.key", "/d/keys/hash.key"}) {
    struct stat st {};
    ASSERT_EQ(stat((dir + key).c_str(), &st), 0) << key;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << key;
  }
  std::string master = ReadFile(dir + "/d/keys/master.key");
  EXPECT_GT(master.size(), 40u);
  EXPECT_NE(ReadFile(dir + "/d/osprey.toml").find("[database]"), std::string::npos);

  auto again = RunOsprey({"init", "--dir", dir + "/d"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("refusing to overwrite"), std::string::npos) << again.output;
  EXPECT_EQ(ReadFile(dir + "/d/keys/master.key"), master) << "key file must be untouched";
  RemoveTree(dir);
}

TEST(CliTest, DbMigrateIsIdempotent) {
  std::string dir = MakeTempDir();
  ASSERT_EQ(RunOsprey({"init", "--dir", dir}).exit_code, 0);
  auto r = RunOsprey({"db", "migrate", "--config", dir + "/osprey.toml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["core"]["applied"], 0);  // init already migrated
  EXPECT_GE(j["core"]["version"].get<int>(), 1);
  RemoveTree(dir);
}

TEST(CliTest, UnknownConfigKeyNamesKeyAndFile) {
  std::string dir = MakeTempDir();
  ASSERT_EQ(RunOsprey({"init", "--dir", dir}).exit_code, 0);
  std::string text = ReadFile(dir + "/osprey.toml");
  text.replace(text.find("[mfa]\n"), 6, "[mfa]\nlisten_adress = \"127.0.0.1:1\"\n");
  std::ofstream(dir + "/osprey.toml") << text;
  auto r = RunOsprey({"serve", "--config", dir + "/osprey.toml"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("mfa.listen_adress"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(dir + "/osprey.toml"), std::string::npos) << r.output;
  RemoveTree(dir);
}

TEST(CliTest, ServeRefusesMissingConfig) {
  auto r = RunOsprey({"serve", "--config", "/nonexistent/osprey.toml"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("/nonexistent/osprey.toml"), std::string::npos);
}

}  // namespace
}  // namespace osprey::blackbox
