#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "mfa/auth/auth.hpp"
#include "mfa/auth/test_auth.hpp"

namespace osprey::mfa::auth {
namespace {

class AdminStoreTest : public testing::AuthTest {};
OSPREY_INSTANTIATE_FOR_ENGINES(AdminStoreTest);

TEST_P(AdminStoreTest, MigrationsAreComponentMfaAuth) {
  auto again = sql::ApplyMigrations(*db_, AuthMigrations());
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(*sql::CurrentVersion(*db_, "mfa_auth"), 1);
}

TEST_P(AdminStoreTest, AddListCheckRemove) {
  ASSERT_TRUE(admins_->Add("super", Secret("Test1234!"), "super@example.com").ok());
  AddAdmin("alpha", "pw-alpha");
  auto list = admins_->List();
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].username, "alpha");
  EXPECT_EQ((*list)[0].email, "");
  EXPECT_EQ((*list)[1].username, "super");
  EXPECT_EQ((*list)[1].email, "super@example.com");
  EXPECT_EQ((*list)[1].created, 1'700'000'000);

  EXPECT_TRUE(*admins_->Check("super", Secret("Test1234!")));
  EXPECT_FALSE(*admins_->Check("super", Secret("Test1234")));
  EXPECT_FALSE(*admins_->Check("super", Secret("")));
  EXPECT_FALSE(*admins_->Check("SUPER", Secret("Test1234!")));  // names are exact
  EXPECT_FALSE(*admins_->Check("nobody", Secret("Test1234!")));
  EXPECT_TRUE(*admins_->Exists("super"));
  EXPECT_FALSE(*admins_->Exists("nobody"));

  ASSERT_TRUE(admins_->Remove("super").ok());
  EXPECT_FALSE(*admins_->Exists("super"));
  EXPECT_FALSE(*admins_->Check("super", Secret("Test1234!")));
  EXPECT_EQ(admins_->Remove("super").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(admins_->List()->size(), 1u);
}

TEST_P(AdminStoreTest, PasswordIsStoredAsArgon2id) {
  AddAdmin("super", "Test1234!");
  auto session = db_->Acquire();
  ASSERT_TRUE(session.ok());
  std::string hash;
  session->get() << "SELECT password_hash FROM mfa_admin WHERE username = 'super'", soci::into(hash);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash.find("Test1234!"), std::string::npos);
}

TEST_P(AdminStoreTest, SetPasswordReplacesTheOldOne) {
  AddAdmin("super", "old-pw");
  ASSERT_TRUE(admins_->SetPassword("super", Secret("new-pw")).ok());
  EXPECT_FALSE(*admins_->Check("super", Secret("old-pw")));
  EXPECT_TRUE(*admins_->Check("super", Secret("new-pw")));
  EXPECT_EQ(admins_->SetPassword("nobody", Secret("x")).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(admins_->SetPassword("super", Secret("")).error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(AdminStoreTest, InvalidInputIsRejected) {
  AddAdmin("super", "pw");
  EXPECT_EQ(admins_->Add("super", Secret("pw2")).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(admins_->Add("", Secret("pw")).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(admins_->Add("a b", Secret("pw")).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(admins_->Add("tab\tname", Secret("pw")).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(admins_->Add(std::string(65, 'a'), Secret("pw")).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(admins_->Add("carol", Secret("")).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(admins_->Add(std::string(64, 'a'), Secret("pw")).ok());
  EXPECT_TRUE(admins_->Add("admin@example.com", Secret("pw")).ok());
  EXPECT_EQ(admins_->List()->size(), 3u);
}

TEST_P(AdminStoreTest, ConcurrentAddsOfOneNameCreateOneAdmin) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { ok[i] = admins_->Add("racer", Secret("pw")).ok() ? 1 : 0; });
  }
  for (auto& t : threads) t.join();
  int succeeded = 0;
  for (int v : ok) succeeded += v;
  EXPECT_EQ(succeeded, 1);
  EXPECT_EQ(admins_->List()->size(), 1u);
}

}  // namespace
}  // namespace osprey::mfa::auth
