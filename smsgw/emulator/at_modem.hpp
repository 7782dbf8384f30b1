// AtModem: the AT engine of Osprey's modem emulator (modems-and-sms.md §3), without any transport. The
// caller feeds the bytes a host (libgammu, gammu, minicom) wrote and writes back what Feed/Tick return; a pty
// or stdin/stdout wrapper is a separate layer. PDU mode only for messages (text mode answers +CMS ERROR:
// 302).
//
// Wire format (§3 item 2): a command ends at CR, an LF right after it is skipped; with echo on (default)
// every byte of a command line is echoed as it arrives, CR included; each information line is framed `CR LF
// <text> CR LF`, then `CR LF OK CR LF`; errors are `CR LF ERROR CR LF`, or `+CME ERROR: <n>` /
// `+CMS ERROR: <n>` when AT+CMEE is 1 (numbers) or 2 (verbose text). One command per line (no `;` chains).
// AT+CMGS=<len> answers `CR LF "> "`; the hex that follows is echoed (with echo on), CR/LF inside it are
// ignored, 0x1A submits and ESC cancels (neither is echoed).
//
// Unsolicited output (+CMTI after Inject, +CDS/+CDSI status reports) is queued and returned at the END of the
// next Feed or Tick, never while a PDU is being entered after the "> " prompt. Status reports become due
// `report_delay` after the submit; delay 0 = the report follows the +CMGS reply in the same Feed.
//
// Silent mode swallows every byte the modem would write (echo, replies, unsolicited), but commands and
// submits are still processed (the outcome of a submit is then ambiguous for the host, §3 item 10).
//
// Submit faults (§3 item 10), checked in this order for every decoded submit: off network (+CMS ERROR: 331),
// FailNextSubmits, FailEveryNth; an accepted submit may then have its reply swallowed (SwallowNextReplies).
// With a submit latency the answer to the 0x1A (+CMGS/OK or the error) is held until Tick() sees the Clock
// pass 0x1A time + latency; meanwhile Feed only buffers input (processed after the answer) and no
// unsolicited output is written. The submit itself (MR, callbacks, status report) happens at the 0x1A.
//
// Ownership: the modem keeps a reference to the Clock, which must outlive it. Callbacks are invoked
// synchronously from Feed. Thread rule: not thread-safe; one owner thread calls every member.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "smsgw/sms/pdu.hpp"

namespace osprey::smsgw::emulator {

enum class SimState { kReady, kPinRequired, kPukRequired, kNotInserted };

struct ModemIdentity {
  std::string manufacturer = "Osprey";
  std::string model = "AT Emulator";
  std::string revision = "1.0";
  std::string imei = "356938035643809";
  std::string imsi = "001010123456789";
  std::string smsc = "+15550000000";
  std::string operator_name = "Osprey Net";
  std::string network_code = "00101";  // MCC+MNC, +COPS numeric format
};

struct ModemConfig {
  ModemIdentity identity;
  SimState sim = SimState::kReady;
  int registration = 1;  // +CREG <stat>: 0 not registered, 1 home, 5 roaming, ...
  int rssi = 20;         // 0..31 or 99 (unknown)
  std::size_t storage_slots = 20;
  std::chrono::seconds report_delay{0};  // submit -> status report
  std::uint8_t report_status = 0x00;     // TP-ST of generated status reports
  std::string pin =
      "1234";  // AT+CPIN=<pin> with this PIN unlocks a SIM in kPinRequired; wrong: +CME ERROR: 16
};

// One SMS-SUBMIT the host handed over (accepted or refused after decoding). A PDU that does not decode is
// answered with +CMS ERROR: 304 and produces no record.
struct SubmitRecord {
  std::string smsc;
  std::string destination;
  std::optional<int> message_reference;  // the +CMGS MR; empty when the submit was refused
  bool status_report_request = false;
  bool udhi = false;
  sms::VpFormat vp_format = sms::VpFormat::kNone;
  std::optional<std::uint8_t> relative_vp;
  std::uint8_t dcs = 0;
  sms::Alphabet alphabet = sms::Alphabet::kGsm7;
  int message_class = -1;
  std::optional<sms::Concat> concat;
  std::string text;
  std::size_t cmgs_length = 0;  // what AT+CMGS=<len> said
  std::size_t tpdu_length = 0;  // what the PDU really had
  bool length_matches = false;
  int cms_error = 0;             // 0 = accepted, else the +CMS ERROR code answered
  bool reply_swallowed = false;  // accepted, but the +CMGS/OK answer was never written
  Clock::TimePoint time;
};

// A message as the recipient's phone shows it once every part arrived (single-part messages at once).
struct PhoneMessage {
  std::string number;
  std::string text;
  std::size_t parts = 1;
  int message_class = -1;
  std::optional<std::chrono::minutes> validity;  // relative VP only
  Clock::TimePoint time;                         // when the last part arrived
};

class AtModem {
 public:
  using SubmitCallback = std::function<void(const SubmitRecord&)>;
  using MessageCallback = std::function<void(const PhoneMessage&)>;

  AtModem(ModemConfig config, const Clock& clock);
  AtModem(const AtModem&) = delete;
  AtModem& operator=(const AtModem&) = delete;

  // Consumes bytes written by the host; returns the modem's answer bytes (possibly empty, e.g. for a partial
  // line), followed by any queued unsolicited output.
  std::string Feed(std::string_view bytes_from_host);
  // Returns queued unsolicited output and status reports that became due (empty when none).
  std::string Tick();

  void SetSubmitCallback(SubmitCallback callback) { on_submit_ = std::move(callback); }
  void SetMessageCallback(MessageCallback callback) { on_message_ = std::move(callback); }

  // Stores an incoming SMS-DELIVER (split into concatenated parts when long; GSM-7 if representable, else
  // UCS-2; SCTS = `time` or now) and queues `+CMTI: "SM",<idx>` per part when CNMI mt is 1..3. Returns the
  // storage indexes. `encoding` kUnicode forces UCS-2. On failure returns kInvalidArgument (bad sender or
  // text, too many parts) or kUnavailable (not enough free slots; nothing is stored).
  Result<std::vector<int>> Inject(std::string_view sender, std::string_view utf8_text,
                                  std::optional<sms::Timestamp> time = std::nullopt,
                                  sms::RequestedEncoding encoding = sms::RequestedEncoding::kStandard);

  // Fault injection (§3 item 10).
  void FailNextSubmits(int count, int cms_error);
  // Every n-th submit from now on (n, 2n, ...) answers +CMS ERROR: <cms_error>; n <= 0 turns it off.
  void FailEveryNth(int n, int cms_error);
  // The answer to each later submit is written `latency` after its 0x1A (released by Tick); 0 = at once.
  void SetSubmitLatency(std::chrono::milliseconds latency) { latency_ = latency; }
  // The next `count` accepted submits get an MR and are recorded, but their answer is never written.
  void SwallowNextReplies(int count) { swallow_count_ = count > 0 ? count : 0; }
  void SetSilent(bool silent) { silent_ = silent; }
  // Off network: +CREG stat 0, +COPS without operator, submits fail with +CMS ERROR: 331.
  void SetOffNetwork(bool off) { off_network_ = off; }
  // On failure returns kInvalidArgument unless 0 <= rssi <= 31 or rssi == 99.
  Status SetSignal(int rssi);
  void SetSimState(SimState sim) { config_.sim = sim; }
  void SetReportStatus(std::uint8_t tp_st) { config_.report_status = tp_st; }
  void SetReportDelay(std::chrono::seconds delay) { config_.report_delay = delay; }

  // Number of occupied storage slots (messages and stored status reports).
  std::size_t StoredCount() const;

 private:
  struct Reply {
    std::vector<std::string> lines;  // information lines
    std::string final = "OK";        // "OK", "ERROR", "+CME ERROR: n", "+CMS ERROR: n"; "" = prompt/no final
  };
  struct Slot {
    int stat = 0;  // 0 received unread, 1 received read
    std::string pdu;
    std::size_t tpdu_length = 0;
  };
  struct HeldReply {
    Clock::TimePoint due;
    Reply reply;
  };
  struct PendingReport {
    Clock::TimePoint due;
    sms::StatusReport report;
  };
  struct Reassembly {
    std::vector<std::optional<std::string>> texts;
    int message_class = -1;
    std::optional<std::chrono::minutes> validity;
  };

  // at_modem.cpp: line discipline and general commands.
  void ConsumeInput(std::string_view bytes);
  std::string TakeOutput();
  void ReleaseHeldReply();
  void FeedCommandByte(char byte);
  void FeedPduByte(char byte);
  void ExecuteLine(const std::string& line);
  Reply Dispatch(std::string_view command, std::string_view args);
  Reply BasicCommand(std::string_view body);
  std::optional<Reply> IdentityCommand(std::string_view command, std::string_view args);
  std::optional<Reply> NetworkCommand(std::string_view command, std::string_view args);
  std::optional<Reply> SettingsCommand(std::string_view command, std::string_view args);
  std::optional<Reply> ServiceCommand(std::string_view command, std::string_view args);
  Reply CmeError(int code) const;
  Reply CmsError(int code) const;
  std::optional<Reply> SimError(bool sms) const;
  void Write(const Reply& reply);
  void Reset();
  int RegistrationStat() const;

  // at_modem_sms.cpp: messages, storage, reports.
  std::optional<Reply> SmsCommand(std::string_view command, std::string_view args);
  Reply StartSubmit(std::string_view args);
  Reply FinishSubmit();
  int SubmitFault();
  void Reassemble(const sms::Submit& submit);
  void ScheduleReport(const sms::Submit& submit, int mr);
  std::string EmitDueReports();
  Reply StorageSelect(std::string_view args);
  std::string StorageCounts() const;
  Reply ListMessages(std::string_view args);
  Reply ReadMessage(std::string_view args);
  Reply DeleteMessage(std::string_view args);
  std::optional<int> StoreSlot(const std::string& pdu, int stat);
  std::size_t FreeSlots() const;
  std::string FlushUnsolicited();

  ModemConfig config_;
  const Clock& clock_;
  SubmitCallback on_submit_;
  MessageCallback on_message_;

  std::string line_;
  std::string out_;
  std::string unsolicited_;
  bool skip_lf_ = false;
  bool echo_ = true;
  int cmee_ = 0;
  int cmgf_ = 0;
  int creg_mode_ = 0;
  int cgreg_mode_ = 0;
  int cops_format_ = 0;  // 0 long alphanumeric, 2 numeric
  int cfun_ = 1;
  int cmms_ = 0;
  std::string cscs_ = "GSM";
  int cnmi_[5] = {0, 0, 0, 0, 0};

  bool in_pdu_ = false;
  std::size_t cmgs_length_ = 0;
  std::string pdu_hex_;

  int mr_ = 0;
  std::uint8_t next_concat_ref_ = 1;
  std::vector<std::optional<Slot>> slots_;
  std::vector<PendingReport> reports_;
  std::map<std::pair<std::string, std::uint16_t>, Reassembly> reassembly_;

  int fail_count_ = 0;
  int fail_code_ = 0;
  int fail_every_ = 0;
  int fail_every_code_ = 0;
  int fail_every_seen_ = 0;  // submits counted since FailEveryNth
  int swallow_count_ = 0;
  bool swallow_current_ = false;  // set by FinishSubmit for the submit being answered
  std::chrono::milliseconds latency_{0};
  std::optional<HeldReply> held_reply_;
  std::string held_input_;  // bytes that arrived while held_reply_ was pending
  bool silent_ = false;
  bool off_network_ = false;
};

}  // namespace osprey::smsgw::emulator
