#include "mfa/sms/sms_text.hpp"

namespace osprey::mfa::sms {
namespace {

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Python's str.format with keyword arguments, for plain `{name}` fields: `unknown` decides what an unknown
// name does (nullopt: an error, as format() raises KeyError; else the text to put in).
Result<std::string> Format(std::string_view text, const TextTags& tags, const char* none,
                           std::optional<std::string_view> unknown) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos)
      return Error(ErrorCode::kInvalidArgument, "unmatched '{' in the text");
    const std::string_view name = text.substr(i + 1, close - i - 1);
    auto tag = tags.find(name);
    if (tag != tags.end()) {
      out += tag->second ? *tag->second : none;
    } else if (unknown) {
      out += *unknown;
    } else {
      return Error(ErrorCode::kInvalidArgument, "unknown tag {" + std::string(name) + "} in the SMS text");
    }
    i = close;
  }
  return out;
}

}  // namespace

Result<std::string> RenderSmsText(std::string_view text, const TextTags& tags) {
  std::string rendered = ReplaceAll(std::string(text), "\\,", ",");
  auto otp = tags.find("otp");
  auto serial = tags.find("serial");
  rendered = ReplaceAll(rendered, "<otp>", otp != tags.end() && otp->second ? *otp->second : "");
  rendered = ReplaceAll(rendered, "<serial>", serial != tags.end() && serial->second ? *serial->second : "");
  return Format(rendered, tags, "None", std::nullopt);
}

std::string RenderChallengeText(std::string_view text, const TextTags& tags) {
  auto rendered = Format(ReplaceAll(std::string(text), "\\,", ","), tags, "None", std::string_view());
  return rendered.ok() ? *rendered : ReplaceAll(std::string(text), "\\,", ",");
}

std::string RedactPhone(std::string_view phone) {
  return "****-******" + std::string(phone.substr(phone.size() >= 2 ? phone.size() - 2 : 0));
}

}  // namespace osprey::mfa::sms
