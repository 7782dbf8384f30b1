// Notifier: delivers the notifications InboxStore enqueues for each new inbox message (smseagle-api.md §12):
//   - "callback": SMSEagle's callback URL. GET with a query string or POST application/x-www-form-urlencoded
//     with sender, timestamp (YYYYmmddHHiiss, gateway local time), text, msgid, apikey (only when
//     configured), modem_no and oid ("" when none).
//   - "webhook": Osprey's JSON webhook, POST {"event":"sms.received","id":…,"number":…,"text":…,
//     "modem_no":…,"oid":…|null,"date":"YYYY-MM-DDThh:mm:ss±hh:mm"}.
// Success is HTTP 200 only. Anything else (another status, a timeout, a refused connection) is retried every
// retry_interval until give_up_after has passed since the first attempt; then the notification is given up
// (logged). The state lives in the database (smsgw_notifications), so delivery is at-least-once across
// restarts: a notification whose attempt was cut short by a crash is sent again once its claim expires.
// When every notification of a message is delivered the message is marked `processed`.
//
// Logs never contain a URL (a GET callback carries the API key in its query) nor message texts.
// Ownership: refers to the Database, the HttpClient and the Clock, which must outlive it.
// Thread rule: Start, Stop and the destructor from one owning thread; Wake and DeliverDue from any thread.
// REQUIRES: ApplyMigrations(db, InboxMigrations()) has been run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"
#include "osprey/http/client.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::smsgw::inbox {

enum class CallbackMethod { kGet, kPost };

// "GET" or "POST" (any case); kInvalidArgument otherwise.
Result<CallbackMethod> ParseCallbackMethod(const std::string& text);

struct NotifierOptions {
  std::string callback_url;  // empty: no callback
  CallbackMethod callback_method = CallbackMethod::kPost;
  Secret callback_apikey;   // sent as `apikey` when not empty
  std::string webhook_url;  // empty: no webhook
  std::chrono::milliseconds retry_interval{std::chrono::minutes(2)};
  std::chrono::milliseconds give_up_after{std::chrono::hours(24)};
  bool verify_tls = true;
  std::chrono::milliseconds poll_interval{1000};     // real time between looks for due work when not woken
  std::chrono::milliseconds request_timeout{10000};  // per HTTP exchange (after connect)
  // Seconds east of UTC of the gateway's local time at a moment (timestamps); unset = the process's zone.
  std::function<long(Clock::TimePoint)> utc_offset;
};

// One queued notification with its own copy of the message.
struct Notification {
  std::int64_t id = 0;
  std::string kind;  // "callback" or "webhook"
  std::int64_t message_id = 0;
  std::string number;
  std::string text;
  int modem_no = 0;
  std::optional<std::string> oid;
  Clock::TimePoint receive_date;
  int attempts = 0;
  std::optional<Clock::TimePoint> first_attempt_at;
};

// The HTTP request for `n` under `options` (pure; exposed for tests). REQUIRES: the kind's URL is set.
http::ClientRequest BuildNotificationRequest(const Notification& n, const NotifierOptions& options);

class Notifier {
 public:
  Notifier(sql::Database& db, http::HttpClient& client, const Clock& clock, NotifierOptions options);
  ~Notifier();  // stops first
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Starts the sender thread (DeliverDue every poll_interval or when woken). Idempotent.
  void Start();
  // Stops the thread after the request in flight. Idempotent.
  void Stop();
  // Makes the thread look for due work now.
  void Wake();

  // Claims and sends every notification due at the clock's now, once each; returns how many were delivered.
  // A notification whose kind has no URL configured any more is dropped (logged). Errors: kUnavailable /
  // kInternal from the database (what was delivered before stays recorded).
  Result<int> DeliverDue();

 private:
  void Loop();
  // Records the outcome of one attempt (`http_status` nullopt: no response, `error` says why).
  Status Record(const Notification& n, std::optional<int> http_status, const std::string& error);

  sql::Database& db_;
  http::HttpClient& client_;
  const Clock& clock_;
  const NotifierOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  bool woken_ = false;     // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace osprey::smsgw::inbox
