// What the modem emulator writes to disk (modems-and-sms.md §3 item 11): the `--record` file (one JSON line
// per message as the recipient's phone shows it) and the `--log` traffic file (timestamped raw bytes both
// ways plus one JSON line per submit).
//
// Record line: {"number":"+49…","text":"…","parts":1,"class":null|0..3,"validity_minutes":null|n,
//               "time":"2026-11-29T10:45:39.123Z"}
// Traffic log: "<time> >> <escaped bytes>" for host -> modem (one line per command line or PDU, up to and
// including its CR / Ctrl-Z / ESC), "<time> << <escaped bytes>" for modem -> host (one line per write), and
// each SubmitRecord as its own JSON line {"event":"submit",…} (see SubmitRecordJson); "<time> !! <text>"
// notes events of the emulator itself (bytes dropped, a failed record write). Arguments of AT+CPIN= are
// masked with '*' so a SIM PIN never reaches the log.
//
// Ownership: AppendFile owns its fd. Thread rule: the free functions are pure (any thread); AppendFile and
// TrafficLog are not thread-safe, one owner thread calls them.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "smsgw/emulator/at_modem.hpp"

namespace osprey::smsgw::emulator {

// "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC).
std::string FormatIsoUtc(Clock::TimePoint time);

// Printable ASCII as is; backslash as "\\"; CR "\r", LF "\n", Ctrl-Z "\x1A" and every other byte "\xNN".
std::string EscapeBytes(std::string_view bytes);

// `value` as one line of compact JSON; invalid UTF-8 in strings (8-bit data) becomes U+FFFD instead of
// throwing.
std::string JsonLine(const nlohmann::json& value);

// The record line object of `message` (see the header comment).
nlohmann::json PhoneMessageJson(const PhoneMessage& message);

// Every field of `record`: event "submit", time, smsc, destination, mr (null when refused), srr, udhi,
// vpf ("none"|"relative"|"enhanced"|"absolute"), vp (null unless relative), dcs, alphabet ("gsm7"|"8bit"|
// "ucs2"), class (null|0..3), concat (null | {ref, total, seq, ref16}), text, cmgs_length, tpdu_length,
// length_ok, cms_error, result ("accepted"|"refused"|"swallowed").
nlohmann::json SubmitRecordJson(const SubmitRecord& record);

// A file opened with O_WRONLY|O_APPEND|O_CREAT (0644), written one line per write(2) so that concurrent
// readers never see half a line.
class AppendFile {
 public:
  // On failure returns kUnavailable with the path and errno text.
  static Result<AppendFile> Open(const std::string& path);
  AppendFile() = default;
  AppendFile(AppendFile&& other) noexcept;
  AppendFile& operator=(AppendFile&& other) noexcept;
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  ~AppendFile();

  bool is_open() const { return fd_ >= 0; }
  // Appends `line` plus "\n" with one write(2). On failure returns kUnavailable (errno text, or a short
  // write). REQUIRES: is_open().
  Status WriteLine(std::string_view line);

 private:
  explicit AppendFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The traffic log. A default-constructed (closed) file makes every call a no-op.
class TrafficLog {
 public:
  TrafficLog(AppendFile file, const Clock& clock) : file_(std::move(file)), clock_(clock) {}
  // Bytes the host wrote; logged per line (ended by CR, Ctrl-Z or ESC) or when 512 bytes are pending.
  void FromHost(std::string_view bytes);
  // Bytes the modem wrote; one line per call (nothing for empty input).
  void ToHost(std::string_view bytes);
  void Submit(const SubmitRecord& record);
  // An event of the emulator itself: "<time> !! <text>".
  void Note(std::string_view text);
  // Writes a pending partial host line.
  void Flush();

 private:
  void Line(std::string_view direction, std::string_view bytes);

  AppendFile file_;
  const Clock& clock_;
  std::string host_line_;
};

}  // namespace osprey::smsgw::emulator
