#include "mfa/sms/smtp/smtp_sms_provider.hpp"

#include "mfa/sms/http/phone_regexp.hpp"

namespace osprey::mfa::sms {
namespace {

constexpr const char* kTags = "Use tags {phone} and {otp}.";

Error Failed(const std::string& why) {
  return Error(ErrorCode::kUnavailable, "Failed to deliver SMS to SMTP Gateway. (" + why + ")");
}

class SmtpSmsProvider final : public SmsProvider {
 public:
  explicit SmtpSmsProvider(const smtp::Mailer& mailer) : mailer_(mailer) {}

  ProviderDescriptor Describe() const override {
    ProviderDescriptor d;
    d.module = std::string(kSmtpModule);
    d.options_allowed = false;
    d.headers_allowed = false;
    d.parameters["MAILTO"] = {true, std::string("The recipient of the email. ") + kTags, {}};
    // privacyIDEA lists the SMTP server definitions as the allowed values; none when they cannot be read.
    auto identifiers = mailer_.Identifiers();
    d.parameters["SMTPIDENTIFIER"] = {true, "Your SMTP configuration, that should be used to send the email.",
                                      identifiers.ok() ? *identifiers : std::vector<std::string>()};
    d.parameters["SUBJECT"] = {false, std::string("The optional subject of the email. ") + kTags, {}};
    d.parameters["BODY"] = {false, std::string("The optional body of the email. ") + kTags, {}};
    d.parameters["REGEXP"] = {false, std::string(kRegexpDescription), {}};
    return d;
  }

  Status Send(const GatewayDefinition& gateway, const std::string& phone,
              const std::string& text) const override {
    const auto option = [&](const char* key) -> std::optional<std::string> {
      const auto it = gateway.options.find(key);
      return it == gateway.options.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    const auto identifier = option("SMTPIDENTIFIER");
    if (!identifier || identifier->empty()) return Failed("no SMTPIDENTIFIER in the gateway definition");
    const auto mailto = option("MAILTO");
    if (!mailto) return Failed("no MAILTO in the gateway definition");
    const std::string number = MangledPhone(gateway, phone);
    const std::pair<const char*, std::string> templates[] = {
        {"MAILTO", *mailto},
        {"SUBJECT", option("SUBJECT").value_or("{phone}")},
        {"BODY", option("BODY").value_or("{otp}")}};
    std::string rendered[3];
    for (std::size_t i = 0; i < 3; ++i) {
      auto r = FormatMailTemplate(templates[i].second, text, number);
      if (!r.ok()) return Failed(std::string(templates[i].first) + ": " + r.error().message());
      rendered[i] = std::move(*r);
    }
    const smtp::Email email{{rendered[0]}, rendered[1], rendered[2]};
    if (Status sent = mailer_.Send(*identifier, email); !sent.ok()) return Failed(sent.error().message());
    return OkStatus();
  }

 private:
  const smtp::Mailer& mailer_;
};

// "{" at `open`: the field up to the matching "}", or nullopt when there is none.
std::optional<std::string_view> FieldAt(std::string_view tmpl, std::size_t open) {
  const std::size_t close = tmpl.find('}', open + 1);
  if (close == std::string_view::npos) return std::nullopt;
  return tmpl.substr(open + 1, close - open - 1);
}

}  // namespace

Result<std::string> FormatMailTemplate(std::string_view tmpl, std::string_view otp, std::string_view phone) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if ((c == '{' || c == '}') && i + 1 < tmpl.size() && tmpl[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c == '}') return Error(ErrorCode::kInvalidArgument, "Single '}' encountered in format string");
    if (c != '{') {
      out += c;
      continue;
    }
    const auto field = FieldAt(tmpl, i);
    if (!field) return Error(ErrorCode::kInvalidArgument, "Single '{' encountered in format string");
    std::string_view name = *field;
    if (name.ends_with("!s")) name.remove_suffix(2);
    if (name == "otp") {
      out += otp;
    } else if (name == "phone") {
      out += phone;
    } else {
      return Error(ErrorCode::kInvalidArgument, "unknown field {" + std::string(*field) + "}");
    }
    i += field->size() + 1;
  }
  return out;
}

std::unique_ptr<SmsProvider> MakeSmtpSmsProvider(const smtp::Mailer& mailer) {
  return std::make_unique<SmtpSmsProvider>(mailer);
}

}  // namespace osprey::mfa::sms
