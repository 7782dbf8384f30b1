#include "mfa/sms/sms_sender.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "libs/core/src/test_keys.hpp"
#include "libs/sql/src/test_db.hpp"

namespace osprey::mfa::sms {
namespace {

constexpr std::string_view kTestModule = "osprey.test.CapturingProvider";

// Records what it is asked to send; fails for gateways whose option FAIL is set (ECHO: quoting the text)
// (STYLE habit 8: a capturing provider registered like a real one).
class CapturingProvider final : public SmsProvider {
 public:
  struct Sent {
    std::string gateway, phone, text;
  };
  ProviderDescriptor Describe() const override { return {std::string(kTestModule), true, true, {}}; }
  Status Send(const GatewayDefinition& gateway, const std::string& phone,
              const std::string& text) const override {
    if (gateway.options.count("ECHO") != 0) return Error(ErrorCode::kUnavailable, "gateway said: " + text);
    if (gateway.options.count("FAIL") != 0)
      return Error(ErrorCode::kUnavailable, "SMS could not be sent: 500");
    std::lock_guard lock(mu_);
    sent_.push_back({gateway.name, phone, text});
    return OkStatus();
  }
  std::vector<Sent> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::vector<Sent> sent_;
};

class SmsSenderTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    for (const sql::MigrationSet* set :
         {&GatewayMigrations(), &SmsMigrations(), &system::SystemMigrations(), &policy::PolicyMigrations()}) {
      auto applied = sql::ApplyMigrations(*db_, *set);
      ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    }
    clock_.SetUnixSeconds(1'800'000'000);
    auto provider = std::make_unique<CapturingProvider>();
    provider_ = provider.get();
    providers_.Register(std::move(provider));
    gateways_ = std::make_unique<GatewayStore>(*db_, sealer_, clock_);
    config_ = std::make_unique<system::SystemConfig>(*db_, clock_, sealer_);
    policies_ = std::make_unique<policy::PolicyEngine>(*db_, clock_);
    sender_ = std::make_unique<SmsSender>(*gateways_, providers_, *config_, *policies_, *db_, clock_);
    AddGateway("gw1", false);
  }

  void AddGateway(const std::string& name, bool failing) {
    GatewayDefinition gw;
    gw.name = name;
    gw.module = std::string(kTestModule);
    if (failing) gw.options["FAIL"] = "1";
    ASSERT_TRUE(gateways_->Put(gw).ok());
  }

  void SetPolicy(const std::string& action, const std::string& value) {
    policy::Policy p;
    p.name = "limit-" + action;
    p.scope = std::string(policy::kScopeAuth);
    p.actions[action] = value;
    ASSERT_TRUE(policies_->Set(p).ok());
  }

  SmsSent Send(const std::string& phone, const std::string& user = "res/alice") {
    return sender_->Send({"gw1", phone, "Your OTP code is: 287082", user, &subject_, ""});
  }

  std::unique_ptr<sql::Database> db_;
  crypto::Sealer sealer_{crypto::testing::RandomRing("s1")};
  FakeClock clock_;
  SmsProviders providers_;
  CapturingProvider* provider_ = nullptr;
  std::unique_ptr<GatewayStore> gateways_;
  std::unique_ptr<system::SystemConfig> config_;
  std::unique_ptr<policy::PolicyEngine> policies_;
  std::unique_ptr<SmsSender> sender_;
  policy::Subject subject_{"realm1", "res", "alice", "10.0.0.1", "", ""};
};

TEST_P(SmsSenderTest, SendsThroughTheNamedGateway) {
  SmsSent sent = Send("+4915112345678");
  ASSERT_TRUE(sent.status.ok()) << sent.status.error().ToString();
  EXPECT_EQ(sent.gateway, "gw1");
  ASSERT_EQ(provider_->sent().size(), 1u);
  EXPECT_EQ(provider_->sent()[0].phone, "+4915112345678");
  EXPECT_EQ(provider_->sent()[0].text, "Your OTP code is: 287082");
}

TEST_P(SmsSenderTest, UnknownOrMissingGatewayFails) {
  SmsSent sent = sender_->Send({"nosuch", "+49", "x", "", nullptr, ""});
  ASSERT_FALSE(sent.status.ok());
  EXPECT_NE(sent.status.error().message().find("no SMS gateway named 'nosuch'"), std::string::npos);
  EXPECT_FALSE(sender_->Send({"", "+49", "x", "", nullptr, ""}).status.ok());
  EXPECT_TRUE(provider_->sent().empty());
}

TEST_P(SmsSenderTest, FailoverTriesTheListedGatewaysInTurn) {
  AddGateway("down", true);
  AddGateway("backup", false);
  ASSERT_TRUE(config_->Set(kFailoverKey, "nosuch, backup").ok());
  SmsSent sent = sender_->Send({"down", "+49", "text", "", nullptr, ""});
  ASSERT_TRUE(sent.status.ok()) << sent.status.error().ToString();
  EXPECT_EQ(sent.gateway, "backup");
  ASSERT_EQ(provider_->sent().size(), 1u);
  EXPECT_EQ(provider_->sent()[0].gateway, "backup");
}

TEST_P(SmsSenderTest, WithoutFailoverAFailingGatewayFailsTheSendWithItsReason) {
  AddGateway("down", true);
  SmsSent sent = sender_->Send({"down", "+49", "Your OTP code is: 287082", "", nullptr, ""});
  ASSERT_FALSE(sent.status.ok());
  EXPECT_EQ(sent.status.error().message(), "down: SMS could not be sent: 500");
}

TEST_P(SmsSenderTest, TheOtpIsMaskedInTheFailureReason) {
  GatewayDefinition echo;
  echo.name = "echo";
  echo.module = std::string(kTestModule);
  echo.options["ECHO"] = "1";
  ASSERT_TRUE(gateways_->Put(echo).ok());
  SmsSent sent = sender_->Send({"echo", "+49", "Your OTP code is: 287082", "", nullptr, "287082"});
  ASSERT_FALSE(sent.status.ok());
  EXPECT_EQ(sent.status.error().message(), "echo: gateway said: Your OTP code is: ******");
}

TEST(SmsMaskTest, MasksEveryOccurrence) {
  EXPECT_EQ(MaskSecret("a 123 b 123", "123"), "a *** b ***");
  EXPECT_EQ(MaskSecret("a 123", ""), "a 123");
}

TEST_P(SmsSenderTest, PerUserLimitRefusesTheNextSmsUntilTheWindowPasses) {
  SetPolicy(std::string(policy::action::kSmsLimitUser), "2/3600");
  EXPECT_TRUE(Send("+491").status.ok());
  EXPECT_TRUE(Send("+492").status.ok());
  SmsSent third = Send("+493");
  ASSERT_FALSE(third.status.ok());
  EXPECT_EQ(third.status.error().message(), "SMS limit reached (osprey_sms_limit_user: 2 in 3600 s)");
  EXPECT_TRUE(Send("+493", "res/bob").status.ok());  // another user
  clock_.Advance(std::chrono::seconds(3601));
  EXPECT_TRUE(Send("+493").status.ok());
  EXPECT_EQ(provider_->sent().size(), 4u);
}

TEST_P(SmsSenderTest, PerNumberLimitCountsTheDigitsWhoeverAsks) {
  SetPolicy(std::string(policy::action::kSmsLimitNumber), "1/60");
  EXPECT_TRUE(Send("+49 151 1").status.ok());
  SmsSent again = Send("+491511", "res/bob");  // the same digits, another user
  ASSERT_FALSE(again.status.ok());
  EXPECT_EQ(again.status.error().message(), "SMS limit reached (osprey_sms_limit_number: 1 in 60 s)");
  EXPECT_TRUE(Send("+491512").status.ok());
}

TEST_P(SmsSenderTest, PerPrefixLimitCountsNumbersSharingTheirFirstDigits) {
  SetPolicy(std::string(policy::action::kSmsLimitPrefix), "2/60/4");
  EXPECT_TRUE(Send("+4915111").status.ok());
  EXPECT_TRUE(Send("+4915222", "res/bob").status.ok());
  SmsSent third = Send("+4915333", "res/carol");
  ASSERT_FALSE(third.status.ok());
  EXPECT_EQ(third.status.error().message(), "SMS limit reached (osprey_sms_limit_prefix: 2 in 60 s)");
  EXPECT_TRUE(Send("+4930111", "res/carol").status.ok());
  EXPECT_EQ(provider_->sent().size(), 3u);
}

TEST_P(SmsSenderTest, AFailedSendIsNotCounted) {
  SetPolicy(std::string(policy::action::kSmsLimitUser), "1/3600");
  AddGateway("down", true);
  EXPECT_FALSE(sender_->Send({"down", "+491", "t", "res/alice", &subject_, ""}).status.ok());
  EXPECT_TRUE(Send("+491").status.ok());
  EXPECT_FALSE(Send("+491").status.ok());
}

TEST(SmsLimitTest, ParsesCountSecondsAndDigits) {
  EXPECT_EQ(ParseLimit("5/3600", false), (std::array<std::int64_t, 3>{5, 3600, 0}));
  EXPECT_EQ(ParseLimit(" 100 / 60 / 6 ", true), (std::array<std::int64_t, 3>{100, 60, 6}));
  for (const char* bad : {"", "5", "5/", "/60", "0/60", "5/60/6", "x/60", "-1/60", "5/60/"}) {
    EXPECT_FALSE(ParseLimit(bad, false).has_value()) << bad;
  }
  EXPECT_FALSE(ParseLimit("5/60", true).has_value());
}

OSPREY_INSTANTIATE_FOR_ENGINES(SmsSenderTest);

}  // namespace
}  // namespace osprey::mfa::sms
