#include "mfa/api/audit_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

namespace osprey::mfa::api::audit_api {
namespace {

constexpr int kDefaultPageSize = 15;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<int> PositiveInt(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  const std::string_view s = Trim(*text);
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value < 1) return std::nullopt;
  return value;
}

// hidden_columns as a JSON list or a text of names separated by commas or blanks.
std::vector<std::string> HiddenColumns(const Params& params) {
  std::vector<std::string> names;
  const nlohmann::json* raw = params.Raw("hidden_columns");
  if (raw == nullptr) return names;
  if (raw->is_array()) {
    for (const auto& item : *raw) names.push_back(PyStr(item));
    return names;
  }
  std::string text = PyStr(*raw);
  std::replace(text.begin(), text.end(), ',', ' ');
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    if (end > pos) names.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return names;
}

nlohmann::json NullIfEmpty(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

}  // namespace

std::optional<std::chrono::seconds> ParseTimeDelta(std::string_view text) {
  std::string_view s = Trim(text);
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s = Trim(s.substr(1));
  }
  if (s.size() < 2) return std::nullopt;
  const char unit = s.back();
  const std::string_view digits = Trim(s.substr(0, s.size() - 1));
  long long count = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || digits.front() == '-' ||
      digits.front() == '+' || count > 1'000'000'000LL) {
    return std::nullopt;
  }
  long long unit_seconds = 0;
  switch (unit) {
    case 's': unit_seconds = 1; break;
    case 'm': unit_seconds = 60; break;
    case 'h': unit_seconds = 3600; break;
    case 'd': unit_seconds = 86400; break;
    case 'y': unit_seconds = 365 * 86400LL; break;
    default: return std::nullopt;
  }
  return std::chrono::seconds((negative ? -count : count) * unit_seconds);
}

std::string IsoFormat(Clock::TimePoint t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  const long long seconds = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
  const long long fraction = us - seconds * 1000000;
  const std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", tm.tm_year + 1900, tm.tm_mon + 1,
                                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (fraction != 0) out += fmt::format(".{:06d}", fraction);
  return out;
}

const std::vector<std::string>& AuditColumns() {
  static const std::vector<std::string> kColumns{"number",
                                                 "action",
                                                 "success",
                                                 "authentication",
                                                 "serial",
                                                 "date",
                                                 "startdate",
                                                 "duration",
                                                 "token_type",
                                                 "user",
                                                 "realm",
                                                 "administrator",
                                                 "action_detail",
                                                 "info",
                                                 "privacyidea_server",
                                                 "client",
                                                 "user_agent",
                                                 "user_agent_version",
                                                 "log_level",
                                                 "policies",
                                                 "clearance_level",
                                                 "sig_check",
                                                 "missing_line",
                                                 "resolver",
                                                 "thread_id",
                                                 "container_serial",
                                                 "container_type"};
  return kColumns;
}

nlohmann::json EntryToJson(const audit::AuditEntry& e) {
  // privacyIDEA stores the plugin name and its version apart ("privacyidea-cp/2.0 Windows" → name, "2.0").
  const std::string product = e.user_agent.substr(0, e.user_agent.find(' '));
  const std::size_t slash = product.find('/');
  const std::string agent = product.substr(0, slash);
  const std::string version = slash == std::string::npos ? std::string() : product.substr(slash + 1);
  const auto duration = std::chrono::microseconds(std::llround(e.duration * 1e6));
  nlohmann::json j = {
      {"number", e.number},
      {"date", IsoFormat(e.date)},
      {"sig_check", e.sig_ok ? "OK" : "FAIL"},
      {"missing_line", e.link_ok ? "OK" : "FAIL"},
      {"action", e.action},
      {"authentication", NullIfEmpty(e.authentication)},
      {"success", e.success ? 1 : 0},
      {"serial", e.serial},
      {"token_type", e.token_type},
      {"container_serial", nullptr},
      {"container_type", nullptr},
      {"user", e.user},
      {"realm", e.realm},
      {"resolver", e.resolver},
      {"administrator", e.administrator},
      {"action_detail", e.action_detail},
      {"info", e.info},
      {"privacyidea_server", e.privacyidea_server},
      {"policies", e.policies},
      {"client", e.client},
      {"user_agent", NullIfEmpty(agent)},
      {"user_agent_version", NullIfEmpty(version)},
      {"log_level", nullptr},
      {"clearance_level", nullptr},
      {"startdate", IsoFormat(e.date - std::chrono::duration_cast<Clock::TimePoint::duration>(duration))},
      {"duration", e.duration > 0 ? nlohmann::json(e.duration) : nlohmann::json(nullptr)},
      {"thread_id", NullIfEmpty(e.thread_id)},
  };
  return j;
}

PiResult<AuditSearch> ParseAuditSearch(const Params& params, Clock::TimePoint now) {
  AuditSearch search;
  audit::AuditFilter& filter = search.filter;
  filter.page = PositiveInt(params.Get("page")).value_or(1);
  filter.page_size = PositiveInt(params.Get("page_size")).value_or(kDefaultPageSize);
  filter.sortorder = params.GetOr("sortorder", "desc") == "asc" ? "asc" : "desc";
  if (auto timelimit = params.Get("timelimit")) {
    auto delta = ParseTimeDelta(*timelimit);
    if (!delta) return ParameterError("Unsupported timedelta: " + *timelimit);
    filter.since = now - *delta;
  }
  search.hidden_columns = HiddenColumns(params);
  for (auto& [key, value] : params.Strings()) {
    if (key == "page" || key == "page_size" || key == "sortorder" || key == "timelimit" ||
        key == "hidden_columns")
      continue;
    filter.columns[key] = value;
  }
  return search;
}

nlohmann::json AuditSearchValue(const audit::AuditPage& page, const AuditSearch& search) {
  auto hidden = [&](const std::string& column) {
    return std::find(search.hidden_columns.begin(), search.hidden_columns.end(), column) !=
           search.hidden_columns.end();
  };
  nlohmann::json data = nlohmann::json::array();
  for (const audit::AuditEntry& entry : page.entries) {
    nlohmann::json j = EntryToJson(entry);
    for (const std::string& column : search.hidden_columns) j.erase(column);
    data.push_back(std::move(j));
  }
  nlohmann::json columns = nlohmann::json::array();
  for (const std::string& column : AuditColumns()) {
    if (!hidden(column)) columns.push_back(column);
  }
  const long long current = search.filter.page, size = search.filter.page_size;
  return {
      {"auditcolumns", columns},
      {"auditdata", data},
      {"count", page.count},
      {"current", current},
      {"next", page.count > size * current ? nlohmann::json(current + 1) : nlohmann::json(nullptr)},
      {"prev", current > 1 ? nlohmann::json(current - 1) : nlohmann::json(nullptr)},
  };
}

}  // namespace osprey::mfa::api::audit_api
