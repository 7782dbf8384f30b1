// Mailer: sends a plain-text mail through a named SMTP server definition, as privacyIDEA's
// send_email_identifier does: the message is privacyIDEA's MIMEText (UTF-8, base64 body) with Subject, From
// (the definition's sender), To (the recipients joined by ","), Date (UTC) and Reply-To (the sender).
// enqueue_job is ignored: Osprey has no job queue, so every mail is sent at once (privacyIDEA does the same
// when no queue is configured).
// Ownership: refers to the store, the client and the clock, which outlive it. Thread rule: any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mfa/smtp/smtp_server_store.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "osprey/http/smtp_client.hpp"

namespace osprey::mfa::smtp {

struct Email {
  std::vector<std::string> recipients;
  std::string subject;
  std::string body;
};

// The RFC 5322 text of `email` from `from` at `date`, with CRLF line ends. Non-ASCII subjects become RFC 2047
// encoded words. Errors: kInvalidArgument when a header value (subject, sender, a recipient) holds a line
// break, which would let it add header lines.
Result<std::string> ComposeMessage(const std::string& from, const Email& email, Clock::TimePoint date);

class Mailer {
 public:
  Mailer(const SmtpServerStore& servers, http::SmtpClient& client, const Clock& clock);
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;

  // Sends `email` through the definition `identifier`. OkStatus when the server accepted it. Errors:
  // kNotFound "The requested SMTPServer could not be found." (privacyIDEA's text), kInvalidArgument (no
  // recipient, a line break in a header value, a server name that is no host name), the store's errors, and
  // the client's errors with "SMTP server '<identifier>': " in front. No message contains the password.
  Status Send(std::string_view identifier, const Email& email) const;
  // As Send, through `server` as given (a definition not stored yet: POST /smtpserver/send_test_email).
  Status SendWith(const SmtpServer& server, const Email& email) const;

  // The identifiers of all definitions, ordered.
  Result<std::vector<std::string>> Identifiers() const;

 private:
  const SmtpServerStore& servers_;
  http::SmtpClient& client_;
  const Clock& clock_;
};

}  // namespace osprey::mfa::smtp
