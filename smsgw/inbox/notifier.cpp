#include "smsgw/inbox/notifier.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <vector>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "osprey/sql/run.hpp"
#include "smsgw/inbox/sql_util.hpp"

namespace osprey::smsgw::inbox {
namespace {

using internal::Exec;

constexpr int kBatch = 100;

long ProcessUtcOffset(Clock::TimePoint t) {
  const std::time_t secs = Clock::TimePoint::clock::to_time_t(t);
  std::tm local{};
  localtime_r(&secs, &local);
  return local.tm_gmtoff;
}

std::tm Shifted(Clock::TimePoint t, long offset) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  const std::time_t shifted = static_cast<std::time_t>(secs + offset);
  std::tm tm{};
  gmtime_r(&shifted, &tm);
  return tm;
}

// SMSEagle's callback timestamp: YYYYmmddHHiiss.
std::string CallbackTimestamp(Clock::TimePoint t, long offset) {
  const std::tm tm = Shifted(t, offset);
  char out[32];
  std::snprintf(out, sizeof out, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return out;
}

// The API's date format: YYYY-MM-DDThh:mm:ss±hh:mm.
std::string ApiDate(Clock::TimePoint t, long offset) {
  const std::tm tm = Shifted(t, offset);
  const long abs_offset = offset < 0 ? -offset : offset;
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, offset < 0 ? '-' : '+',
                abs_offset / 3600, abs_offset % 3600 / 60);
  return out;
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += http::PercentEncode(k, true) + "=" + http::PercentEncode(v, true);
  }
  return out;
}

http::ClientRequest CallbackRequest(const Notification& n, const NotifierOptions& o, long offset) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"sender", n.number},
      {"timestamp", CallbackTimestamp(n.receive_date, offset)},
      {"text", n.text},
      {"msgid", std::to_string(n.message_id)},
  };
  if (!o.callback_apikey.empty()) fields.emplace_back("apikey", std::string(o.callback_apikey.view()));
  fields.emplace_back("modem_no", std::to_string(n.modem_no));
  fields.emplace_back("oid", n.oid.value_or(""));
  http::ClientRequest r;
  if (o.callback_method == CallbackMethod::kGet) {
    r.method = "GET";
    r.url = o.callback_url + (o.callback_url.find('?') == std::string::npos ? "?" : "&") + FormEncode(fields);
  } else {
    r.method = "POST";
    r.url = o.callback_url;
    r.headers.Set("Content-Type", "application/x-www-form-urlencoded");
    r.body = FormEncode(fields);
  }
  return r;
}

http::ClientRequest WebhookRequest(const Notification& n, const NotifierOptions& o, long offset) {
  const nlohmann::json body = {
      {"event", "sms.received"},
      {"id", n.message_id},
      {"number", n.number},
      {"text", n.text},
      {"modem_no", n.modem_no},
      {"oid", n.oid ? nlohmann::json(*n.oid) : nlohmann::json(nullptr)},
      {"date", ApiDate(n.receive_date, offset)},
  };
  http::ClientRequest r;
  r.method = "POST";
  r.url = o.webhook_url;
  r.headers.Set("Content-Type", "application/json");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Notification ToNotification(const soci::row& r) {
  Notification n;
  n.id = sql::Int(r, 0);
  n.kind = sql::Text(r, 1);
  n.message_id = sql::Int(r, 2);
  n.number = sql::Text(r, 3);
  n.text = sql::Text(r, 4);
  n.modem_no = static_cast<int>(sql::Int(r, 5));
  n.oid = sql::OptText(r, 6);
  n.receive_date = FromUnixMillis(sql::Int(r, 7));
  n.attempts = static_cast<int>(sql::Int(r, 8));
  if (auto first = sql::OptInt(r, 9)) n.first_attempt_at = FromUnixMillis(*first);
  return n;
}

}  // namespace

Result<CallbackMethod> ParseCallbackMethod(const std::string& text) {
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (upper == "GET") return CallbackMethod::kGet;
  if (upper == "POST") return CallbackMethod::kPost;
  return Error(ErrorCode::kInvalidArgument, "callback method must be GET or POST");
}

http::ClientRequest BuildNotificationRequest(const Notification& n, const NotifierOptions& options) {
  const long offset =
      options.utc_offset ? options.utc_offset(n.receive_date) : ProcessUtcOffset(n.receive_date);
  http::ClientRequest r =
      n.kind == "webhook" ? WebhookRequest(n, options, offset) : CallbackRequest(n, options, offset);
  r.verify_tls = options.verify_tls;
  r.timeout = options.request_timeout;
  r.follow_redirects = false;  // a redirected POST would lose its body; success is a plain 200
  return r;
}

Notifier::Notifier(sql::Database& db, http::HttpClient& client, const Clock& clock, NotifierOptions options)
    : db_(db), client_(client), clock_(clock), options_(std::move(options)) {}

Notifier::~Notifier() { Stop(); }

void Notifier::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Notifier::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Notifier::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Notifier::Loop() {
  for (;;) {
    auto delivered = DeliverDue();
    if (!delivered.ok()) spdlog::warn("inbox notifications: {}", delivered.error().ToString());
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
  }
}

Result<int> Notifier::DeliverDue() {
  const Clock::TimePoint now = clock_.Now();
  const long long now_ms = ToUnixMillis(now);
  std::vector<Notification> due;
  Status st = sql::RunRead(db_, "due notifications", [&](soci::session& s) {
    due.clear();
    internal::ForEachRow(
        s,
        "SELECT CAST(id AS BIGINT), kind, CAST(message_id AS BIGINT), number, text, modem_no, oid,"
        " CAST(receive_date AS BIGINT), attempts, CAST(first_attempt_at AS BIGINT) FROM smsgw_notifications"
        " WHERE state = 'pending' AND next_attempt_at <= " +
            std::to_string(now_ms) + " ORDER BY next_attempt_at, id LIMIT " + std::to_string(kBatch),
        {}, [&](const soci::row& r) { due.push_back(ToNotification(r)); });
  });
  if (!st.ok()) return st.error();
  int delivered = 0;
  // Long enough for one exchange; a crash during it leaves the notification due again afterwards.
  const long long lease_ms =
      now_ms +
      (options_.request_timeout + std::chrono::milliseconds(3000) + std::chrono::seconds(60)).count();
  for (const Notification& n : due) {
    long long claimed = 0;
    st = sql::RunTransaction(db_, "claim notification", [&](soci::session& s) {
      claimed =
          Exec(s,
               "UPDATE smsgw_notifications SET next_attempt_at = :l WHERE id = :id AND state = 'pending'"
               " AND next_attempt_at <= :n",
               lease_ms, static_cast<long long>(n.id), now_ms);
    });
    if (!st.ok()) return st.error();
    if (claimed == 0) continue;  // another sender took it
    const std::string& url = n.kind == "webhook" ? options_.webhook_url : options_.callback_url;
    if (url.empty()) {
      spdlog::warn("inbox notification {} ({}) dropped: no {} URL configured", n.id, n.kind, n.kind);
      st = sql::RunTransaction(db_, "drop notification", [&](soci::session& s) {
        Exec(s, "UPDATE smsgw_notifications SET state = 'dropped', done_at = :d WHERE id = :id", now_ms,
             static_cast<long long>(n.id));
      });
      if (!st.ok()) return st.error();
      continue;
    }
    auto response = client_.Send(BuildNotificationRequest(n, options_));
    std::optional<int> status;
    std::string error;
    if (response.ok()) {
      status = response->status;
    } else {
      error = std::string(ErrorCodeName(response.error().code()));
    }
    st = Record(n, status, error);
    if (!st.ok()) return st.error();
    if (status == 200) ++delivered;
  }
  return delivered;
}

Status Notifier::Record(const Notification& n, std::optional<int> http_status, const std::string& error) {
  const Clock::TimePoint now = clock_.Now();
  const long long now_ms = ToUnixMillis(now), id = n.id;
  const Clock::TimePoint first = n.first_attempt_at.value_or(now);
  const long long first_ms = ToUnixMillis(first);
  const int attempts = n.attempts + 1;
  const int status_value = http_status.value_or(0);
  soci::indicator status_ind = http_status ? soci::i_ok : soci::i_null;
  std::string error_text = http_status ? "HTTP " + std::to_string(*http_status) : error;
  if (http_status == 200) {
    return sql::RunTransaction(db_, "record notification", [&](soci::session& s) {
      Exec(s,
           "UPDATE smsgw_notifications SET state = 'delivered', attempts = :a, first_attempt_at = :f,"
           " last_status = 200, last_error = NULL, done_at = :d WHERE id = :id",
           attempts, first_ms, now_ms, id);
      const long long message = n.message_id;
      Exec(s,
           "UPDATE smsgw_inbox SET processed = TRUE, update_date = :u WHERE id = :m AND NOT EXISTS (SELECT 1"
           " FROM smsgw_notifications WHERE message_id = :m2 AND state <> 'delivered')",
           now_ms, message, message);
    });
  }
  const Clock::TimePoint next = now + options_.retry_interval;
  const bool give_up = next - first > options_.give_up_after;
  const long long next_ms = ToUnixMillis(next);
  if (give_up) {
    spdlog::warn("inbox notification {} ({}) for message {} given up after {} attempts: {}", n.id, n.kind,
                 n.message_id, attempts, error_text);
  } else {
    spdlog::info("inbox notification {} ({}) for message {} failed ({}); retrying", n.id, n.kind,
                 n.message_id, error_text);
  }
  return sql::RunTransaction(db_, "record notification", [&](soci::session& s) {
    std::string state = give_up ? "given_up" : "pending";
    int status_copy = status_value;
    soci::indicator ind = status_ind;
    long long done = now_ms, next_copy = next_ms, first_copy = first_ms, id_copy = id;
    soci::indicator done_ind = give_up ? soci::i_ok : soci::i_null;
    int attempts_copy = attempts;
    s << "UPDATE smsgw_notifications SET state = :s, attempts = :a, first_attempt_at = :f, last_status = :ls,"
         " last_error = :le, next_attempt_at = :n, done_at = :d WHERE id = :id",
        soci::use(state), soci::use(attempts_copy), soci::use(first_copy), soci::use(status_copy, ind),
        soci::use(error_text), soci::use(next_copy), soci::use(done, done_ind), soci::use(id_copy);
  });
}

}  // namespace osprey::smsgw::inbox
