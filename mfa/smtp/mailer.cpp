#include "mfa/smtp/mailer.hpp"

#include <cctype>
#include <ctime>

#include <fmt/format.h>

#include "osprey/core/encoding.hpp"

namespace osprey::mfa::smtp {
namespace {

constexpr std::size_t kBase64LineLength = 76;
// 45 bytes make 60 base64 characters: an encoded word of 72 characters, under RFC 2047's 75.
constexpr std::size_t kEncodedWordBytes = 45;

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// RFC 2047 "B" encoded words, split only between UTF-8 characters and folded onto continuation lines.
std::string EncodedWords(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    std::size_t n = std::min(kEncodedWordBytes, text.size());
    while (n < text.size() && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    if (!out.empty()) out += "\r\n ";
    out += "=?utf-8?b?" + Base64Encode(text.substr(0, n)) + "?=";
    text.remove_prefix(n);
  }
  return out;
}

std::string Base64Body(std::string_view body) {
  const std::string encoded = Base64Encode(body);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += kBase64LineLength) {
    out += encoded.substr(i, kBase64LineLength) + "\r\n";
  }
  return out;
}

// "Mon, 02 Jan 2006 15:04:05 +0000", independent of the process locale.
std::string MailDate(Clock::TimePoint date) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = std::chrono::system_clock::to_time_t(date);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// A DNS name or an IPv4/IPv6 address: nothing that would change the meaning of the smtp:// URL.
bool IsHostName(std::string_view host) {
  if (host.empty()) return false;
  for (unsigned char c : host) {
    if (!std::isalnum(c) && c != '.' && c != '-' && c != '_' && c != ':') return false;
  }
  return true;
}

std::string ServerUrl(const SmtpServer& server) {
  const bool ipv6 = server.server.find(':') != std::string::npos;
  return "smtp://" + (ipv6 ? "[" + server.server + "]" : server.server) + ":" + std::to_string(server.port);
}

}  // namespace

Result<std::string> ComposeMessage(const std::string& from, const Email& email, Clock::TimePoint date) {
  std::string to;
  for (const std::string& r : email.recipients) {
    if (HasLineBreak(r)) return Error(ErrorCode::kInvalidArgument, "a mail recipient holds a line break");
    to += (to.empty() ? "" : ",") + r;
  }
  if (HasLineBreak(from)) return Error(ErrorCode::kInvalidArgument, "the mail sender holds a line break");
  if (HasLineBreak(email.subject))
    return Error(ErrorCode::kInvalidArgument, "the mail subject holds a line break");
  const std::string subject = IsAscii(email.subject) ? email.subject : EncodedWords(email.subject);
  return "Content-Type: text/plain; charset=\"utf-8\"\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "Subject: " +
         subject + "\r\nFrom: " + from + "\r\nTo: " + to + "\r\nDate: " + MailDate(date) +
         "\r\nReply-To: " + from + "\r\n\r\n" + Base64Body(email.body);
}

Mailer::Mailer(const SmtpServerStore& servers, http::SmtpClient& client, const Clock& clock)
    : servers_(servers), client_(client), clock_(clock) {}

Status Mailer::Send(std::string_view identifier, const Email& email) const {
  auto found = servers_.Find(identifier);
  if (!found.ok()) return found.error();
  if (!found->has_value()) return Error(ErrorCode::kNotFound, "The requested SMTPServer could not be found.");
  return SendWith(**found, email);
}

Status Mailer::SendWith(const SmtpServer& server, const Email& email) const {
  if (email.recipients.empty()) return Error(ErrorCode::kInvalidArgument, "the mail has no recipient");
  if (!IsHostName(server.server)) {
    return Error(ErrorCode::kInvalidArgument,
                 "SMTP server '" + server.identifier + "' has an invalid server name");
  }
  auto message = ComposeMessage(server.sender, email, clock_.Now());
  if (!message.ok()) return message.error();
  http::SmtpMessage m;
  m.server_url = ServerUrl(server);
  m.tls = server.tls ? http::SmtpTls::kStartTlsRequired : http::SmtpTls::kNone;
  m.username = server.username;
  m.password = server.password.Clone();
  m.from = server.sender;
  m.recipients = email.recipients;
  m.message = std::move(*message);
  m.timeout = std::chrono::seconds(server.timeout);
  Status sent = client_.Send(m);
  if (sent.ok()) return sent;
  return Error(sent.error().code(), "SMTP server '" + server.identifier + "': " + sent.error().message());
}

Result<std::vector<std::string>> Mailer::Identifiers() const {
  auto list = servers_.List();
  if (!list.ok()) return list.error();
  std::vector<std::string> identifiers;
  for (const SmtpServer& s : *list) identifiers.push_back(s.identifier);
  return identifiers;
}

}  // namespace osprey::mfa::smtp
