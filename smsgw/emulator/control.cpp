#include "smsgw/emulator/control.hpp"

#include <charconv>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>

#include "smsgw/sms/text.hpp"

namespace osprey::smsgw::emulator {
namespace {

using nlohmann::json;
using Handler = std::function<Result<json>(const json&, AtModem&, const EmulatorStats&)>;

constexpr int kDefaultCms = 500;

Error Bad(std::string message) { return Error(ErrorCode::kInvalidArgument, std::move(message)); }

// Reads an integer field in [min, max]; `fallback` when the field is absent (required when nullopt).
Result<std::int64_t> IntField(const json& request, const char* name, std::int64_t min, std::int64_t max,
                              std::optional<std::int64_t> fallback = std::nullopt) {
  auto it = request.find(name);
  if (it == request.end()) {
    if (fallback) return *fallback;
    return Bad(std::string("missing field '") + name + "'");
  }
  if (!it->is_number_integer()) return Bad(std::string("'") + name + "' must be an integer");
  std::int64_t value = it->get<std::int64_t>();
  if (value < min || value > max) {
    return Bad(std::string("'") + name + "' must be " + std::to_string(min) + ".." + std::to_string(max));
  }
  return value;
}

Result<bool> BoolField(const json& request, const char* name) {
  auto it = request.find(name);
  if (it == request.end() || !it->is_boolean())
    return Bad(std::string("'") + name + "' must be true or false");
  return it->get<bool>();
}

Result<std::string> StringField(const json& request, const char* name, std::optional<std::string> fallback) {
  auto it = request.find(name);
  if (it == request.end()) {
    if (fallback) return *fallback;
    return Bad(std::string("missing field '") + name + "'");
  }
  if (!it->is_string()) return Bad(std::string("'") + name + "' must be a string");
  return it->get<std::string>();
}

// "YYYY-MM-DDTHH:MM:SSZ" or unix seconds.
Result<std::optional<sms::Timestamp>> TimeField(const json& request) {
  auto it = request.find("time");
  if (it == request.end() || it->is_null()) return std::optional<sms::Timestamp>();
  if (it->is_number_integer()) {
    return std::optional<sms::Timestamp>(
        sms::Timestamp{std::chrono::sys_seconds(std::chrono::seconds(it->get<std::int64_t>())), 0});
  }
  if (!it->is_string()) return Bad("'time' must be an ISO-8601 UTC string or unix seconds");
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char z = 0;
  std::string text = it->get<std::string>();
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 || z != 'Z') {
    return Bad("'time' must look like 2026-11-29T10:00:00Z");
  }
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month(static_cast<unsigned>(mo)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return Bad("'time' is not a valid date");
  auto secs =
      std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s);
  return std::optional<sms::Timestamp>(sms::Timestamp{secs, 0});
}

Result<json> Deliver(const json& request, AtModem& modem, const EmulatorStats&) {
  Result<std::string> from = StringField(request, "from", std::nullopt);
  if (!from.ok()) return from.error();
  Result<std::string> text = StringField(request, "text", std::nullopt);
  if (!text.ok()) return text.error();
  Result<std::string> encoding = StringField(request, "encoding", "auto");
  if (!encoding.ok()) return encoding.error();
  Result<std::optional<sms::Timestamp>> time = TimeField(request);
  if (!time.ok()) return time.error();
  sms::RequestedEncoding requested = sms::RequestedEncoding::kStandard;
  if (*encoding == "ucs2") {
    requested = sms::RequestedEncoding::kUnicode;
  } else if (*encoding == "gsm7") {
    if (!sms::Gsm7Length(*text).ok()) return Bad("the text is not representable in GSM-7");
  } else if (*encoding != "auto") {
    return Bad("'encoding' must be auto, gsm7 or ucs2");
  }
  Result<std::vector<int>> indexes = modem.Inject(*from, *text, *time, requested);
  if (!indexes.ok()) return indexes.error();
  return json{{"indexes", *indexes}};
}

Result<json> Report(const json& request, AtModem& modem, const EmulatorStats&) {
  auto it = request.find("status");
  if (it == request.end()) return Bad("missing field 'status'");
  std::int64_t tp_st = 0;
  if (it->is_string()) {
    Result<std::uint8_t> parsed = ParseReportStatus(it->get<std::string>());
    if (!parsed.ok()) return parsed.error();
    tp_st = *parsed;
  } else {
    Result<std::int64_t> value = IntField(request, "status", 0, 255);
    if (!value.ok()) return value.error();
    tp_st = *value;
  }
  Result<std::int64_t> delay = IntField(request, "delay_s", 0, 86400, -1);
  if (!delay.ok()) return delay.error();
  modem.SetReportStatus(static_cast<std::uint8_t>(tp_st));
  if (*delay >= 0) modem.SetReportDelay(std::chrono::seconds(*delay));
  return json{{"tp_st", tp_st}};
}

Result<json> FailNext(const json& request, AtModem& modem, const EmulatorStats&) {
  Result<std::int64_t> count = IntField(request, "count", 0, 1'000'000);
  if (!count.ok()) return count.error();
  Result<std::int64_t> cms = IntField(request, "cms", 1, 999, kDefaultCms);
  if (!cms.ok()) return cms.error();
  modem.FailNextSubmits(static_cast<int>(*count), static_cast<int>(*cms));
  return json::object();
}

Result<json> FailEvery(const json& request, AtModem& modem, const EmulatorStats&) {
  Result<std::int64_t> n = IntField(request, "n", 0, 1'000'000);
  if (!n.ok()) return n.error();
  Result<std::int64_t> cms = IntField(request, "cms", 1, 999, kDefaultCms);
  if (!cms.ok()) return cms.error();
  modem.FailEveryNth(static_cast<int>(*n), static_cast<int>(*cms));
  return json::object();
}

Result<json> Swallow(const json& request, AtModem& modem, const EmulatorStats&) {
  Result<std::int64_t> count = IntField(request, "count", 0, 1'000'000);
  if (!count.ok()) return count.error();
  modem.SwallowNextReplies(static_cast<int>(*count));
  return json::object();
}

Result<json> Latency(const json& request, AtModem& modem, const EmulatorStats&) {
  Result<std::int64_t> ms = IntField(request, "ms", 0, 600'000);
  if (!ms.ok()) return ms.error();
  modem.SetSubmitLatency(std::chrono::milliseconds(*ms));
  return json::object();
}

Result<json> Silent(const json& request, AtModem& modem, const EmulatorStats&) {
  Result<bool> on = BoolField(request, "on");
  if (!on.ok()) return on.error();
  modem.SetSilent(*on);
  return json::object();
}

Result<json> Network(const json& request, AtModem& modem, const EmulatorStats&) {
  Result<bool> on = BoolField(request, "on");
  if (!on.ok()) return on.error();
  modem.SetOffNetwork(!*on);
  return json::object();
}

Result<json> Signal(const json& request, AtModem& modem, const EmulatorStats&) {
  Result<std::int64_t> rssi = IntField(request, "rssi", 0, 99);
  if (!rssi.ok()) return rssi.error();
  if (Status s = modem.SetSignal(static_cast<int>(*rssi)); !s.ok()) return s.error();
  return json::object();
}

Result<json> Sim(const json& request, AtModem& modem, const EmulatorStats&) {
  Result<std::string> state = StringField(request, "state", std::nullopt);
  if (!state.ok()) return state.error();
  static const std::map<std::string, SimState> kStates = {{"ready", SimState::kReady},
                                                          {"pin", SimState::kPinRequired},
                                                          {"puk", SimState::kPukRequired},
                                                          {"none", SimState::kNotInserted}};
  auto it = kStates.find(*state);
  if (it == kStates.end()) return Bad("'state' must be ready, pin, puk or none");
  modem.SetSimState(it->second);
  return json::object();
}

Result<json> Stats(const json&, AtModem& modem, const EmulatorStats& stats) {
  return json{{"submits_accepted", stats.submits_accepted},
              {"submits_refused", stats.submits_refused},
              {"messages", stats.messages},
              {"stored", modem.StoredCount()}};
}

const std::map<std::string, Handler>& Handlers() {
  static const std::map<std::string, Handler> kHandlers = {
      {"deliver", Deliver}, {"report", Report},   {"fail_next", FailNext}, {"fail_every", FailEvery},
      {"swallow", Swallow}, {"latency", Latency}, {"silent", Silent},      {"network", Network},
      {"signal", Signal},   {"sim", Sim},         {"stats", Stats}};
  return kHandlers;
}

json Failure(const std::string& message) { return json{{"ok", false}, {"error", message}}; }

}  // namespace

Result<std::uint8_t> ParseReportStatus(std::string_view name) {
  if (name == "delivered") return std::uint8_t{0x00};
  if (name == "pending") return std::uint8_t{0x20};
  if (name == "failed") return std::uint8_t{0x40};
  int value = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
  if (name.empty() || ec != std::errc() || end != name.data() + name.size() || value < 0 || value > 255)
    return Bad("report status must be delivered, failed, pending or a TP-ST number 0..255");
  return static_cast<std::uint8_t>(value);
}

ControlResult ApplyControl(const json& request, AtModem& modem, const EmulatorStats& stats) {
  if (!request.is_object()) return {Failure("a request must be a JSON object"), false};
  auto command = request.find("command");
  if (command == request.end() || !command->is_string()) return {Failure("missing field 'command'"), false};
  const std::string name = *command;
  if (name == "close") return {json{{"ok", true}}, true};
  auto handler = Handlers().find(name);
  if (handler == Handlers().end()) return {Failure("unknown command '" + name + "'"), false};
  Result<json> result = handler->second(request, modem, stats);
  if (!result.ok()) return {Failure(result.error().message()), false};
  json reply = json{{"ok", true}};
  reply.update(*result);
  return {reply, false};
}

ControlResult ApplyControlLine(std::string_view line, AtModem& modem, const EmulatorStats& stats) {
  json request = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) return {Failure("the request is not valid JSON"), false};
  return ApplyControl(request, modem, stats);
}

}  // namespace osprey::smsgw::emulator
