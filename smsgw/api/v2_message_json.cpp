#include "smsgw/api/v2_message_json.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdio>
#include <ctime>

#include "smsgw/send/schedule.hpp"
#include "smsgw/sms/ucs2.hpp"

namespace osprey::smsgw::api {
namespace {

using nlohmann::json;

constexpr std::pair<ApiFolder, std::string_view> kFolders[] = {{ApiFolder::kInbox, "inbox"},
                                                               {ApiFolder::kOutbox, "outbox"},
                                                               {ApiFolder::kSent, "sent"},
                                                               {ApiFolder::kError, "error"},
                                                               {ApiFolder::kDelivered, "delivered"}};

// The first value of `key`, nullopt when absent or "" (§13.3: "" means absent).
std::optional<std::string> First(const http::Pairs& query, std::string_view key) {
  for (const auto& [k, v] : query) {
    if (k == key) return v.empty() ? std::nullopt : std::optional<std::string>(v);
  }
  return std::nullopt;
}

std::optional<std::int64_t> IntField(const http::Pairs& q, const char* key, send::FieldErrors& errors) {
  auto text = First(q, key);
  if (!text) return std::nullopt;
  auto value = ParseIntParam(*text);
  if (!value) errors.emplace(key, kNotAnInt);
  return value;
}

// An unencoded '+' in a query string decodes to a space: in "…T12:20:31+05:01" it sits at offset 19.
std::optional<Clock::TimePoint> DateField(const http::Pairs& q, const char* key, send::FieldErrors& errors) {
  auto text = First(q, key);
  if (!text) return std::nullopt;
  if (text->size() == 25 && (*text)[19] == ' ') (*text)[19] = '+';
  auto date = send::ParseSendDate(*text);
  if (!date.ok()) {
    errors.emplace(key, "Wrong date format.");
    return std::nullopt;
  }
  return *date;
}

bool BoolField(const http::Pairs& q, const char* key, send::FieldErrors& errors) {
  auto text = First(q, key);
  if (!text || *text == "0" || *text == "false") return false;
  if (*text == "1" || *text == "true") return true;
  errors.emplace(key, "The type of the attribute must be one of bool (string given).");
  return false;
}

std::optional<int> ModemField(const http::Pairs& q, send::FieldErrors& errors) {
  auto n = IntField(q, "modem_no", errors);
  if (!n) return std::nullopt;
  if (*n < 1 || *n > send::kMaxModemNo) {
    errors.emplace("modem_no", "Incorrect modem number.");
    return std::nullopt;
  }
  return static_cast<int>(*n);
}

json OptDate(const std::optional<Clock::TimePoint>& t, const UtcOffsetFn& offset) {
  if (!t) return nullptr;
  return FormatApiDate(*t, offset(*t));
}

template <typename T>
json OrNull(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

std::optional<ApiFolder> ParseApiFolder(std::string_view name) {
  for (const auto& [folder, n] : kFolders) {
    if (n == name) return folder;
  }
  return std::nullopt;
}

std::string_view ApiFolderName(ApiFolder folder) {
  for (const auto& [f, n] : kFolders) {
    if (f == folder) return n;
  }
  return "";
}

std::optional<queue::Folder> QueueFolderOf(ApiFolder folder) {
  switch (folder) {
    case ApiFolder::kInbox: return std::nullopt;
    case ApiFolder::kOutbox: return queue::Folder::kOutbox;
    case ApiFolder::kSent: return queue::Folder::kSent;
    case ApiFolder::kError: return queue::Folder::kError;
    case ApiFolder::kDelivered: return queue::Folder::kDelivered;
  }
  return std::nullopt;
}

std::optional<std::int64_t> ParseIntParam(std::string_view text) {
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}

ListQuery ParseListQuery(const http::Pairs& query, send::FieldErrors& errors) {
  ListQuery q;
  q.filter = ParseCountQuery(query, errors);
  q.filter.id_from = IntField(query, "id_from", errors);
  q.filter.id_to = IntField(query, "id_to", errors);
  if (auto number = First(query, "number")) {
    if ((*number)[0] == ' ') (*number)[0] = '+';
    q.filter.number = *number;
  }
  if (auto limit = IntField(query, "limit", errors)) {
    if (*limit < 0)
      errors.emplace("limit", kInvalidChoice);
    else
      q.filter.limit = static_cast<int>(std::min<std::int64_t>(*limit, INT_MAX));
  }
  q.filter.sender_name = First(query, "sender_name");
  q.unread_only = BoolField(query, "unread", errors);
  q.with_attachments = BoolField(query, "attachments", errors);
  return q;
}

queue::MessageFilter ParseCountQuery(const http::Pairs& query, send::FieldErrors& errors) {
  queue::MessageFilter f;
  f.date_from = DateField(query, "date_from", errors);
  f.date_to = DateField(query, "date_to", errors);
  f.modem_no = ModemField(query, errors);
  return f;
}

long LocalUtcOffset(Clock::TimePoint t) {
  const std::time_t secs = Clock::TimePoint::clock::to_time_t(t);
  std::tm local{};
  localtime_r(&secs, &local);
  return local.tm_gmtoff;
}

std::string FormatApiDate(Clock::TimePoint t, long offset_seconds) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  const std::time_t shifted = static_cast<std::time_t>(secs + offset_seconds);
  std::tm tm{};
  gmtime_r(&shifted, &tm);
  const long abs_offset = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  char out[96];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, offset_seconds < 0 ? '-' : '+',
                abs_offset / 3600, abs_offset % 3600 / 60);
  return out;
}

json RenderMessageItem(const queue::MessageRecord& m, const std::optional<std::string>& sender_name,
                       const UtcOffsetFn& offset) {
  auto binary = sms::Utf16BeHex(m.text);
  return json{
      {"id", m.id},
      {"number", m.number},
      {"text", m.text},
      {"text_binary", binary.ok() ? *binary : std::string()},
      {"attachments", nullptr},
      {"udh", nullptr},
      {"smsc", nullptr},
      {"class", m.flash ? 0 : 255},
      {"encoding", m.coding},
      {"folder_id", m.status == queue::MessageStatus::kReserved ? 2 : 3},
      {"validity", m.validity},
      {"oid", OrNull(m.oid)},
      {"modem_no", OrNull(m.modem_no)},
      {"sender_name", OrNull(sender_name)},
      {"status", std::string(queue::FolderStatusName(m.status))},
      {"error_code", OrNull(m.error_code)},
      {"insert_date", FormatApiDate(m.insert_date, offset(m.insert_date))},
      {"update_date", FormatApiDate(m.update_date, offset(m.update_date))},
      {"sending_date", OptDate(m.sending_date, offset)},
      {"delivery_date", OptDate(m.delivery_date, offset)},
  };
}

json RenderInboxItem(const inbox::InboxMessage& m, const UtcOffsetFn& offset) {
  auto binary = sms::Utf16BeHex(m.text);
  return json{
      {"id", m.id},
      {"number", m.number},
      {"text", m.text},
      {"text_binary", binary.ok() ? *binary : std::string()},
      {"attachments", nullptr},
      {"udh", nullptr},
      {"smsc", nullptr},
      {"class", 255},
      {"encoding", m.coding == "unicode" ? "unicode" : "standard"},
      {"folder_id", 1},
      {"processed", m.processed},
      {"read", m.read},
      {"oid", OrNull(m.oid)},
      {"modem_no", m.modem_no},
      {"insert_date", FormatApiDate(m.insert_date, offset(m.insert_date))},
      {"receive_date", FormatApiDate(m.receive_date, offset(m.receive_date))},
  };
}

}  // namespace osprey::smsgw::api
