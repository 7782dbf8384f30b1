#include <crypt.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "mfa/users/test_users.hpp"
#include "mfa/users/users.hpp"
#include "mfa/users/users_internal.hpp"

namespace osprey::mfa::users {
namespace {

// "test" hashed by openssl passwd -6/-5/-1 -salt saltsalt.
constexpr const char* kSha512 =
    "$6$saltsalt$JcVDtuB6d1BHhCd5RPBh8g8xX/1CbY8EU2PN0MTaj2/Mypw4P./C6dN4j0HALhzBDTocyW1Jm.gYaTPjFGCV40";
constexpr const char* kSha256 = "$5$saltsalt$q6kNPzk9GPb3dpYKO2TUS45z2kiVxsUVz7eWVJcih.0";
constexpr const char* kMd5 = "$1$saltsalt$tTWg0JeO/sYmHvtKmZE8c.";

class PasswdFileTest : public ::testing::Test {
 protected:
  std::unique_ptr<UserResolver> Open(const std::string& content) {
    path_ = dir_.Write("passwd", content);
    ResolverContext ctx{"pw", {{"fileName", path_}}, nullptr, &clock_, {}};
    auto resolver = internal::PasswdFileResolverType().create(ctx);
    EXPECT_TRUE(resolver.ok()) << resolver.error().ToString();
    return resolver.ok() ? std::move(*resolver) : nullptr;
  }

  UserInfo FindOrDie(UserResolver& r, const std::string& name) {
    auto found = r.FindByName(name);
    EXPECT_TRUE(found.ok() && found->has_value()) << name;
    return found.ok() && *found ? **found : UserInfo{};
  }

  testing::TempDir dir_;
  std::string path_;
  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(1'700'000'000))};
};

TEST_F(PasswdFileTest, FieldsFollowPrivacyIdeasMapping) {
  auto r = Open(
      "cornelius:x:1000:1000:Cornelius Koelbel,room 1,+491111,030222,c@example.com:/home/c:/bin/bash\n"
      "\n"
      "  root:x:0:0:root:/root:/bin/bash  \n"
      "hans::1001:1001:Hans Peter Mueller,,+49333:/home/h:/bin/sh\n"
      "short:x:1002\n"
      "broken line without colons\n");
  ASSERT_NE(r, nullptr);
  const UserInfo c = FindOrDie(*r, "cornelius");
  EXPECT_EQ(c.uid, "1000");
  EXPECT_EQ(c.givenname, "Cornelius");
  EXPECT_EQ(c.surname, "Koelbel");
  EXPECT_EQ(c.mobile, "+491111");
  EXPECT_EQ(c.phone, "030222");
  EXPECT_EQ(c.email, "c@example.com");
  EXPECT_EQ(c.description, "Cornelius Koelbel,room 1,+491111,030222,c@example.com");
  const UserInfo root = FindOrDie(*r, "root");
  EXPECT_EQ(root.uid, "0");
  EXPECT_EQ(root.givenname, "root");
  EXPECT_EQ(root.surname, "");
  // Fewer than four GECOS parts: no phones (privacyIDEA's rule).
  const UserInfo hans = FindOrDie(*r, "hans");
  EXPECT_EQ(hans.givenname, "Hans");
  EXPECT_EQ(hans.surname, "Peter Mueller");
  EXPECT_EQ(hans.mobile, "");
  const UserInfo shorty = FindOrDie(*r, "short");
  EXPECT_EQ(shorty.uid, "1002");
  EXPECT_EQ(shorty.description, "");
  EXPECT_FALSE(r->FindByName("broken line without colons")->has_value());
  EXPECT_FALSE(r->FindByName("nobody")->has_value());
  EXPECT_EQ((*r->FindByUid("1001"))->username, "hans");
  EXPECT_FALSE(r->FindByUid("4711")->has_value());
  EXPECT_FALSE(r->Editable());
  EXPECT_EQ(r->Create(UserInfo{}, std::nullopt).error().code(), ErrorCode::kUnimplemented);
}

TEST_F(PasswdFileTest, ListFiltersCaseInsensitivelyWithWildcards) {
  auto r =
      Open("alice:x:1:1:Alice A:/:/bin/sh\nalbert:x:2:2:Albert B:/:/bin/sh\nbob:x:3:3:Bob C:/:/bin/sh\n");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->List({})->size(), 3u);
  auto al = r->List({{{"username", "AL*"}}});
  ASSERT_EQ(al->size(), 2u);
  EXPECT_EQ((*al)[0].username, "albert");
  EXPECT_EQ((*al)[1].username, "alice");
  EXPECT_EQ(r->List({{{"givenname", "bob"}}})->size(), 1u);
  EXPECT_EQ(r->List({{{"userid", "2"}}})->size(), 1u);
  EXPECT_EQ(r->List({{{"nosuch", "x"}}}).error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(PasswdFileTest, PasswordsAreCheckedWithCrypt) {
  auto r = Open(std::string("a:") + kSha512 + ":1:1::/:/bin/sh\nb:" + kSha256 + ":2:2::/:/bin/sh\nc:" + kMd5 +
                ":3:3::/:/bin/sh\nd:x:4:4::/:/bin/sh\ne:*:5:5::/:/bin/sh\nf::6:6::/:/bin/sh\n");
  ASSERT_NE(r, nullptr);
  for (const char* uid : {"1", "2", "3"}) {
    EXPECT_TRUE(*r->CheckPassword(uid, Secret("test"))) << uid;
    EXPECT_FALSE(*r->CheckPassword(uid, Secret("Test"))) << uid;
    EXPECT_FALSE(*r->CheckPassword(uid, Secret(""))) << uid;
  }
  for (const char* uid : {"4", "5", "6", "99"}) EXPECT_FALSE(*r->CheckPassword(uid, Secret("test"))) << uid;
  EXPECT_FALSE(*r->CheckPassword("1", Secret(std::string("test\0x", 6))));
}

TEST_F(PasswdFileTest, YescryptHashesVerify) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (::crypt_gensalt_rn("$y$", 0, nullptr, 0, salt, sizeof salt) == nullptr) GTEST_SKIP() << "no yescrypt";
  crypt_data data{};
  const std::string hash = ::crypt_r("s3cret", salt, &data);
  auto r = Open("y:" + hash + ":1:1::/:/bin/sh\n");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(*r->CheckPassword("1", Secret("s3cret")));
  EXPECT_FALSE(*r->CheckPassword("1", Secret("s3cre")));
}

TEST_F(PasswdFileTest, ReloadsWhenTheFileChangesCheckedAtMostOncePerSecond) {
  auto r = Open("alice:x:1:1:Alice:/:/bin/sh\n");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->FindByName("alice")->has_value());
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_TRUE(r->FindByName("alice")->has_value());  // the check happens now; nothing changed
  dir_.Write("passwd", "bob:x:2:2:Bob:/:/bin/sh\nbob2:x:3:3:Bob:/:/bin/sh\n");  // size differs
  clock_.Advance(std::chrono::milliseconds(500));
  EXPECT_TRUE(r->FindByName("alice")->has_value());  // checked less than a second ago
  clock_.Advance(std::chrono::milliseconds(600));
  EXPECT_FALSE(r->FindByName("alice")->has_value());
  EXPECT_TRUE(r->FindByName("bob")->has_value());
  // A vanished file keeps the last contents.
  std::filesystem::remove(path_);
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_TRUE(r->FindByName("bob")->has_value());
}

TEST_F(PasswdFileTest, MissingFileOrParameterIsInvalid) {
  ResolverContext ctx{"pw", {{"fileName", "/nonexistent/passwd"}}, nullptr, &clock_, {}};
  auto missing = internal::PasswdFileResolverType().create(ctx);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidArgument);
  ctx.params.clear();
  auto none = internal::PasswdFileResolverType().create(ctx);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message(), "Missing parameter: 'fileName'");
}

}  // namespace
}  // namespace osprey::mfa::users
