// ModemDriver: the seam between the SMS queue and one GSM modem (a libgammu worker, the AT emulator, or the
// in-process loopback used by tests). A driver submits already-encoded parts, reports the modem's health and
// hands incoming SMS and delivery reports to a listener.
//
// Thread rule: one thread at a time drives a ModemDriver (the dispatcher's worker for that modem): Submit and
// SetListener are never called concurrently. Health may be called from any thread at any time, also during
// Submit (the API's modem endpoints read it): it returns the driver's cached view and never waits for the
// modem. Listener callbacks may arrive on any thread the
// driver owns, also during Submit; a listener must therefore be thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "osprey/core/clock.hpp"
#include "osprey/core/registry.hpp"
#include "smsgw/modem/sms_status.hpp"

namespace osprey::smsgw::modem {

// One part of an outgoing message, ready for the modem: the text of this part only (the caller split it).
struct OutgoingPart {
  std::int64_t message_id = 0;
  int part_no = 1;              // 1-based sequence number within the message
  int total_parts = 1;          // parts of the whole message (concatenation header)
  std::string number;           // destination, normalised
  std::string text;             // UTF-8 text of this part
  std::string coding;           // "standard" (GSM-7) or "unicode" (UCS-2)
  bool flash = false;           // class-0 SMS
  int validity_vp = 255;        // relative TP-VP (spec §4 item 9); 255 = maximum
  bool request_report = false;  // TP-SRR
  // Concatenation reference (8-bit) shared by every part of the message; meaningful when total_parts > 1.
  // Derived from the message id, so a part re-sent after a crash or a retry keeps its siblings' reference
  // [D, docs/compatibility.md].
  int concat_ref = 0;
};

// The modem accepted the part.
struct SubmitOutcome {
  int message_reference = 0;  // TP-MR from +CMGS, 0..255
  bool report_requested = false;
};

// The modem did not (or may not have) accepted the part.
struct SubmitFailure {
  SubmitErrorClass error_class = SubmitErrorClass::kTransient;
  std::optional<int> cms_error;  // +CMS ERROR code when the modem gave one
  std::string message;
};

// Either a SubmitOutcome or a SubmitFailure; accessing the wrong alternative is a bug.
class SubmitResult {
 public:
  SubmitResult(SubmitOutcome outcome) : v_(outcome) {}             // NOLINT(google-explicit-constructor)
  SubmitResult(SubmitFailure failure) : v_(std::move(failure)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  const SubmitOutcome& value() const { return std::get<0>(v_); }
  const SubmitFailure& failure() const { return std::get<1>(v_); }

 private:
  std::variant<SubmitOutcome, SubmitFailure> v_;
};

// The modem's state as the API reports it (smseagle-api.md §10; the strings use that vocabulary).
struct ModemHealth {
  bool online = false;
  int signal_percent = 0;  // 0..100; -1 = not registered
  std::string network;     // operator name, empty when unknown
  std::string last_error;  // empty when none
  // "Modem Not Found", "Operational", "PIN Required", "PUK Required", "Not Inserted", "Unknown Error"
  std::string sim_status = "Modem Not Found";
  // "Registered Home", "Registered Roaming", "Registered Emergency", "Searching", "Not Registered",
  // "Unknown", "Denied", "Unset"
  std::string registration = "Unset";
  std::string imei, imsi;             // empty when unknown
  std::optional<std::string> number;  // the SIM's own number, when known
};

// A received SMS part, as the modem delivered it.
// Concatenation info from the part's UDH (TS 23.040 §9.2.3.24.1/.8).
struct IncomingConcat {
  int ref = 0;    // 8- or 16-bit reference
  int total = 1;  // parts of the whole message
  int seq = 1;    // 1-based number of this part
};

struct IncomingSms {
  int modem_no = 0;
  std::string sender;
  std::string text;                      // UTF-8 text of this part
  std::string coding;                    // "standard" (GSM-7), "unicode" (UCS-2) or "8bit"
  Clock::TimePoint received_at;          // the SC timestamp when known, else the time the modem reported it
  std::optional<IncomingConcat> concat;  // set for one part of a multipart message
};

// A status report for a part this modem submitted.
struct DeliveryReport {
  int modem_no = 0;
  int message_reference = 0;  // TP-MR of the submitted part
  std::string recipient;      // the destination the report is about
  int tp_status = 0;          // TP-ST (spec §4 table)
  Clock::TimePoint reported_at;
};

// Receives what a modem reports on its own. REQUIRES: thread-safe (see the thread rule above).
// Each call returns true once the event is durably handled (stored, or deliberately dropped, e.g. a report
// that matches no part) and false when it could not be kept (database down): the driver then leaves the
// message on the SIM and offers it again later, so nothing a modem received is lost.
class ModemListener {
 public:
  virtual ~ModemListener() = default;
  virtual bool OnIncomingSms(const IncomingSms& sms) = 0;
  virtual bool OnDeliveryReport(const DeliveryReport& report) = 0;
};

class ModemDriver {
 public:
  ModemDriver() = default;
  ModemDriver(const ModemDriver&) = delete;
  ModemDriver& operator=(const ModemDriver&) = delete;
  virtual ~ModemDriver() = default;

  // The modem number (1..8) that the API and the queue's modem pin use.
  virtual int modem_no() const = 0;

  // Submits one part and waits for the modem's answer. Success carries the TP-MR. Failure is classed:
  // kTransient (retry later), kPermanent (do not retry this message), kUnknown (no answer; the part may or
  // may not have gone out).
  virtual SubmitResult Submit(const OutgoingPart& part) = 0;

  // Signal, registration and the last error; cheap, may return cached values.
  virtual ModemHealth Health() = 0;

  // Sets the listener for incoming SMS and delivery reports (nullptr: drop them). Call before the driver is
  // used; the listener must outlive the driver or be replaced by nullptr first.
  virtual void SetListener(ModemListener* listener) = 0;

  // Ends what the driver runs of its own (threads, a worker process, which is asked to shut down first)
  // before the service logs that it stopped; Submit then fails. Idempotent; a driver's destructor stops it
  // too.
  virtual void Stop() {}
};

// What a driver instance is built from: the modem number and the driver type's own parameters.
struct DriverConfig {
  int modem_no = 1;
  std::map<std::string, std::string> params;
};

using ModemDriverRegistry = Registry<ModemDriver, const DriverConfig&>;

// Registers the driver types built into Osprey: "loopback".
void RegisterBuiltinModemDrivers(ModemDriverRegistry& registry);

}  // namespace osprey::smsgw::modem
