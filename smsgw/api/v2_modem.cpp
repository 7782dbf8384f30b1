#include "smsgw/api/v2_modem.hpp"

#include <charconv>

#include "smsgw/api/service.hpp"
#include "smsgw/api/v2_send_request.hpp"

namespace osprey::smsgw::api {
namespace {

using nlohmann::json;

constexpr char kIncorrectModem[] = "Incorrect modem number.";

// The {n} of the path (modem 1 when the route has none, §10); nullopt when it is not a decimal integer.
std::optional<int> ModemNumber(const http::Request& request) {
  auto it = request.path_params.find("n");
  if (it == request.path_params.end()) return 1;
  const std::string& s = it->second;
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// A string or null when empty.
json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json Signal(const modem::ModemInfo& i) { return SignalStrength(i.health); }
json Enabled(const modem::ModemInfo& i) { return i.enabled; }
json NetName(const modem::ModemInfo& i) { return i.health.network.empty() ? "Unknown" : i.health.network; }
json SimStatus(const modem::ModemInfo& i) { return i.health.sim_status; }
json Registration(const modem::ModemInfo& i) { return i.health.registration; }
json Imei(const modem::ModemInfo& i) { return OrNull(i.health.imei); }
json Imsi(const modem::ModemInfo& i) { return OrNull(i.health.imsi); }
json Number(const modem::ModemInfo& i) { return i.health.number ? json(*i.health.number) : json(nullptr); }

// `enabled` as §13.4 booleans: true/false, 0/1, "0"/"1", "true"/"false".
std::optional<bool> EnabledField(const json& body) {
  if (!body.is_object() || !body.contains("enabled")) return std::nullopt;
  const json& v = body["enabled"];
  if (v.is_boolean()) return v.get<bool>();
  if (v == 1 || v == "1" || v == "true") return true;
  if (v == 0 || v == "0" || v == "false") return false;
  return std::nullopt;
}

}  // namespace

int SignalStrength(const modem::ModemHealth& health) {
  const bool registered =
      health.registration == "Registered Home" || health.registration == "Registered Roaming";
  return health.online && registered ? health.signal_percent : -1;
}

json FullInfoItem(const modem::ModemInfo& info) {
  return {{"modem_no", info.modem_no},
          {"modem_enabled", info.enabled},
          {"signal_strength", std::to_string(SignalStrength(info.health))},
          {"net_name", NetName(info)},
          {"sim_status", info.health.sim_status},
          {"sim_network_registration_status", info.health.registration},
          {"imei", Imei(info)},
          {"imsi", Imsi(info)},
          {"number", info.health.number ? *info.health.number : "Unknown"}};
}

ApiV2Modem::ApiV2Modem(const ApiV2Auth& auth, modem::Fleet& fleet) : auth_(auth), fleet_(fleet) {}

void ApiV2Modem::Register(http::Router& router) const {
  struct Field {
    const char* path;
    const char* key;
    json (*value)(const modem::ModemInfo&);
  };
  static constexpr Field kFields[] = {
      {"signal", "signal_strength", Signal},
      {"status", "modem_enabled", Enabled},
      {"net_name", "net_name", NetName},
      {"sim_status", "sim_status", SimStatus},
      {"network_registration_status", "sim_network_registration_status", Registration},
      {"imei", "imei", Imei},
      {"imsi", "imsi", Imsi},
      {"number", "number", Number},
  };
  for (const Field& f : kFields) {
    auto handler = [this, f](http::Request& r) { return GetField(r, f.key, f.value); };
    AddApiV2Route(router, "GET", std::string("/modem/") + f.path + "/{n}", handler);
  }
  AddApiV2Route(router, "GET", "/modem/signal",
                [this](http::Request& r) { return GetField(r, "signal_strength", Signal); });
  AddApiV2Route(router, "PUT", "/modem/status/{n}", [this](http::Request& r) { return PutStatus(r); });
  AddApiV2Route(router, "GET", "/modem/full_info", [this](http::Request& r) { return FullInfo(r); });
  AddApiV2Route(router, "GET", "/modem/full_info/{n}", [this](http::Request& r) { return FullInfo(r); });
}

http::Response ApiV2Modem::GetField(const http::Request& request, const std::string& key,
                                    json (*value)(const modem::ModemInfo&)) const {
  auto caller = auth_.Authorize(request, accounts::Permission::kModemRead);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  auto n = ModemNumber(request);
  auto info = n ? fleet_.Info(*n) : std::nullopt;
  if (!info) return FieldError("modem_no", kIncorrectModem);
  return JsonUtf8(200, {{"modem_no", *n}, {key, value(*info)}});
}

http::Response ApiV2Modem::PutStatus(const http::Request& request) const {
  auto caller = auth_.Authorize(request, accounts::Permission::kModemWrite);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  auto n = ModemNumber(request);
  if (!n || !fleet_.Exists(*n)) return FieldError("modem_no", kIncorrectModem);
  const json body = BodyFields(request);
  auto enabled = EnabledField(body);
  if (!enabled) {
    const bool blank = !body.contains("enabled") || body["enabled"].is_null() || body["enabled"] == "";
    return FieldError("enabled", blank ? "This value should not be blank."
                                       : "The value you selected is not a valid choice.");
  }
  fleet_.SetEnabled(*n, *enabled);
  return JsonUtf8(200, {{"modem_no", *n}, {"modem_enabled", *enabled}});
}

http::Response ApiV2Modem::FullInfo(const http::Request& request) const {
  auto caller = auth_.Authorize(request, accounts::Permission::kModemRead);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  json items = json::array();
  if (request.path_params.count("n") > 0) {
    auto n = ModemNumber(request);
    auto info = n ? fleet_.Info(*n) : std::nullopt;
    if (!info) return FieldError("modem_no", kIncorrectModem);
    items.push_back(FullInfoItem(*info));
  } else {
    for (const modem::ModemInfo& info : fleet_.Infos()) items.push_back(FullInfoItem(info));
  }
  return JsonUtf8(200, items);
}

}  // namespace osprey::smsgw::api
