#include "mfa/sms/http/python_regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <memory>
#include <vector>

#include "mfa/sms/http/python_pattern.hpp"
#include "mfa/sms/http/python_text.hpp"

namespace osprey::mfa::sms {
namespace {

// Bounds the backtracking of one match attempt, so a pathological REGEXP cannot stall a login.
constexpr std::uint32_t kMatchLimit = 1'000'000;
constexpr std::uint32_t kDepthLimit = 10'000;

struct CodeFree {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct CompileContextFree {
  void operator()(pcre2_compile_context* context) const { pcre2_compile_context_free(context); }
};
struct MatchContextFree {
  void operator()(pcre2_match_context* context) const { pcre2_match_context_free(context); }
};
struct MatchDataFree {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};
using Code = std::unique_ptr<pcre2_code, CodeFree>;

Error RegexError(std::string message) { return Error(ErrorCode::kInvalidArgument, std::move(message)); }

std::string Pcre2Message(int code) {
  PCRE2_UCHAR buffer[256];
  const int length = pcre2_get_error_message(code, buffer, sizeof(buffer));
  return length < 0 ? "PCRE2 error " + std::to_string(code) : std::string(reinterpret_cast<char*>(buffer));
}

Result<Code> Compile(std::string_view pattern) {
  Result<std::string> translated = TranslatePythonPattern(pattern);
  if (!translated.ok()) return translated.error();
  std::unique_ptr<pcre2_compile_context, CompileContextFree> context(pcre2_compile_context_create(nullptr));
  pcre2_set_newline(context.get(), PCRE2_NEWLINE_LF);  // Python: only "\n" ends a line for . ^ $
  int error = 0;
  PCRE2_SIZE offset = 0;
  Code code(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated->data()), translated->size(),
                          PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C, &error, &offset, context.get()));
  if (!code) return RegexError(Pcre2Message(error));
  return code;
}

// One piece of a parsed replacement: literal text, or the text of capture group `group` (when >= 0).
struct TemplatePart {
  std::string literal;
  int group = -1;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Parses a replacement with Python's parse_template rules against the compiled pattern's groups.
class TemplateParser {
 public:
  TemplateParser(std::string_view text, const pcre2_code* code) : r_(text), code_(code) {
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups_);
  }

  Result<std::vector<TemplatePart>> Run() {
    while (i_ < r_.size()) {
      if (r_[i_] != '\\') {
        Literal().push_back(r_[i_++]);
        continue;
      }
      if (i_ + 1 >= r_.size()) return RegexError("bad escape (end of pattern)");
      const char c = r_[i_ + 1];
      i_ += 2;
      Status status = c == 'g' ? NamedReference() : (IsDigit(c) ? Digits(c) : SimpleEscape(c));
      if (!status.ok()) return status.error();
    }
    return std::move(parts_);
  }

 private:
  std::string& Literal() {
    if (parts_.empty() || parts_.back().group >= 0) parts_.emplace_back();
    return parts_.back().literal;
  }

  Status Group(std::uint64_t index, std::string_view text) {
    if (index > groups_) return RegexError("invalid group reference " + std::string(text));
    parts_.push_back({"", static_cast<int>(index)});
    return OkStatus();
  }

  Status NamedReference() {
    if (i_ >= r_.size() || r_[i_] != '<') return RegexError("missing <");
    const std::size_t end = r_.find('>', i_ + 1);
    if (end == std::string_view::npos) return RegexError("missing >, unterminated name");
    const std::string name(r_.substr(i_ + 1, end - i_ - 1));
    i_ = end + 1;
    if (name.empty()) return RegexError("missing group name");
    bool digits = name.size() <= 9;
    for (const char c : name) digits = digits && IsDigit(c);
    if (digits) return Group(std::stoull(name), name);
    const int number = pcre2_substring_number_from_name(code_, reinterpret_cast<PCRE2_SPTR>(name.c_str()));
    if (number < 0) return RegexError("unknown group name '" + name + "'");
    return Group(static_cast<std::uint64_t>(number), name);
  }

  Status OctalLiteral(const std::string& digits) {
    const unsigned long value = std::stoul(digits, nullptr, 8);
    if (value > 0377) return RegexError("octal escape value outside of range 0-0o377");
    AppendUtf8(Literal(), static_cast<char32_t>(value));
    return OkStatus();
  }

  Status Digits(char first) {
    std::string digits(1, first);
    if (first == '0') {
      while (digits.size() < 3 && i_ < r_.size() && IsOctal(r_[i_])) digits.push_back(r_[i_++]);
      return OctalLiteral(digits);
    }
    if (i_ < r_.size() && IsDigit(r_[i_])) {
      digits.push_back(r_[i_++]);
      if (IsOctal(digits[0]) && IsOctal(digits[1]) && i_ < r_.size() && IsOctal(r_[i_])) {
        digits.push_back(r_[i_++]);
        return OctalLiteral(digits);
      }
    }
    return Group(std::stoull(digits), digits);
  }

  Status SimpleEscape(char c) {
    static constexpr std::string_view kFrom = "abfnrtv\\";
    static constexpr std::string_view kTo = "\a\b\f\n\r\t\v\\";
    if (const std::size_t k = kFrom.find(c); k != std::string_view::npos) {
      Literal().push_back(kTo[k]);
    } else if (IsAsciiLetter(c)) {
      return RegexError(std::string("bad escape \\") + c);
    } else {
      Literal() += std::string("\\") + c;
    }
    return OkStatus();
  }

  std::string_view r_;
  const pcre2_code* code_;
  std::uint32_t groups_ = 0;
  std::size_t i_ = 0;
  std::vector<TemplatePart> parts_;
};

void AppendExpansion(std::string& out, const std::vector<TemplatePart>& parts, std::string_view subject,
                     const PCRE2_SIZE* ovector, int captured) {
  for (const TemplatePart& part : parts) {
    if (part.group < 0) {
      out += part.literal;
    } else if (part.group < captured && ovector[2 * part.group] != PCRE2_UNSET) {
      const PCRE2_SIZE start = ovector[2 * part.group];
      out += subject.substr(start, ovector[2 * part.group + 1] - start);
    }
  }
}

}  // namespace

Result<std::string> PythonSub(std::string_view pattern, std::string_view replacement,
                              std::string_view subject) {
  Result<Code> code = Compile(pattern);
  if (!code.ok()) return code.error();
  Result<std::vector<TemplatePart>> parts = TemplateParser(replacement, code->get()).Run();
  if (!parts.ok()) return parts.error();
  std::unique_ptr<pcre2_match_context, MatchContextFree> context(pcre2_match_context_create(nullptr));
  pcre2_set_match_limit(context.get(), kMatchLimit);
  pcre2_set_depth_limit(context.get(), kDepthLimit);
  std::unique_ptr<pcre2_match_data, MatchDataFree> data(
      pcre2_match_data_create_from_pattern(code->get(), nullptr));
  const auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data());
  std::string out;
  PCRE2_SIZE copied = 0;  // subject[0, copied) is in `out`
  PCRE2_SIZE offset = 0;
  std::uint32_t options = 0;
  while (offset <= subject.size()) {
    const int rc = pcre2_match(code->get(), text, subject.size(), offset, options, data.get(), context.get());
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) return RegexError(Pcre2Message(rc));
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
    out += subject.substr(copied, ovector[0] - copied);
    AppendExpansion(out, *parts, subject, ovector, rc);
    copied = ovector[1];
    offset = ovector[1];
    // Python: after an empty match the next one may not be empty at the same place (must_advance).
    options = ovector[0] == ovector[1] ? PCRE2_NOTEMPTY_ATSTART : 0;
  }
  out += subject.substr(copied);
  return out;
}

Result<std::string> ApplyPhoneRegexp(std::string_view regexp, std::string_view phone) {
  // privacyIDEA: re.match("^/(.*)/(.*)/$", regexp); '.' stops at "\n" and '$' also matches before a final
  // one.
  std::string_view value = regexp;
  if (!value.empty() && value.back() == '\n') value.remove_suffix(1);
  if (value.size() < 3 || value.front() != '/' || value.back() != '/' ||
      value.find('\n') != std::string_view::npos) {
    return std::string(phone);
  }
  const std::string_view inner = value.substr(1, value.size() - 2);
  const std::size_t slash = inner.rfind('/');
  if (slash == std::string_view::npos) return std::string(phone);
  return PythonSub(inner.substr(0, slash), inner.substr(slash + 1), phone);
}

}  // namespace osprey::mfa::sms
