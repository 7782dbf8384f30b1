// SmtpClient: outbound mail for domain code (the SmtpSMSProvider; later e-mail notifications). Domain code
// depends on this interface only; main injects MakeCurlSmtpClient(), tests inject fakes.
// Thread rule: implementations are safe to call from many threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"

namespace osprey::http {

enum class SmtpTls {
  kNone,              // plain SMTP; STARTTLS is never attempted
  kStartTlsRequired,  // STARTTLS must succeed before AUTH and MAIL FROM, or nothing is sent
};

// One message to one server. Move-only (the password is a Secret).
struct SmtpMessage {
  std::string server_url;  // smtp://host:port (smtps://host:port for TLS from the first byte)
  SmtpTls tls = SmtpTls::kNone;
  std::string username;                 // empty: no AUTH
  Secret password;                      // used only with a username; never logged nor put into error texts
  std::string from;                     // the envelope sender (MAIL FROM)
  std::vector<std::string> recipients;  // the envelope recipients (RCPT TO); at least one
  // The RFC 5322 message as sent: header lines, an empty line, the body, lines ending in CRLF. The client
  // adds SMTP's dot-stuffing and the final "." line.
  std::string message;
  std::chrono::milliseconds timeout{10000};  // for the connection, and again for the whole dialogue
  bool verify_tls = true;                    // check the server's certificate and name (STARTTLS, smtps)
  std::string ca_file;                       // empty: the system store
};

class SmtpClient {
 public:
  SmtpClient() = default;
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;
  virtual ~SmtpClient() = default;
  // Delivers `message`: OkStatus when the server accepted it (250 after the data). Failures: kInvalidArgument
  // (malformed URL, no recipient), kTimeout, kPermissionDenied (the server refused the credentials),
  // kUnavailable (DNS, connection, STARTTLS refused or failed, a command rejected). The error text is the
  // client's description of the failure and never contains the password.
  virtual Status Send(const SmtpMessage& message) = 0;
};

// libcurl implementation (the libcurl the HTTP client loads on first use); one connection per message.
std::unique_ptr<SmtpClient> MakeCurlSmtpClient();

}  // namespace osprey::http
