#include "smsgw/api/v1_common.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <ctime>

#include "osprey/http/message.hpp"
#include "smsgw/sms/validity.hpp"

namespace osprey::smsgw::api {
namespace {

using accounts::Permission;

constexpr std::array<V1MethodSpec, 9> kMethods{{
    {V1Method::kSendSms, "send_sms", "sms.send_sms", Permission::kApiV1Send},
    {V1Method::kSendToGroup, "send_togroup", "sms.send_togroup", Permission::kApiV1Send},
    {V1Method::kSendToContact, "send_tocontact", "sms.send_tocontact", Permission::kApiV1Send},
    {V1Method::kReadSms, "read_sms", "sms.read_sms", Permission::kApiV1Read},
    {V1Method::kDeleteSms, "delete_sms", "sms.delete_sms", Permission::kApiV1Delete},
    {V1Method::kGetQueueLength, "get_queue_length", "sms.get_queue_length", Permission::kApiV1Lengths},
    {V1Method::kGetInboxLength, "get_inbox_length", "sms.get_inbox_length", Permission::kApiV1Lengths},
    {V1Method::kGetSentitemsLength, "get_sentitems_length", "sms.get_sentitems_length",
     Permission::kApiV1Lengths},
    {V1Method::kGetGsmSignal, "get_gsmsignal", "signal.get_gsmsignal", Permission::kApiV1Signal},
}};

std::string_view Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// The value of `name`, with "" meaning absent (spec §13.3).
std::optional<std::string> Get(const V1Params& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// Reads an optional integer parameter into `out`; false when present but not an integer.
bool OptionalInt(const V1Params& params, const std::string& name, std::optional<std::int64_t>& out) {
  auto text = Get(params, name);
  if (!text) return true;
  out = ParseV1Int(*text);
  return out.has_value();
}

bool OptionalBool(const V1Params& params, const std::string& name, bool& out) {
  auto text = Get(params, name);
  if (!text) return true;
  auto value = ParseV1Bool(*text);
  if (value) out = *value;
  return value.has_value();
}

std::optional<V1ReadFolder> ParseFolder(const V1Params& params) {
  const std::string folder = Get(params, "folder").value_or("");
  if (folder == "inbox") return V1ReadFolder::kInbox;
  if (folder == "outbox") return V1ReadFolder::kOutbox;
  if (folder == "sentitems") return V1ReadFolder::kSentItems;
  return std::nullopt;
}

}  // namespace

std::optional<V1MethodSpec> FindV1HttpMethod(std::string_view name) {
  for (const V1MethodSpec& m : kMethods) {
    if (m.http_name == name) return m;
  }
  return std::nullopt;
}

std::optional<V1MethodSpec> FindV1RpcMethod(std::string_view name) {
  for (const V1MethodSpec& m : kMethods) {
    if (m.rpc_name == name) return m;
  }
  return std::nullopt;
}

V1Params ParamsFromUrlEncoded(std::string_view query, std::string_view form) {
  V1Params params;
  for (std::string_view source : {query, form}) {
    while (!source.empty()) {
      const std::size_t amp = source.find('&');
      const std::string_view pair = source.substr(0, amp);
      source = amp == std::string_view::npos ? std::string_view() : source.substr(amp + 1);
      if (pair.empty()) continue;
      const std::size_t eq = pair.find('=');
      std::string key = http::PercentDecode(pair.substr(0, eq), true);
      const std::string_view raw = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      std::string value = http::PercentDecode(raw, key != "to");
      params.emplace(std::move(key), std::move(value));  // the first value counts
    }
  }
  return params;
}

std::optional<V1Params> ParamsFromJson(const nlohmann::json& params) {
  if (!params.is_object()) return std::nullopt;
  const auto scalar = [](const nlohmann::json& v) -> std::optional<std::string> {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();
    return std::nullopt;
  };
  V1Params out;
  for (const auto& [key, value] : params.items()) {
    if (auto s = scalar(value)) {
      out[key] = *s;
    } else if (value.is_array()) {
      std::string joined;
      bool ok = true;
      for (const auto& item : value) {
        auto s = scalar(item);
        ok = ok && s.has_value();
        if (ok) joined += (joined.empty() ? "" : ",") + *s;
      }
      if (ok) out[key] = joined;
    }
  }
  return out;
}

std::optional<std::int64_t> ParseV1Int(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<bool> ParseV1Bool(std::string_view text) {
  const std::string lower = Lower(text);
  if (lower == "1" || lower == "true") return true;
  if (lower == "0" || lower == "false") return false;
  return std::nullopt;
}

V1Decoded<send::SendRequest> DecodeV1Send(const V1Params& params, bool with_recipients) {
  send::SendRequest r;
  if (auto type = Get(params, "message_type"); type && Lower(*type) != "sms") return kV1WrongParameters;
  if (with_recipients) {
    std::string_view to = params.count("to") ? std::string_view(params.at("to")) : std::string_view();
    while (!to.empty()) {
      const std::size_t comma = to.find(',');
      std::string item(Trim(to.substr(0, comma)));
      to = comma == std::string_view::npos ? std::string_view() : to.substr(comma + 1);
      // `to` keeps '+' undecoded (ParamsFromUrlEncoded): only a leading one is the international prefix.
      if (item.size() > 1) std::replace(item.begin() + 1, item.end(), '+', ' ');
      if (!item.empty()) r.to.push_back(std::move(item));
    }
  }
  r.text = Get(params, "message");
  if (auto date = Get(params, "date")) {
    if (date->size() != 12 || !AllDigits(*date)) return kV1WrongParameters;
    const std::string& d = *date;
    r.date = d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2) + "T" + d.substr(8, 2) + ":" +
             d.substr(10, 2) + ":00";
  }
  if (auto high = Get(params, "highpriority")) {
    std::optional<std::int64_t> level = ParseV1Int(*high);
    if (!level) {
      auto flag = ParseV1Bool(*high);
      if (flag) level = *flag ? 1 : 0;
    }
    if (!level || *level < 0 || *level > 9) return kV1WrongParameters;
    r.priority = *sms::HighPriorityToPriority(static_cast<int>(*level));
  }
  bool unicode = false;
  if (!OptionalBool(params, "unicode", unicode) || !OptionalBool(params, "flash", r.flash) ||
      !OptionalBool(params, "test", r.test)) {
    return kV1WrongParameters;
  }
  if (unicode) r.encoding = "unicode";
  r.oid = Get(params, "oid");
  if (!OptionalInt(params, "modem_no", r.modem_no)) return kV1WrongModem;
  return r;
}

V1Decoded<V1ReadQuery> DecodeV1Read(const V1Params& params) {
  V1ReadQuery q;
  auto folder = ParseFolder(params);
  if (!folder) return kV1WrongParameters;
  q.folder = *folder;
  std::optional<std::int64_t> limit, modem_no;
  if (!OptionalInt(params, "idfrom", q.filter.id_from) || !OptionalInt(params, "idto", q.filter.id_to) ||
      !OptionalInt(params, "limit", limit) || !OptionalInt(params, "modem_no", modem_no) ||
      !OptionalBool(params, "unread", q.unread)) {
    return kV1WrongParameters;
  }
  if (limit) q.filter.limit = static_cast<int>(std::clamp<std::int64_t>(*limit, 0, 1'000'000));
  if (modem_no) q.filter.modem_no = static_cast<int>(std::clamp<std::int64_t>(*modem_no, -1, 1000));
  for (const auto& [name, out] :
       {std::pair{"datefrom", &q.filter.date_from}, {"dateto", &q.filter.date_to}}) {
    if (auto text = Get(params, name)) {
      *out = ParseV1DateTime(*text);
      if (!*out) return kV1WrongParameters;
    }
  }
  q.filter.number = Get(params, q.folder == V1ReadFolder::kInbox ? "from" : "to");
  return q;
}

V1Decoded<V1DeleteQuery> DecodeV1Delete(const V1Params& params) {
  V1DeleteQuery q;
  auto folder = ParseFolder(params);
  auto from = ParseV1Int(Get(params, "idfrom").value_or(""));
  auto to = ParseV1Int(Get(params, "idto").value_or(""));
  if (!folder || !from || !to) return kV1WrongParameters;
  q.folder = *folder;
  q.id_from = *from;
  q.id_to = *to;
  return q;
}

V1Decoded<int> DecodeV1ModemNo(const V1Params& params) {
  auto text = Get(params, "modem_no");
  if (!text) return 1;
  auto n = ParseV1Int(*text);
  if (!n || *n < 1 || *n > send::kMaxModemNo) return kV1WrongModem;
  return static_cast<int>(*n);
}

std::optional<Clock::TimePoint> ParseV1DateTime(std::string_view text) {
  if (text.size() != 14 || !AllDigits(text)) return std::nullopt;
  const auto num = [&](std::size_t pos, std::size_t len) { return *ParseV1Int(text.substr(pos, len)); };
  std::tm tm{};
  tm.tm_year = static_cast<int>(num(0, 4)) - 1900;
  tm.tm_mon = static_cast<int>(num(4, 2)) - 1;
  tm.tm_mday = static_cast<int>(num(6, 2));
  tm.tm_hour = static_cast<int>(num(8, 2));
  tm.tm_min = static_cast<int>(num(10, 2));
  tm.tm_sec = static_cast<int>(num(12, 2));
  tm.tm_isdst = -1;
  const std::tm wanted = tm;
  const std::time_t t = std::mktime(&tm);
  // mktime normalises impossible dates (Feb 30 -> Mar 2): reject those.
  if (t == -1 || tm.tm_mday != wanted.tm_mday || tm.tm_mon != wanted.tm_mon || tm.tm_year != wanted.tm_year ||
      wanted.tm_hour > 23 || wanted.tm_min > 59 || wanted.tm_sec > 59) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(t);
}

V1Format HttpFormatOf(const V1Params& params) {
  return Lower(Get(params, "responsetype").value_or("")) == "xml" ? V1Format::kXml : V1Format::kText;
}

V1Format RpcFormatOf(const V1Params& params) {
  return Lower(Get(params, "responsetype").value_or("")) == "extended" ? V1Format::kJsonExtended
                                                                       : V1Format::kJsonSimple;
}

}  // namespace osprey::smsgw::api
