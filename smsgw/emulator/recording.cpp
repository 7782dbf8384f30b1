#include "smsgw/emulator/recording.hpp"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <utility>

#include "smsgw/emulator/at_parse.hpp"

namespace osprey::smsgw::emulator {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxHostLine = 512;

json ClassJson(int message_class) { return message_class < 0 ? json(nullptr) : json(message_class); }

std::string_view VpfName(sms::VpFormat format) {
  switch (format) {
    case sms::VpFormat::kNone: return "none";
    case sms::VpFormat::kRelative: return "relative";
    case sms::VpFormat::kEnhanced: return "enhanced";
    case sms::VpFormat::kAbsolute: return "absolute";
  }
  return "none";
}

std::string_view AlphabetName(sms::Alphabet alphabet) {
  switch (alphabet) {
    case sms::Alphabet::kGsm7: return "gsm7";
    case sms::Alphabet::kEightBit: return "8bit";
    case sms::Alphabet::kUcs2: return "ucs2";
  }
  return "gsm7";
}

std::string_view ResultName(const SubmitRecord& record) {
  if (record.cms_error != 0) return "refused";
  return record.reply_swallowed ? "swallowed" : "accepted";
}

// Replaces what follows "+CPIN=" up to the end of the line with '*' (a SIM PIN or PUK).
std::string MaskPin(std::string line) {
  std::size_t at = ToUpper(line).find("+CPIN=");
  if (at == std::string::npos) return line;
  for (std::size_t i = at + 6; i < line.size() && line[i] != '\r' && line[i] != '\n'; ++i) line[i] = '*';
  return line;
}

}  // namespace

std::string FormatIsoUtc(Clock::TimePoint time) {
  const std::chrono::sys_time<std::chrono::milliseconds> ms{std::chrono::milliseconds(ToUnixMillis(time))};
  auto days = std::chrono::floor<std::chrono::days>(ms);
  std::chrono::year_month_day ymd{days};
  std::chrono::hh_mm_ss<std::chrono::milliseconds> hms{ms - days};
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return buffer;
}

std::string EscapeBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte >= 0x20 && byte < 0x7F) {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02X", byte);
      out += hex;
    }
  }
  return out;
}

std::string JsonLine(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

json PhoneMessageJson(const PhoneMessage& message) {
  return json{{"number", message.number},
              {"text", message.text},
              {"parts", message.parts},
              {"class", ClassJson(message.message_class)},
              {"validity_minutes", message.validity ? json(message.validity->count()) : json(nullptr)},
              {"time", FormatIsoUtc(message.time)}};
}

json SubmitRecordJson(const SubmitRecord& r) {
  json concat = nullptr;
  if (r.concat) {
    concat = json{{"ref", r.concat->reference},
                  {"total", r.concat->total},
                  {"seq", r.concat->sequence},
                  {"ref16", r.concat->reference_16bit}};
  }
  return json{{"event", "submit"},
              {"time", FormatIsoUtc(r.time)},
              {"smsc", r.smsc},
              {"destination", r.destination},
              {"mr", r.message_reference ? json(*r.message_reference) : json(nullptr)},
              {"srr", r.status_report_request},
              {"udhi", r.udhi},
              {"vpf", VpfName(r.vp_format)},
              {"vp", r.relative_vp ? json(*r.relative_vp) : json(nullptr)},
              {"dcs", r.dcs},
              {"alphabet", AlphabetName(r.alphabet)},
              {"class", ClassJson(r.message_class)},
              {"concat", concat},
              {"text", r.text},
              {"cmgs_length", r.cmgs_length},
              {"tpdu_length", r.tpdu_length},
              {"length_ok", r.length_matches},
              {"cms_error", r.cms_error},
              {"result", ResultName(r)}};
}

Result<AppendFile> AppendFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Error(ErrorCode::kUnavailable, "open " + path + ": " + ::strerror(errno));
  return AppendFile(fd);
}

AppendFile::AppendFile(AppendFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

AppendFile& AppendFile::operator=(AppendFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status AppendFile::WriteLine(std::string_view line) {
  std::string buffer;
  buffer.reserve(line.size() + 1);
  buffer.append(line);
  buffer += '\n';
  ssize_t n;
  do {
    n = ::write(fd_, buffer.data(), buffer.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Error(ErrorCode::kUnavailable, std::string("write: ") + ::strerror(errno));
  if (static_cast<std::size_t>(n) != buffer.size()) return Error(ErrorCode::kUnavailable, "short write");
  return OkStatus();
}

void TrafficLog::FromHost(std::string_view bytes) {
  if (!file_.is_open()) return;
  for (char c : bytes) {
    host_line_ += c;
    if (c == '\r' || c == 0x1A || c == 0x1B || host_line_.size() >= kMaxHostLine) {
      Line(">>", MaskPin(std::move(host_line_)));
      host_line_.clear();
    }
  }
}

void TrafficLog::ToHost(std::string_view bytes) {
  if (!file_.is_open() || bytes.empty()) return;
  Line("<<", bytes);
}

void TrafficLog::Submit(const SubmitRecord& record) {
  if (!file_.is_open()) return;
  (void)file_.WriteLine(JsonLine(SubmitRecordJson(record)));  // a lost log line must not stop the modem
}

void TrafficLog::Note(std::string_view text) {
  if (!file_.is_open()) return;
  Line("!!", text);
}

void TrafficLog::Flush() {
  if (!file_.is_open() || host_line_.empty()) return;
  Line(">>", MaskPin(std::move(host_line_)));
  host_line_.clear();
}

void TrafficLog::Line(std::string_view direction, std::string_view bytes) {
  std::string line = FormatIsoUtc(clock_.Now());
  line += ' ';
  line += direction;
  line += ' ';
  line += EscapeBytes(bytes);
  (void)file_.WriteLine(line);  // a lost log line must not stop the modem
}

}  // namespace osprey::smsgw::emulator
