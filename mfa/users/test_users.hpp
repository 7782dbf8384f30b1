// Test support for mfa/users (header-only, so the module glob leaves it out): a migrated database per test on
// each engine, the built-in resolver types and a Directory over them, plus temporary passwd files.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "libs/sql/src/test_db.hpp"
#include "mfa/users/users.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::users::testing {

// A temporary directory removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "osprey-users-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  // Writes `content` to `name` in the directory and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string path = (std::filesystem::path(path_) / name).string();
    std::ofstream(path, std::ios::trunc) << content;
    return path;
  }

 private:
  std::string path_;
};

class UsersTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    auto applied = sql::ApplyMigrations(*db_, UsersMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    RegisterBuiltinResolverTypes(types_);
    directory_ = NewDirectory();
  }

  std::unique_ptr<Directory> NewDirectory() {
    DirectoryOptions options;
    options.password_options = crypto::PasswordOptions::Minimum();
    return std::make_unique<Directory>(*db_, clock_, types_, options);
  }

  void AddSqlResolver(const std::string& name) {
    auto id = directory_->SetResolver({0, name, "sql", {}});
    ASSERT_TRUE(id.ok()) << id.error().ToString();
  }

  void AddRealm(const std::string& name, const std::vector<RealmResolver>& resolvers) {
    auto id = directory_->SetRealm(name, resolvers);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
  }

  User CreateOrDie(const std::string& resolver, const std::string& username,
                   const std::string& password = "") {
    UserInfo info;
    info.username = username;
    info.givenname = "Given " + username;
    info.email = username + "@example.com";
    std::optional<Secret> pw;
    if (!password.empty()) pw = Secret(password);
    auto user = directory_->CreateUser(resolver, info, pw);
    EXPECT_TRUE(user.ok()) << user.error().ToString();
    return user.ok() ? *user : User{};
  }

  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(1'700'000'000))};
  ResolverTypes types_;
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<Directory> directory_;
  TempDir dir_;
};

}  // namespace osprey::mfa::users::testing
