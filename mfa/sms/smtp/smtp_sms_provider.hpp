// SmtpSMSProvider (privacyIDEA lib/smsprovider/SmtpSMSProvider.py): mails the SMS to an e-mail-to-SMS gateway
// through an SMTP server definition (/smtpserver/). Options:
//   - SMTPIDENTIFIER (required): the SMTP server definition.
//   - MAILTO (required): the recipient; SUBJECT (default "{phone}") and BODY (default "{otp}"): the mail's
//     subject and text. In all three, "{phone}" is the number after REGEXP and "{otp}" the whole SMS text,
//     with Python str.format's rules ("{{" and "}}" are braces; any other field fails the send).
// Failures: "Failed to deliver SMS to SMTP Gateway. (<why>)"; the why never holds the SMTP password.
// Thread rule: Send may be called from many threads (the Mailer is).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "mfa/sms/sms_provider.hpp"
#include "mfa/smtp/mailer.hpp"
#include "osprey/core/result.hpp"

namespace osprey::mfa::sms {

// REQUIRES: `mailer` outlives the provider.
std::unique_ptr<SmsProvider> MakeSmtpSmsProvider(const smtp::Mailer& mailer);

// Python's `template.format(otp=otp, phone=phone)` for the fields these templates may use: "{otp}",
// "{phone}" (also with the conversion "!s"), "{{", "}}". kInvalidArgument naming the problem for any other
// field, a format spec, or a single brace (privacyIDEA fails with KeyError / ValueError there).
Result<std::string> FormatMailTemplate(std::string_view tmpl, std::string_view otp, std::string_view phone);

}  // namespace osprey::mfa::sms
