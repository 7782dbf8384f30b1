// The control protocol of Osprey's modem emulator (modems-and-sms.md §3 items 8-10): how a test, the CLI
// verbs or a benchmark tell a running emulator to deliver an incoming SMS, send status reports or inject
// faults.
//
// Wire format: an AF_UNIX stream socket; the client writes one JSON object per line, the emulator answers
// each with one JSON line, {"ok":true,...} or {"ok":false,"error":"<reason>"}. The request names its verb
// in "command":
//   {"command":"deliver","from":"+4915112345678","text":"…","encoding":"auto"|"gsm7"|"ucs2",
//    "time":"2026-11-29T10:00:00Z"|<unix seconds>}                   -> {"ok":true,"indexes":[1,2]}
//   {"command":"report","status":"delivered"|"failed"|"pending"|<TP-ST 0..255>,"delay_s":0}
//   {"command":"fail_next","count":N,"cms":C}    {"command":"fail_every","n":N,"cms":C}   (cms default 500)
//   {"command":"swallow","count":N}              {"command":"latency","ms":MS}
//   {"command":"silent","on":true}               {"command":"network","on":false}
//   {"command":"signal","rssi":0..31|99}         {"command":"sim","state":"ready"|"pin"|"puk"|"none"}
//   {"command":"stats"} -> {"ok":true,"submits_accepted":n,"submits_refused":n,"messages":n,"stored":n}
//   {"command":"close"} -> {"ok":true}, then the emulator closes its transport and exits (modem loss).
// "delivered" is TP-ST 0x00, "pending" 0x20, "failed" 0x40. Unknown fields are ignored; missing required
// fields, wrong types and out-of-range values are answered with ok:false and change nothing.
//
// Thread rule: ApplyControl touches the AtModem, so it runs on the modem's owner thread. EmulatorControl is
// a plain blocking client; any thread may call it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "osprey/core/result.hpp"
#include "smsgw/emulator/at_modem.hpp"

namespace osprey::smsgw::emulator {

// Counters the runner keeps from the modem's callbacks.
struct EmulatorStats {
  std::uint64_t submits_accepted = 0;  // includes swallowed replies
  std::uint64_t submits_refused = 0;   // answered with +CMS ERROR
  std::uint64_t messages = 0;          // PhoneMessages (complete messages) recorded
};

struct ControlResult {
  nlohmann::json reply;  // {"ok":true,...} or {"ok":false,"error":"..."}
  bool close = false;    // the request was "close": send the reply, then close the transport and exit
};

// Applies one request to `modem` (see the header comment). Never throws on bad input.
ControlResult ApplyControl(const nlohmann::json& request, AtModem& modem, const EmulatorStats& stats);

// Parses one request line and applies it; a line that is not a JSON object gets ok:false.
ControlResult ApplyControlLine(std::string_view line, AtModem& modem, const EmulatorStats& stats);

// Parses a report status name: "delivered" (TP-ST 0x00), "pending" (0x20), "failed" (0x40) or a decimal
// TP-ST 0..255. On failure returns kInvalidArgument.
Result<std::uint8_t> ParseReportStatus(std::string_view name);

// Connects to the emulator's control socket at `socket_path`, sends `request` as one line and waits up to
// `timeout` for the reply line. Returns the reply object when it says "ok":true. On failure returns
// kUnavailable (cannot connect / connection closed early), kTimeout (no reply in time), kCorrupted (the reply
// is not a JSON object), or kFailedPrecondition with the emulator's "error" text (ok:false).
Result<nlohmann::json> EmulatorControl(const std::string& socket_path, const nlohmann::json& request,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace osprey::smsgw::emulator
