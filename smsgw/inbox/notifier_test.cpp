// Notifier against a fake HttpClient and a FakeClock on each engine: request formats, retries until a 200,
// giving up after the limit, and a restart on the same database.
#include "smsgw/inbox/notifier.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <vector>

#include "smsgw/inbox/inbox_test_support.hpp"

namespace osprey::smsgw::inbox::testing {
namespace {

using namespace std::chrono_literals;

// Answers with the queued statuses (then `fallback`), recording each request and the clock's time.
class FakeHttpClient final : public http::HttpClient {
 public:
  explicit FakeHttpClient(const Clock& clock) : clock_(clock) {}
  Result<http::ClientResponse> Send(const http::ClientRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests.push_back(request);
    times.push_back(clock_.Now());
    int status = fallback;
    if (!statuses.empty()) {
      status = statuses.front();
      statuses.pop_front();
    }
    if (status < 0) return Error(ErrorCode::kUnavailable, "connection refused");
    http::ClientResponse r;
    r.status = status;
    return r;
  }
  std::size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests.size();
  }

  std::deque<int> statuses;  // -1: a transport error
  int fallback = 200;
  std::vector<http::ClientRequest> requests;
  std::vector<Clock::TimePoint> times;

 private:
  const Clock& clock_;
  std::mutex mu_;
};

NotifierOptions Options(CallbackMethod method = CallbackMethod::kPost) {
  NotifierOptions o;
  o.callback_url = "http://127.0.0.1:9/cb";
  o.callback_method = method;
  o.retry_interval = 2min;
  o.utc_offset = [](Clock::TimePoint) { return 2 * 3600L; };
  return o;
}

Notification Sample() {
  Notification n;
  n.id = 5;
  n.kind = "callback";
  n.message_id = 42;
  n.number = "+48 111";
  n.text = "Zażółć & go";
  n.modem_no = 2;
  n.receive_date = Clock::TimePoint(std::chrono::seconds(1401528177));  // 2014-05-31 09:22:57 UTC
  return n;
}

TEST(NotificationRequest, CallbackPostIsAFormWithSmsEaglesFields) {
  NotifierOptions o = Options();
  o.callback_apikey = Secret("k&y");
  o.verify_tls = false;
  const http::ClientRequest r = BuildNotificationRequest(Sample(), o);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9/cb");
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.body,
            "sender=%2B48+111&timestamp=20140531112257&text=Za%C5%BC%C3%B3%C5%82%C4%87+%26+go&msgid=42"
            "&apikey=k%26y&modem_no=2&oid=");
  EXPECT_FALSE(r.verify_tls);
  EXPECT_FALSE(r.follow_redirects);
}

TEST(NotificationRequest, CallbackGetPutsTheFieldsInTheQueryWithoutAnApiKeyUnlessSet) {
  NotifierOptions o = Options(CallbackMethod::kGet);
  o.callback_url = "https://h/cb?rule=1";
  Notification n = Sample();
  n.oid = "abc";
  const http::ClientRequest r = BuildNotificationRequest(n, o);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(
      r.url,
      "https://h/cb?rule=1&sender=%2B48+111&timestamp=20140531112257&text=Za%C5%BC%C3%B3%C5%82%C4%87+%26+go"
      "&msgid=42&modem_no=2&oid=abc");
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.verify_tls);
}

TEST(NotificationRequest, WebhookIsOspreysJson) {
  NotifierOptions o = Options();
  o.webhook_url = "http://127.0.0.1:9/hook";
  Notification n = Sample();
  n.kind = "webhook";
  const http::ClientRequest r = BuildNotificationRequest(n, o);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9/hook");
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(r.body), (nlohmann::json{{"event", "sms.received"},
                                                           {"id", 42},
                                                           {"number", "+48 111"},
                                                           {"text", "Zażółć & go"},
                                                           {"modem_no", 2},
                                                           {"oid", nullptr},
                                                           {"date", "2014-05-31T11:22:57+02:00"}}));
}

TEST(NotificationRequest, MethodNames) {
  EXPECT_EQ(*ParseCallbackMethod("get"), CallbackMethod::kGet);
  EXPECT_EQ(*ParseCallbackMethod("POST"), CallbackMethod::kPost);
  EXPECT_FALSE(ParseCallbackMethod("PUT").ok());
}

class NotifierTest : public InboxTest {
 protected:
  void SetUp() override {
    InboxTest::SetUp();
    if (IsSkipped()) return;
    Reopen({.notify_callback = true});
    clock_.Set(kStart);
  }

  std::unique_ptr<Notifier> Make(NotifierOptions options = Options()) {
    return std::make_unique<Notifier>(*db_, client_, clock_, std::move(options));
  }

  int Deliver(Notifier& n) {
    auto delivered = n.DeliverDue();
    EXPECT_TRUE(delivered.ok()) << delivered.error().ToString();
    return delivered.ok() ? *delivered : -1;
  }

  std::string State() {
    std::string state;
    auto session = db_->Acquire();
    EXPECT_TRUE(session.ok());
    if (session.ok()) **session << "SELECT state FROM smsgw_notifications", soci::into(state);
    return state;
  }

  FakeClock clock_;
  FakeHttpClient client_{clock_};
};

TEST_P(NotifierTest, FailuresAreRetriedEveryIntervalUntilA200) {
  ASSERT_EQ(Add(Sms("+48111", "hi"), kStart), AddOutcome::kMessage);
  client_.statuses = {500, 500, 200};
  auto notifier = Make();
  EXPECT_EQ(Deliver(*notifier), 0);  // 500
  clock_.Advance(119s);
  EXPECT_EQ(Deliver(*notifier), 0);  // not due yet
  EXPECT_EQ(client_.count(), 1u);
  clock_.Advance(1s);
  EXPECT_EQ(Deliver(*notifier), 0);  // 500 again
  clock_.Advance(2min);
  EXPECT_EQ(Deliver(*notifier), 1);  // 200
  clock_.Advance(1h);
  EXPECT_EQ(Deliver(*notifier), 0);
  ASSERT_EQ(client_.count(), 3u);
  EXPECT_EQ(client_.times[1] - client_.times[0], 2min);
  EXPECT_EQ(client_.times[2] - client_.times[1], 2min);
  EXPECT_EQ(State(), "delivered");
  EXPECT_TRUE(All()[0].processed);
}

TEST_P(NotifierTest, TransportErrorsAndOtherStatusesAreFailuresToo) {
  ASSERT_EQ(Add(Sms("+48111", "hi"), kStart), AddOutcome::kMessage);
  client_.statuses = {-1, 201, 204};
  auto notifier = Make();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Deliver(*notifier), 0);
    clock_.Advance(2min);
  }
  EXPECT_EQ(Deliver(*notifier), 1);
  EXPECT_EQ(client_.count(), 4u);
}

TEST_P(NotifierTest, GivesUpAfterTheLimitCountedFromTheFirstAttempt) {
  ASSERT_EQ(Add(Sms("+48111", "hi"), kStart), AddOutcome::kMessage);
  client_.fallback = 503;
  NotifierOptions o = Options();
  o.retry_interval = 1h;
  auto notifier = Make(std::move(o));
  clock_.Advance(10min);  // the first attempt starts the 24 h
  for (int hour = 0; hour <= 30; ++hour) {
    EXPECT_EQ(Deliver(*notifier), 0);
    clock_.Advance(1h);
  }
  ASSERT_EQ(client_.count(), 25u);  // at 0 h, 1 h, ... 24 h after the first
  EXPECT_EQ(client_.times.back() - client_.times.front(), 24h);
  EXPECT_EQ(State(), "given_up");
  EXPECT_FALSE(All()[0].processed);
}

TEST_P(NotifierTest, ANewNotifierOnTheSameDatabaseCarriesOn) {
  ASSERT_EQ(Add(Sms("+48111", "hi"), kStart), AddOutcome::kMessage);
  client_.statuses = {500};
  Make()->DeliverDue().value();  // the first process fails once and goes away
  EXPECT_EQ(client_.count(), 1u);
  auto second = Make();
  EXPECT_EQ(Deliver(*second), 0);  // the retry is not due yet after the restart
  clock_.Advance(2min);
  EXPECT_EQ(Deliver(*second), 1);
  EXPECT_EQ(client_.count(), 2u);
  EXPECT_EQ(State(), "delivered");
}

TEST_P(NotifierTest, BothKindsAreSentAndADeletedMessageIsStillNotified) {
  Reopen({.notify_callback = true, .notify_webhook = true});
  ASSERT_EQ(Add(Sms("+48111", "hi"), kStart), AddOutcome::kMessage);
  ASSERT_TRUE(inbox_->Delete(0, 1000).ok());
  NotifierOptions o = Options();
  o.webhook_url = "http://127.0.0.1:9/hook";
  auto notifier = Make(std::move(o));
  EXPECT_EQ(Deliver(*notifier), 2);
  ASSERT_EQ(client_.count(), 2u);
  EXPECT_EQ(client_.requests[0].url, "http://127.0.0.1:9/cb");
  EXPECT_EQ(client_.requests[1].url, "http://127.0.0.1:9/hook");
  EXPECT_NE(client_.requests[0].body.find("text=hi"), std::string::npos);
}

TEST_P(NotifierTest, AKindWithoutAUrlIsDropped) {
  Reopen({.notify_webhook = true});
  ASSERT_EQ(Add(Sms("+48111", "hi"), kStart), AddOutcome::kMessage);
  auto notifier = Make();  // callback only
  EXPECT_EQ(Deliver(*notifier), 0);
  EXPECT_EQ(client_.count(), 0u);
  EXPECT_EQ(State(), "dropped");
}

TEST_P(NotifierTest, TheThreadDeliversWhenWoken) {
  NotifierOptions o = Options();
  o.poll_interval = 10s;  // only Wake makes it look again
  auto notifier = Make(std::move(o));
  notifier->Start();
  ASSERT_EQ(Add(Sms("+48111", "hi"), kStart), AddOutcome::kMessage);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (client_.count() == 0 && std::chrono::steady_clock::now() < deadline) {
    notifier->Wake();
    std::this_thread::sleep_for(5ms);
  }
  notifier->Stop();
  EXPECT_EQ(client_.count(), 1u);
  EXPECT_EQ(State(), "delivered");
}

OSPREY_INSTANTIATE_FOR_ENGINES(NotifierTest);

}  // namespace
}  // namespace osprey::smsgw::inbox::testing
