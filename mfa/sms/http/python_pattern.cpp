#include "mfa/sms/http/python_pattern.hpp"

#include <vector>

namespace osprey::mfa::sms {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsIdentifier(std::string_view name) {
  if (name.empty() || IsDigit(name[0])) return false;
  for (const char c : name) {
    if (!IsAsciiLetter(c) && !IsDigit(c) && c != '_') return false;
  }
  return true;
}

Error PatternError(std::string message) { return Error(ErrorCode::kInvalidArgument, std::move(message)); }

// Walks the pattern once, copying what PCRE2 reads the same way and rewriting the rest (see the header).
class Translator {
 public:
  explicit Translator(std::string_view pattern) : p_(pattern) {}

  Result<std::string> Run() {
    while (pos_ < p_.size()) {
      const bool flags_only = !seen_item_;
      if (Status step = Step(); !step.ok()) return step.error();
      if (flags_only && !global_flags_step_) seen_item_ = true;
      global_flags_step_ = false;
    }
    if (!open_.empty()) return PatternError("missing ), unterminated subpattern");
    return out_;
  }

 private:
  Status Step() {
    const char c = p_[pos_];
    if (verbose_ && c == '#') {
      while (pos_ < p_.size() && p_[pos_] != '\n') out_.push_back(p_[pos_++]);
      return OkStatus();
    }
    switch (c) {
      case '\\': return Escape(false);
      case '[': return Class();
      case '(': return Group();
      case ')':
        if (open_.empty()) return PatternError("unbalanced parenthesis");
        if (open_.back() > 0) closed_[static_cast<std::size_t>(open_.back())] = true;
        open_.pop_back();
        out_.push_back(p_[pos_++]);
        return OkStatus();
      case '{': Brace(); return OkStatus();
      default: out_.push_back(p_[pos_++]); return OkStatus();
    }
  }

  // Exactly `count` hex digits after the escape letter → \x{...}.
  Status HexEscape(char letter, std::size_t count) {
    if (pos_ + count > p_.size()) return PatternError(std::string("incomplete escape \\") + letter);
    const std::string_view digits = p_.substr(pos_, count);
    for (const char d : digits) {
      if (!IsHex(d)) return PatternError(std::string("incomplete escape \\") + letter);
    }
    if (count == 8 && std::stoul(std::string(digits), nullptr, 16) > 0x10FFFF) {
      return PatternError(std::string("bad escape \\") + letter);
    }
    out_ += "\\x{" + std::string(digits) + "}";
    pos_ += count;
    return OkStatus();
  }

  Status Octal(std::string digits) {
    if (std::stoul(digits, nullptr, 8) > 0377)
      return PatternError("octal escape value outside of range 0-0o377");
    out_ += "\\o{" + digits + "}";
    return OkStatus();
  }

  // After "\<first digit>": octal escapes, else a reference to a closed group (Python's sre_parse rules).
  Status Digits(char first, bool in_class) {
    std::string digits(1, first);
    if (in_class || first == '0') {
      if (!IsOctal(first)) return PatternError(std::string("bad escape \\") + first);
      while (digits.size() < 3 && pos_ < p_.size() && IsOctal(p_[pos_])) digits.push_back(p_[pos_++]);
      return Octal(digits);
    }
    if (pos_ < p_.size() && IsDigit(p_[pos_])) {
      digits.push_back(p_[pos_++]);
      if (IsOctal(digits[0]) && IsOctal(digits[1]) && pos_ < p_.size() && IsOctal(p_[pos_])) {
        digits.push_back(p_[pos_++]);
        return Octal(digits);
      }
    }
    const auto group = static_cast<std::size_t>(std::stoi(digits));
    if (group >= closed_.size()) return PatternError("invalid group reference " + digits);
    if (!closed_[group]) return PatternError("cannot refer to an open group");
    out_ += "\\g{" + digits + "}";
    return OkStatus();
  }

  Status Escape(bool in_class) {
    if (pos_ + 1 >= p_.size()) return PatternError("bad escape (end of pattern)");
    const char c = p_[pos_ + 1];
    pos_ += 2;
    if (IsDigit(c)) return Digits(c, in_class);
    if (!IsAsciiLetter(c)) {  // punctuation and non-ASCII: a literal in both dialects
      out_.push_back('\\');
      out_.push_back(c);
      return OkStatus();
    }
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 'a':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'b': out_ += std::string("\\") + c; return OkStatus();
      case 's': out_ += in_class ? "\\s\\x1c-\\x1f" : "[\\s\\x1c-\\x1f]"; return OkStatus();
      case 'S': out_ += in_class ? "\\S" : "[^\\s\\x1c-\\x1f]"; return OkStatus();
      case 'v': out_ += "\\x0b"; return OkStatus();
      case 'x': return HexEscape(c, 2);
      case 'u': return HexEscape(c, 4);
      case 'U': return HexEscape(c, 8);
      case 'A':
      case 'B':
      case 'Z':
        if (in_class) break;
        out_ += c == 'Z' ? std::string("\\z") : std::string("\\") + c;
        return OkStatus();
      default: break;
    }
    return PatternError(std::string("bad escape \\") + c);
  }

  Status Class() {
    out_.push_back(p_[pos_++]);
    if (pos_ < p_.size() && p_[pos_] == '^') out_.push_back(p_[pos_++]);
    if (pos_ < p_.size() && p_[pos_] == ']') {
      out_ += "\\]";
      ++pos_;
    }
    while (pos_ < p_.size()) {
      const char c = p_[pos_];
      if (c == ']') {
        out_.push_back(p_[pos_++]);
        return OkStatus();
      }
      if (c == '\\') {
        if (Status escape = Escape(true); !escape.ok()) return escape;
      } else {
        out_ += c == '[' ? "\\[" : std::string(1, c);
        ++pos_;
      }
    }
    return PatternError("unterminated character set");
  }

  // Python's {m,n} with either bound optional; anything else is a literal '{'.
  void Brace() {
    std::size_t j = pos_ + 1;
    const std::size_t lo_start = j;
    while (j < p_.size() && IsDigit(p_[j])) ++j;
    const std::string_view lo = p_.substr(lo_start, j - lo_start);
    const bool comma = j < p_.size() && p_[j] == ',';
    std::string_view hi;
    if (comma) {
      const std::size_t hi_start = ++j;
      while (j < p_.size() && IsDigit(p_[j])) ++j;
      hi = p_.substr(hi_start, j - hi_start);
    }
    if (j >= p_.size() || p_[j] != '}' || (lo.empty() && !comma)) {
      out_ += "\\{";
      ++pos_;
      return;
    }
    out_ +=
        "{" + (lo.empty() ? std::string("0") : std::string(lo)) + (comma ? "," : "") + std::string(hi) + "}";
    pos_ = j + 1;
  }

  // The text up to `terminator` after pos_ (exclusive), moving pos_ past the terminator.
  Result<std::string_view> Until(char terminator, const char* what) {
    const std::size_t end = p_.find(terminator, pos_);
    if (end == std::string_view::npos)
      return PatternError(std::string("missing ") + terminator + ", " + what);
    const std::string_view text = p_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return text;
  }

  void Open(int number, std::string_view opener) {
    open_.push_back(number);
    if (number > 0) closed_.resize(static_cast<std::size_t>(number) + 1, false);
    out_ += opener;
  }

  Status Group() {
    if (p_.substr(pos_, 2) == "(*") return PatternError("nothing to repeat");
    if (p_.substr(pos_, 2) != "(?") {
      ++pos_;
      Open(++groups_, "(");
      return OkStatus();
    }
    pos_ += 2;
    const std::string_view rest = p_.substr(pos_);
    for (const std::string_view simple : {":", "=", "!", ">", "<=", "<!"}) {
      if (rest.starts_with(simple)) {
        pos_ += simple.size();
        Open(0, "(?" + std::string(simple));
        return OkStatus();
      }
    }
    if (rest.starts_with("P<")) return NamedGroup();
    if (rest.starts_with("P=")) {
      pos_ += 2;
      Result<std::string_view> name = Until(')', "unterminated name");
      if (!name.ok()) return name.error();
      if (!IsIdentifier(*name)) return PatternError("bad character in group name");
      out_ += "(?P=" + std::string(*name) + ")";
      return OkStatus();
    }
    if (rest.starts_with("#")) {
      Result<std::string_view> comment = Until(')', "unterminated comment");
      if (!comment.ok()) return comment.error();
      out_ += "(?" + std::string(*comment) + ")";
      return OkStatus();
    }
    if (rest.starts_with("(")) return Conditional();
    return Flags();
  }

  Status NamedGroup() {
    pos_ += 2;
    Result<std::string_view> name = Until('>', "unterminated name");
    if (!name.ok()) return name.error();
    if (!IsIdentifier(*name)) return PatternError("bad character in group name");
    Open(++groups_, "(?P<" + std::string(*name) + ">");
    return OkStatus();
  }

  Status Conditional() {
    ++pos_;
    Result<std::string_view> condition = Until(')', "unterminated name");
    if (!condition.ok()) return condition.error();
    bool number = !condition->empty();
    for (const char c : *condition) number = number && IsDigit(c);
    if (!number && !IsIdentifier(*condition)) return PatternError("bad character in group name");
    Open(0, "(?(" + std::string(*condition) + ")");
    return OkStatus();
  }

  // (?imsxu) at the start, or (?imsxu-imsx:...) anywhere. 'u' is the default for str patterns.
  Status Flags() {
    std::string on;
    std::string off;
    bool minus = false;
    for (; pos_ < p_.size() && (IsAsciiLetter(p_[pos_]) || (p_[pos_] == '-' && !minus)); ++pos_) {
      const char c = p_[pos_];
      if (c == '-') {
        minus = true;
      } else if (c == 'a' || c == 'L') {
        return PatternError(std::string("unsupported inline flag ") + c);
      } else if (c != 'i' && c != 'm' && c != 's' && c != 'x' && !(c == 'u' && !minus)) {
        return PatternError(std::string("unknown flag"));
      } else if (c != 'u') {
        (minus ? off : on).push_back(c);
      }
    }
    if (pos_ >= p_.size()) return PatternError("missing -, : or )");
    const char end = p_[pos_++];
    if (end == ':') {
      Open(0, "(?" + on + (minus ? "-" + off : "") + ":");
      return OkStatus();
    }
    if (end != ')' || minus || p_[pos_ - 2] == '?') return PatternError("unknown extension");
    if (seen_item_) return PatternError("global flags not at the start of the expression");
    if (on.find('x') != std::string::npos) verbose_ = true;
    if (!on.empty()) out_ += "(?" + on + ")";
    global_flags_step_ = true;
    return OkStatus();
  }

  std::string_view p_;
  std::size_t pos_ = 0;
  std::string out_;
  std::vector<int> open_;            // group numbers of the open groups, 0 for non-capturing
  std::vector<bool> closed_{false};  // by group number (index 0 unused)
  int groups_ = 0;
  bool verbose_ = false;
  bool seen_item_ = false;  // anything but global flags has been read
  bool global_flags_step_ = false;
};

}  // namespace

Result<std::string> TranslatePythonPattern(std::string_view pattern) { return Translator(pattern).Run(); }

}  // namespace osprey::mfa::sms
