// ApiV1::Call against real accounts, queue and send service on each engine, with a fake phonebook.
#include "smsgw/api/v1_http.hpp"

#include <gtest/gtest.h>

#include "smsgw/accounts/test_accounts.hpp"
#include "smsgw/api/service.hpp"
#include "smsgw/modem/loopback_driver.hpp"
#include "smsgw/queue/migrations.hpp"

namespace osprey::smsgw::api {
namespace {

// Group "team" (id 7: contacts 3 and 4) and contact "alice" (id 3); records the viewer of each lookup.
class FakeDirectory final : public send::RecipientDirectory {
 public:
  Result<std::optional<send::DirectoryContact>> FindContact(std::int64_t id,
                                                            std::optional<std::int64_t>) const override {
    if (id == 3) return std::optional(kAlice);
    if (id == 4) return std::optional(kBob);
    return std::optional<send::DirectoryContact>();
  }
  Result<std::optional<std::vector<send::DirectoryContact>>> GroupMembers(
      std::int64_t id, std::optional<std::int64_t>) const override {
    if (id != 7) return std::optional<std::vector<send::DirectoryContact>>();
    return std::optional(std::vector{kAlice, kBob});
  }
  Result<std::optional<std::int64_t>> FindContactByName(std::string_view name,
                                                        std::optional<std::int64_t> viewer) const override {
    viewers.push_back(viewer);
    return name == "alice" ? std::optional<std::int64_t>(3) : std::nullopt;
  }
  Result<std::optional<std::int64_t>> FindGroupByName(std::string_view name,
                                                      std::optional<std::int64_t> viewer) const override {
    viewers.push_back(viewer);
    return name == "team" ? std::optional<std::int64_t>(7) : std::nullopt;
  }

  mutable std::vector<std::optional<std::int64_t>> viewers;

 private:
  const send::DirectoryContact kAlice{3, "alice", "+48111"};
  const send::DirectoryContact kBob{4, "bob", "+48222"};
};

class ApiV1CallTest : public accounts::testing::AccountsTest {
 protected:
  void SetUp() override {
    AccountsTest::SetUp();
    if (IsSkipped()) return;
    auto applied = sql::ApplyMigrations(*db_, queue::QueueMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    queue_ = std::make_unique<queue::Store>(*db_);
    std::vector<std::unique_ptr<modem::ModemDriver>> drivers;
    drivers.push_back(std::make_unique<modem::LoopbackDriver>(1, std::chrono::milliseconds(0)));
    fleet_ = std::make_unique<modem::Fleet>(std::move(drivers));
    send::SendOptions options;
    options.directory = &directory_;
    options.modem_exists = [this](int n) { return fleet_->Exists(n); };
    sender_ = std::make_unique<send::SendService>(*queue_, clock_, options);
    deps_.authenticator = auth_.get();
    deps_.sender = sender_.get();
    deps_.store = queue_.get();
    deps_.fleet = fleet_.get();
    v1_ = std::make_unique<ApiV1>(deps_, &directory_);

    user_id_ = AddOrDie("u1", {.apiv1_enabled = true}).id;
    token_ = TokenOrDie("u1", accounts::TokenKind::kApiV1);
    ASSERT_TRUE(store_->Permit("u1", {"apiv1.send", "apiv1.signal", "apiv1.lengths"}, {}).ok());
  }

  V1Reply Call(const char* method, V1Params params, V1AuthTexts texts = V1AuthTexts::kByCredential) {
    params.emplace("access_token", token_);
    return v1_->Call(FindV1HttpMethod(method), params, texts);
  }

  FakeDirectory directory_;
  std::unique_ptr<queue::Store> queue_;
  std::unique_ptr<send::SendService> sender_;
  std::unique_ptr<modem::Fleet> fleet_;
  GatewayDeps deps_;
  std::unique_ptr<ApiV1> v1_;
  std::int64_t user_id_ = 0;
  std::string token_;
};

TEST_P(ApiV1CallTest, SendToGroupAndContactResolveNamesInTheCallersScope) {
  V1Reply group = Call("send_togroup", {{"groupname", "team"}, {"message", "hi"}});
  ASSERT_EQ(group.kind, V1Reply::Kind::kSent) << group.text;
  ASSERT_EQ(group.ids.size(), 2u);
  EXPECT_LT(*group.ids[0], *group.ids[1]);
  V1Reply contact = Call("send_tocontact", {{"contactname", "alice"}, {"message", "hi"}});
  ASSERT_EQ(contact.kind, V1Reply::Kind::kSent) << contact.text;
  EXPECT_EQ(contact.ids.size(), 1u);
  EXPECT_EQ(directory_.viewers, (std::vector<std::optional<std::int64_t>>{user_id_, user_id_}));
  EXPECT_EQ(Call("get_queue_length", {}).count, 3);

  EXPECT_EQ(Call("send_togroup", {{"groupname", "nobody"}, {"message", "hi"}}).text, kV1WrongParameters);
  EXPECT_EQ(Call("send_togroup", {{"message", "hi"}}).text, kV1WrongParameters);
  EXPECT_EQ(Call("send_tocontact", {{"contactname", "alice"}}).text, kV1WrongParameters);  // no message
  ApiV1 without_phonebook(deps_, nullptr);
  V1Params params = {{"access_token", token_}, {"contactname", "alice"}, {"message", "hi"}};
  EXPECT_EQ(
      without_phonebook.Call(FindV1HttpMethod("send_tocontact"), params, V1AuthTexts::kByCredential).text,
      kV1WrongParameters);
}

TEST_P(ApiV1CallTest, AuthenticationPermissionAndUnknownMethod) {
  EXPECT_EQ(
      v1_->Call(FindV1HttpMethod("get_queue_length"), {{"access_token", "x"}}, V1AuthTexts::kByCredential)
          .text,
      kV1InvalidToken);
  EXPECT_EQ(
      v1_->Call(FindV1HttpMethod("get_queue_length"), {{"access_token", "x"}}, V1AuthTexts::kLoginOrPassword)
          .text,
      kV1InvalidLogin);
  EXPECT_EQ(v1_->Call(FindV1HttpMethod("get_queue_length"), {{"login", "u1"}, {"pass", "p"}},
                      V1AuthTexts::kByCredential)
                .text,
            kV1InvalidLogin);                                                 // no password access
  EXPECT_EQ(Call("read_sms", {{"folder", "outbox"}}).text, kV1InvalidToken);  // apiv1.read not granted
  EXPECT_EQ(v1_->Call(std::nullopt, {{"access_token", token_}}, V1AuthTexts::kByCredential).text,
            kV1WrongParameters);
  EXPECT_EQ(v1_->Call(std::nullopt, {{"access_token", "x"}}, V1AuthTexts::kByCredential).text,
            kV1InvalidToken);
}

TEST_P(ApiV1CallTest, RateLimitAnswersTooManyRequests) {
  RateLimiter limiter(RateLimit{0.001, 1}, clock_);
  deps_.rate_limiter = &limiter;
  EXPECT_EQ(Call("get_queue_length", {}).kind, V1Reply::Kind::kCount);
  const V1Reply limited = Call("get_queue_length", {});
  EXPECT_EQ(limited.kind, V1Reply::Kind::kError);
  EXPECT_EQ(limited.text, kV1TooManyRequests);
  deps_.rate_limiter = nullptr;
}

TEST_P(ApiV1CallTest, SignalFromTheFleet) {
  const V1Reply signal = Call("get_gsmsignal", {});
  EXPECT_EQ(signal.kind, V1Reply::Kind::kCount);
  EXPECT_EQ(signal.text, "signal_strength");
  EXPECT_EQ(signal.count, 100);  // the loopback modem reports full signal
  EXPECT_EQ(Call("get_gsmsignal", {{"modem_no", "2"}}).text, kV1WrongModem);
  EXPECT_EQ(Call("send_sms", {{"to", "1"}, {"message", "x"}, {"modem_no", "2"}}).text, kV1WrongModem);
}

OSPREY_INSTANTIATE_FOR_ENGINES(ApiV1CallTest);

}  // namespace
}  // namespace osprey::smsgw::api
