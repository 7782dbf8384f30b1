// GammuModem: one GSM modem driven through libgammu (modems-and-sms.md §1), as the `osprey modem-worker`
// process uses it. It owns one GSM_StateMachine, configured from code (no gammurc), and follows every rule
// of §1: GSM_InitConnection(s, 2), callbacks re-installed after every connect and only recording data, SMSC
// read once per connect (or the configured override) and copied into every part, heap-allocated message
// structures, DecodeUTF8/EncodeUTF8 for user text, never-lossy encoding, PIN entry, fast SMS sending.
//
// Send transmits ONE part of a message the gateway already split; Poll lists what sits in the modem's
// storage (incoming parts and status reports) without reassembling or deleting; Delete removes one entry
// once the gateway stored it durably.
//
// Failures: Connect returns kUnavailable (modem absent or not answering, SMSC unknown) or
// kFailedPrecondition (SIM needs a PUK, a PIN is needed but none configured, the PIN was refused); the
// modem stays disconnected. Send never throws and never calls an unanswered submit "failed": no send-status
// within submit_timeout_ms gives kUnknown. A device error or a timeout disconnects the modem, so the owner
// reconnects; connected() tells.
//
// Ownership: owns the state machine; the PIN is copied into the modem and wiped on Disconnect/destruction;
// it is never logged. Thread rule: libgammu is not thread-safe: exactly one thread (the worker's) calls
// every member, and the process should hold only this libgammu user. GSM_InitLocales(NULL) must have been
// called once before the first Connect (the CLI does it).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"
#include "smsgw/modem/driver.hpp"
#include "smsgw/worker/protocol.hpp"

namespace osprey::smsgw::gammu {

// What the modem's storage holds now (modems-and-sms.md §1 item 18).
struct StorageContents {
  std::vector<worker::Incoming> incoming;  // SMS-DELIVER parts; key = "<folder>:<location>"
  std::vector<worker::Report> reports;     // SMS-STATUS-REPORTs; same key format
};

class GammuModem {
 public:
  GammuModem();
  GammuModem(const GammuModem&) = delete;
  GammuModem& operator=(const GammuModem&) = delete;
  ~GammuModem();

  // Connects to config.device with config.connection/model: initialises the link, enters the SIM PIN when
  // the SIM asks for one, installs the callbacks, enables incoming-SMS notifications and fast SMS sending,
  // and caches the SMSC (config.smsc, else AT+CSCA?). Disconnects first when connected. See the header
  // comment for failures; last_error() then says why.
  Status Connect(const worker::Configure& config);
  void Disconnect();
  bool connected() const { return connected_; }

  // Sends one part (see the header comment). REQUIRES: connected(); otherwise a kTransient failure.
  modem::SubmitResult Send(const modem::OutgoingPart& part);

  // Asks the modem for signal, registration, operator, SIM state, IMEI and IMSI. When disconnected returns
  // online=false with last_error. A device error while asking disconnects the modem.
  modem::ModemHealth Health();
  // AT+CGMM as read at connect (empty when unknown).
  const std::string& model() const { return model_; }
  const std::string& last_error() const { return last_error_; }

  // Lists the storage. On failure (device error) returns kUnavailable and disconnects the modem.
  Result<StorageContents> Poll();
  // Deletes the entry named by a key from Poll. kInvalidArgument for a malformed key, kUnavailable when
  // the modem refused or is gone.
  Status Delete(const std::string& key);

  // Reads what the modem sent unsolicited (without waiting) so that +CMTI/+CDSI are seen; returns true
  // once when such a notification arrived since the last call (a hint to Poll soon).
  bool TakeIncomingHint();

  // libgammu callbacks (plain functions; they only record data, §1 item 6). Public for the C trampolines.
  void OnSendStatus(int status, int message_reference);
  void OnIncomingSms();

 private:
  struct Impl;
  Status ConnectOnce(const worker::Configure& config);
  Status EnterPinIfNeeded();
  Status CacheSmsc(const std::string& configured);
  void Fail(const std::string& what, int gammu_error);

  std::unique_ptr<Impl> impl_;
  bool connected_ = false;
  int modem_no_ = 1;
  std::chrono::milliseconds submit_timeout_{30000};
  Secret pin_;
  bool pin_refused_ = false;
  std::string model_;
  std::string last_error_;
  bool incoming_hint_ = false;
  bool send_status_seen_ = false;
  int send_status_ = 0;
  int send_mr_ = -1;
};

}  // namespace osprey::smsgw::gammu
