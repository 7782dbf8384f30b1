// The modem worker protocol (version 1): how the gateway and one `osprey modem-worker` process talk. The
// worker is a child process (libgammu is not thread-safe and may crash, modems-and-sms.md §1 item 1); the
// gateway writes requests to the worker's stdin and reads replies and events from its stdout, one JSON
// object per line ("\n"-terminated, UTF-8, no embedded newlines). The worker logs to stderr only.
// docs/modem-worker-protocol.md is the prose version of this header.
//
// Conversation:
//   worker  -> hello{protocol, pid}                      first line, before anything else
//   gateway -> configure{modem_no, device, connection, model, pin, smsc, heartbeat_ms, ...}
//   worker  -> state{...}                                 after every (re)connect attempt and every heartbeat
//   gateway -> submit{id, part}     worker -> submitted{id, ok, mr | class, cms, message}
//   worker  -> incoming{key, sms}   gateway -> stored{key}    (the worker deletes it from the SIM only then)
//   worker  -> report{key, report}  gateway -> stored{key}
//   gateway -> ping{id}             worker -> pong{id}
//   gateway -> shutdown{}           worker exits 0
// Unknown message types are ignored by both sides (forward compatibility within one version); a hello with
// another protocol number makes the gateway stop the worker. The PIN travels only in `configure`, never on
// a command line or in a log.
//
// Thread rule: pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"
#include "smsgw/modem/driver.hpp"

namespace osprey::smsgw::worker {

inline constexpr int kProtocolVersion = 1;

// ---- worker -> gateway ----
struct Hello {
  int protocol = kProtocolVersion;
  std::int64_t pid = 0;
};

// The modem's state (the ModemHealth vocabulary) plus the worker's own view.
struct State {
  modem::ModemHealth health;
  std::string model;  // what the modem reported (AT+CGMM), empty when unknown
};

struct Submitted {
  std::int64_t id = 0;
  modem::SubmitResult result = modem::SubmitFailure{};
};

// An incoming SMS part read from the modem; `key` names it until the gateway answers Stored.
struct Incoming {
  std::string key;
  modem::IncomingSms sms;
};

struct Report {
  std::string key;
  modem::DeliveryReport report;
};

struct Pong {
  std::int64_t id = 0;
};

// ---- gateway -> worker ----
struct Configure {
  int modem_no = 1;
  std::string device;             // e.g. /dev/ttyUSB0, /dev/pts/3
  std::string connection = "at";  // libgammu connection: at, at115200, at19200, proxyat, ...
  std::string model = "at";       // libgammu model; "" = autodetect (slower)
  Secret pin;                     // SIM PIN; empty = none
  std::string smsc;               // SMSC override; empty = read from the SIM
  int heartbeat_ms = 5000;        // state line at least this often
  int poll_ms = 2000;             // how often to poll the SIM storage when idle
  int submit_timeout_ms = 30000;  // no send-status within this bound = unknown outcome (§1 item 8)
};

struct Submit {
  std::int64_t id = 0;
  modem::OutgoingPart part;
};

struct Stored {
  std::string key;
};

struct Ping {
  std::int64_t id = 0;
};

struct Shutdown {};

using WorkerMessage = std::variant<Hello, State, Submitted, Incoming, Report, Pong>;
using GatewayMessage = std::variant<Configure, Submit, Stored, Ping, Shutdown>;

// One line, without the trailing "\n". Clock time points travel as milliseconds since the Unix epoch.
std::string Encode(const WorkerMessage& message);
std::string Encode(const GatewayMessage& message);

// Decoding. kInvalidArgument for a line that is not a JSON object or lacks a required field. An unknown
// `type` gives nullopt (to be ignored).
Result<std::optional<WorkerMessage>> DecodeWorkerMessage(std::string_view line);
Result<std::optional<GatewayMessage>> DecodeGatewayMessage(std::string_view line);

}  // namespace osprey::smsgw::worker
