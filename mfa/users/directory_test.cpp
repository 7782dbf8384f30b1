#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "mfa/users/test_users.hpp"
#include "mfa/users/users.hpp"

namespace osprey::mfa::users {
namespace {

class DirectoryTest : public testing::UsersTest {};

UserInfo Named(const std::string& username) {
  UserInfo info;
  info.username = username;
  return info;
}
OSPREY_INSTANTIATE_FOR_ENGINES(DirectoryTest);

TEST_P(DirectoryTest, MigrationsApplyOnce) {
  auto again = sql::ApplyMigrations(*db_, UsersMigrations());
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(*again, 0);
}

TEST_P(DirectoryTest, ResolversAreCreatedListedUpdatedAndDeleted) {
  const std::string file = dir_.Write("passwd", "alice:x:1:1:Alice:/:/bin/sh\n");
  auto sql_id = directory_->SetResolver({0, "local", "sql", {}});
  ASSERT_TRUE(sql_id.ok()) << sql_id.error().ToString();
  auto pw_id = directory_->SetResolver({0, "files", "passwdfile", {{"fileName", file}}});
  ASSERT_TRUE(pw_id.ok()) << pw_id.error().ToString();
  EXPECT_NE(*sql_id, *pw_id);

  auto all = directory_->ListResolvers();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "files");
  EXPECT_EQ((*all)[0].params.at("fileName"), file);
  EXPECT_EQ(directory_->ListResolvers("sql")->size(), 1u);
  EXPECT_EQ(directory_->GetResolver("local")->type, "sql");
  EXPECT_EQ(directory_->GetResolver("nosuch").error().message(), "The resolver 'nosuch' does not exist!");

  // Updating keeps the id; a different type under the same name is refused.
  const std::string file2 = dir_.Write("passwd2", "bob:x:2:2:Bob:/:/bin/sh\n");
  EXPECT_EQ(*directory_->SetResolver({0, "files", "passwdfile", {{"fileName", file2}}}), *pw_id);
  EXPECT_EQ(directory_->GetResolver("files")->params.at("fileName"), file2);
  auto retype = directory_->SetResolver({0, "files", "sql", {}});
  ASSERT_FALSE(retype.ok());
  EXPECT_EQ(retype.error().message(), "resolver with similar name and other type already exists: files");

  EXPECT_EQ(*directory_->DeleteResolver("files"), *pw_id);
  EXPECT_EQ(directory_->DeleteResolver("files").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(directory_->ListResolvers()->size(), 1u);
}

TEST_P(DirectoryTest, InvalidResolverDefinitionsAreRefused) {
  struct Case {
    ResolverDefinition def;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{0, "bad name", "sql", {}},
       "non conformant characters in name: 'bad name' (not in ^[A-Za-z0-9_\\-\\.]+$)"},
      {{0, "r1", "ldap", {}}, "resolver type : ldap not in ['passwdfile', 'sql']"},
      {{0, "r1", "passwdfile", {}}, "Missing parameter: 'fileName'"},
      {{0, "r1", "sql", {{"Server", "x"}}},
       "the parameter 'Server' is not a parameter of the resolver type sql"},
      {{0, "r1", "passwdfile", {{"fileName", "/nonexistent/x"}}}, "cannot read the file '/nonexistent/x'"},
  };
  for (const Case& c : cases) {
    auto id = directory_->SetResolver(c.def);
    ASSERT_FALSE(id.ok()) << c.def.name;
    EXPECT_EQ(id.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(id.error().message(), c.message);
  }
  EXPECT_TRUE(directory_->ListResolvers()->empty());
}

TEST_P(DirectoryTest, FirstRealmIsDefaultAndResolversKeepPriorityOrder) {
  AddSqlResolver("r1");
  AddSqlResolver("r2");
  AddSqlResolver("r3");
  EXPECT_EQ(directory_->DefaultRealm(), "");
  AddRealm("Realm1", {{"r1", "", 5}, {"r2", "", 1}, {"r3", "", 5}});
  AddRealm("realm2", {{"r3", "", 0}});
  auto realms = directory_->ListRealms();
  ASSERT_EQ(realms->size(), 2u);
  const Realm& realm1 = (*realms)[0];
  EXPECT_EQ(realm1.name, "realm1");
  EXPECT_TRUE(realm1.is_default);
  EXPECT_FALSE((*realms)[1].is_default);
  ASSERT_EQ(realm1.resolvers.size(), 3u);
  EXPECT_EQ(realm1.resolvers[0].name, "r2");
  EXPECT_EQ(realm1.resolvers[1].name, "r1");
  EXPECT_EQ(realm1.resolvers[2].name, "r3");
  EXPECT_EQ(realm1.resolvers[0].type, "sql");
  EXPECT_EQ(realm1.resolvers[0].priority, 1);
  EXPECT_EQ(directory_->DefaultRealm(), "realm1");
  EXPECT_TRUE(directory_->RealmExists("REALM2"));
  EXPECT_FALSE(directory_->RealmExists("realm3"));

  // Replacing the list; unknown resolvers are refused.
  AddRealm("realm1", {{"r1", "", 0}});
  EXPECT_EQ((*directory_->ListRealms())[0].resolvers.size(), 1u);
  auto unknown = directory_->SetRealm("realm1", {{"nosuch", "", 0}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidArgument);

  ASSERT_TRUE(directory_->SetDefaultRealm("realm2").ok());
  EXPECT_EQ(directory_->DefaultRealm(), "realm2");
  EXPECT_EQ(directory_->SetDefaultRealm("nosuch").error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(directory_->SetDefaultRealm("").ok());
  EXPECT_EQ(directory_->DefaultRealm(), "");
}

TEST_P(DirectoryTest, DeletingTheDefaultRealmHandsDefaultToTheLastRealm) {
  AddSqlResolver("r1");
  AddRealm("a", {{"r1", "", 0}});
  AddRealm("b", {{"r1", "", 0}});
  AddRealm("c", {{"r1", "", 0}});
  auto a_id = directory_->DeleteRealm("a");  // two left: no default
  ASSERT_TRUE(a_id.ok());
  EXPECT_EQ(directory_->DefaultRealm(), "");
  ASSERT_TRUE(directory_->SetDefaultRealm("b").ok());
  ASSERT_TRUE(directory_->DeleteRealm("b").ok());  // one left: it becomes the default
  EXPECT_EQ(directory_->DefaultRealm(), "c");
  EXPECT_EQ(directory_->DeleteRealm("b").error().message(), "The realm 'b' does not exist.");
}

TEST_P(DirectoryTest, AResolverInARealmCannotBeDeleted) {
  AddSqlResolver("r1");
  AddRealm("realm1", {{"r1", "", 0}});
  auto st = directory_->DeleteResolver("r1");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(st.error().message(), "The resolver 'r1' is still contained in realm 'realm1'.");
  ASSERT_TRUE(directory_->DeleteRealm("realm1").ok());
  EXPECT_TRUE(directory_->DeleteResolver("r1").ok());
}

TEST_P(DirectoryTest, FindSearchesTheRealmsResolversInPriorityOrder) {
  AddSqlResolver("first");
  AddSqlResolver("second");
  const std::string file =
      dir_.Write("passwd", "carol:x:500:500:Carol C:/:/bin/sh\nalice:x:501:1::/:/bin/sh\n");
  ASSERT_TRUE(directory_->SetResolver({0, "files", "passwdfile", {{"fileName", file}}}).ok());
  AddRealm("realm1", {{"second", "", 2}, {"first", "", 1}, {"files", "", 3}});
  const User a1 = CreateOrDie("first", "alice");
  const User a2 = CreateOrDie("second", "alice");
  CreateOrDie("second", "bob");

  auto alice = directory_->Find("alice", "");
  ASSERT_TRUE(alice.ok() && alice->has_value());
  EXPECT_EQ((*alice)->resolver, "first");
  EXPECT_EQ((*alice)->realm, "realm1");
  EXPECT_EQ((*alice)->info.uid, a1.info.uid);
  EXPECT_TRUE((*alice)->editable);
  EXPECT_EQ((*alice)->info.givenname, "Given alice");
  EXPECT_EQ((**directory_->Find("alice", "REALM1", "second")).info.uid, a2.info.uid);
  EXPECT_EQ((**directory_->Find("bob", "realm1")).resolver, "second");
  auto carol = directory_->Find("carol", "realm1");
  ASSERT_TRUE(carol->has_value());
  EXPECT_EQ((*carol)->resolver, "files");
  EXPECT_FALSE((*carol)->editable);
  EXPECT_FALSE(directory_->Find("eve", "realm1")->has_value());
  EXPECT_FALSE(directory_->Find("alice", "nosuch")->has_value());
  EXPECT_FALSE(directory_->Find("", "realm1")->has_value());

  auto by_uid = directory_->FindByUid("realm1", "files", "500");
  ASSERT_TRUE(by_uid->has_value());
  EXPECT_EQ((*by_uid)->login, "carol");
  EXPECT_FALSE(directory_->FindByUid("realm1", "nosuch", "500")->has_value());

  auto users = directory_->ListUsers("realm1", "", {});
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->size(), 5u);  // alice twice (first, second), bob, carol, alice from the file
  auto filtered = directory_->ListUsers("", "second", {{{"username", "B*"}}});
  ASSERT_EQ(filtered->size(), 1u);
  EXPECT_EQ((*filtered)[0].info.username, "bob");
  EXPECT_EQ((*filtered)[0].realm, "");
  EXPECT_EQ(directory_->ListUsers("", "", {{{"bad", "x"}}}).error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(DirectoryTest, SplitLoginOnlyAtRealmsThatExist) {
  AddSqlResolver("r1");
  AddRealm("realm1", {{"r1", "", 0}});
  struct Case {
    const char* login;
    bool split;
    const char* user;
    const char* realm;
  };
  const Case cases[] = {
      {"alice@realm1", true, "alice", "realm1"},
      {"alice@REALM1", true, "alice", "realm1"},
      {"a@b.c@realm1", true, "a@b.c", "realm1"},
      {"alice@example.com", true, "alice@example.com", ""},
      {"alice@realm1", false, "alice@realm1", ""},
      {"realm1\\alice", true, "alice", "realm1"},
      {"other\\alice", true, "other\\alice", ""},
      {"realm1\\x@nosuch", true, "realm1\\x@nosuch", ""},
      {" alice ", true, "alice", ""},
  };
  for (const Case& c : cases) {
    auto [user, realm] = directory_->SplitLogin(c.login, c.split);
    EXPECT_EQ(user, c.user) << c.login;
    EXPECT_EQ(realm, c.realm) << c.login;
  }
}

TEST_P(DirectoryTest, SqlUsersAreCreatedEditedAndRemoved) {
  AddSqlResolver("r1");
  AddRealm("realm1", {{"r1", "", 0}});
  const User alice = CreateOrDie("r1", "alice", "correct horse");
  EXPECT_FALSE(alice.info.uid.empty());
  auto dup = directory_->CreateUser("r1", Named("alice"), std::nullopt);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);

  auto found = **directory_->Find("alice", "realm1");
  EXPECT_TRUE(*directory_->CheckPassword(found, Secret("correct horse")));
  EXPECT_FALSE(*directory_->CheckPassword(found, Secret("wrong")));

  ASSERT_TRUE(
      directory_->UpdateUser("r1", "alice", {{"surname", "Smith"}, {"email", ""}}, Secret("new pw")).ok());
  found = **directory_->Find("alice", "realm1");
  EXPECT_EQ(found.info.surname, "Smith");
  EXPECT_EQ(found.info.email, "alice@example.com");  // empty values leave the attribute unchanged
  EXPECT_TRUE(*directory_->CheckPassword(found, Secret("new pw")));
  EXPECT_FALSE(*directory_->CheckPassword(found, Secret("correct horse")));

  CreateOrDie("r1", "bob");
  EXPECT_EQ(directory_->UpdateUser("r1", "bob", {{"username", "alice"}}, std::nullopt).error().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(directory_->UpdateUser("r1", "bob", {{"password", "x"}}, std::nullopt).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(*directory_->CheckPassword(**directory_->Find("bob", "realm1"), Secret("")));
  auto missing = directory_->UpdateUser("r1", "eve", {}, std::nullopt);
  EXPECT_EQ(missing.error().message(), "User <eve.r1@> does not exist.");
  EXPECT_EQ(directory_->DeleteUser("nosuch", "bob").error().message(),
            "The resolver 'nosuch' does not exist!");

  ASSERT_TRUE(directory_->DeleteUser("r1", "bob").ok());
  EXPECT_FALSE(directory_->Find("bob", "realm1")->has_value());
  EXPECT_EQ(directory_->DeleteUser("r1", "bob").error().code(), ErrorCode::kNotFound);
}

TEST_P(DirectoryTest, PasswdFileResolversAreNotEditable) {
  const std::string file = dir_.Write("passwd", "alice:x:1:1::/:/bin/sh\n");
  ASSERT_TRUE(directory_->SetResolver({0, "files", "passwdfile", {{"fileName", file}}}).ok());
  auto st = directory_->CreateUser("files", Named("bob"), std::nullopt);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(st.error().message(), "The resolver 'files' is not editable.");
  EXPECT_EQ(directory_->DeleteUser("files", "alice").error().code(), ErrorCode::kFailedPrecondition);
}

TEST_P(DirectoryTest, DeletingASqlResolverDeletesItsUsers) {
  AddSqlResolver("r1");
  CreateOrDie("r1", "alice");
  ASSERT_TRUE(directory_->DeleteResolver("r1").ok());
  AddSqlResolver("r1");
  AddRealm("realm1", {{"r1", "", 0}});
  EXPECT_FALSE(directory_->Find("alice", "realm1")->has_value());
}

TEST_P(DirectoryTest, AnotherProcessesChangesAreSeenAfterTheReloadInterval) {
  auto other = NewDirectory();
  EXPECT_EQ(other->DefaultRealm(), "");  // loads its snapshot now
  AddSqlResolver("r1");
  AddRealm("realm1", {{"r1", "", 0}});
  EXPECT_EQ(directory_->DefaultRealm(), "realm1");  // local writes are visible at once
  EXPECT_EQ(other->DefaultRealm(), "");             // cached
  clock_.Advance(std::chrono::milliseconds(1001));
  EXPECT_EQ(other->DefaultRealm(), "realm1");
  EXPECT_EQ(other->ListResolvers()->size(), 1u);
  // Users are not cached: a user created through one directory is found through the other at once.
  CreateOrDie("r1", "alice");
  EXPECT_TRUE(other->Find("alice", "realm1")->has_value());
}

}  // namespace
}  // namespace osprey::mfa::users
