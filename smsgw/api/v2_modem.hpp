// The APIv2 modem endpoints (smseagle-api.md §10): signal, enabled switch, network name, SIM status,
// registration, IMEI, IMSI, own number and full_info, answered from modem::Fleet (the drivers' cached
// state). GET needs modem.read, PUT /modem/status/{n} modem.write. An unknown modem number is 400
// {"message":{"modem_no":"Incorrect modem number."}}.
//
// Ownership: refers to `auth` and `fleet`, which must outlive it. Thread rule: handlers run concurrently.
#pragma once

#include "osprey/http/router.hpp"
#include "smsgw/api/v2_common.hpp"
#include "smsgw/modem/fleet.hpp"

namespace osprey::smsgw::api {

class ApiV2Modem {
 public:
  ApiV2Modem(const ApiV2Auth& auth, modem::Fleet& fleet);
  ApiV2Modem(const ApiV2Modem&) = delete;
  ApiV2Modem& operator=(const ApiV2Modem&) = delete;

  void Register(http::Router& router) const;

 private:
  // Answers GET /modem/<field>/{n} with {"modem_no":n,"<key>":value(info)}.
  http::Response GetField(const http::Request& request, const std::string& key,
                          nlohmann::json (*value)(const modem::ModemInfo&)) const;
  http::Response PutStatus(const http::Request& request) const;
  http::Response FullInfo(const http::Request& request) const;

  const ApiV2Auth& auth_;
  modem::Fleet& fleet_;
};

// The modem's state in §10's vocabulary. Signal: the driver's percent when online and registered, else -1.
int SignalStrength(const modem::ModemHealth& health);
// One full_info item: every field of §10, signal_strength as a string and number "Unknown" when unknown, as a
// real device sends them [O].
nlohmann::json FullInfoItem(const modem::ModemInfo& info);

}  // namespace osprey::smsgw::api
