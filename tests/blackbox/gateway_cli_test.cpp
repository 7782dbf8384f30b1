// `osprey gateway user|token …` as an administrator uses it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/blackbox/harness.hpp"

namespace osprey::blackbox {
namespace {

class GatewayCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_EQ(RunOsprey({"init", "--dir", dir_}).exit_code, 0);
  }
  void TearDown() override { RemoveTree(dir_); }
  RunResult Gw(std::vector<std::string> args) {
    args.insert(args.begin(), "gateway");
    args.push_back("--config");
    args.push_back(dir_ + "/osprey.toml");
    return RunOsprey(args);
  }
  std::string dir_;
};

TEST_F(GatewayCliTest, UserTokenAndPermissionLifecycle) {
  ASSERT_EQ(Gw({"user", "add", "privacyidea"}).exit_code, 0);
  auto gen = Gw({"token", "generate", "privacyidea", "--json"});
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  std::string token = nlohmann::json::parse(gen.output)["token"];
  EXPECT_EQ(token.size(), 43u);

  auto permit = Gw({"token", "permit", "privacyidea", "--grant", "messages.send_sms", "--json"});
  ASSERT_EQ(permit.exit_code, 0) << permit.output;
  EXPECT_EQ(nlohmann::json::parse(permit.output), nlohmann::json::array({"messages.send_sms"}));

  auto list = Gw({"user", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  auto users = nlohmann::json::parse(list.output);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0]["has_apiv2_token"], true);
  EXPECT_EQ(users[0]["permissions"][0], "messages.send_sms");

  // Only a keyed hash is stored: the token's text is nowhere in the database file.
  EXPECT_EQ((ReadFile(dir_ + "/osprey.db") + ReadFile(dir_ + "/osprey.db-wal")).find(token),
            std::string::npos);
  EXPECT_EQ(list.output.find(token), std::string::npos);

  ASSERT_EQ(Gw({"user", "remove", "privacyidea"}).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(Gw({"user", "list", "--json"}).output).size(), 0u);
}

TEST_F(GatewayCliTest, BadInputIsOneClearLine) {
  ASSERT_EQ(Gw({"user", "add", "alice"}).exit_code, 0);
  auto bad_perm = Gw({"token", "permit", "alice", "--grant", "messages.fly"});
  EXPECT_EQ(bad_perm.exit_code, 2);
  EXPECT_NE(bad_perm.output.find("messages.send_sms"), std::string::npos) << "lists the valid names";
  auto dup = Gw({"user", "add", "alice"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.output.find("alice"), std::string::npos);
  auto missing = Gw({"token", "generate", "nobody"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("nobody"), std::string::npos);
}

}  // namespace
}  // namespace osprey::blackbox
