#include "mfa/sms/http/python_json.hpp"

#include <cmath>
#include <limits>

namespace osprey::mfa::sms {
namespace {

// Python raises RecursionError a little below its default recursion limit of 1000.
constexpr int kMaxDepth = 990;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

PyValue Scalar(PyValue::Kind kind) {
  PyValue value;
  value.kind = kind;
  return value;
}

PyValue Float(double number) {
  PyValue value = Scalar(PyValue::Kind::kFloat);
  value.number = number;
  return value;
}

PyValue Bool(bool b) {
  PyValue value = Scalar(PyValue::Kind::kBool);
  value.boolean = b;
  return value;
}

// A recursive-descent reader that follows CPython's C scanner (Modules/_json.c), which json.loads uses.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  std::optional<PyValue> Document() {
    SkipSpace();
    std::optional<PyValue> value = Value(0);
    SkipSpace();
    if (!value || pos_ != s_.size()) return std::nullopt;
    return value;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Word(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::optional<PyValue> Value(int depth) {
    if (pos_ >= s_.size() || depth > kMaxDepth) return std::nullopt;
    switch (s_[pos_]) {
      case '"': {
        ++pos_;
        std::optional<std::string> text = String();
        if (!text) return std::nullopt;
        return PyValue::String(std::move(*text));
      }
      case '{': return Dict(depth);
      case '[': return List(depth);
      case 'n': return Word("null") ? std::optional(Scalar(PyValue::Kind::kNull)) : std::nullopt;
      case 't': return Word("true") ? std::optional(Bool(true)) : std::nullopt;
      case 'f': return Word("false") ? std::optional(Bool(false)) : std::nullopt;
      case 'N':
        return Word("NaN") ? std::optional(Float(std::numeric_limits<double>::quiet_NaN())) : std::nullopt;
      case 'I': return Word("Infinity") ? std::optional(Float(HUGE_VAL)) : std::nullopt;
      default:
        if (Word("-Infinity")) return Float(-HUGE_VAL);
        return Number();
    }
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? ; a '.' or 'e' without digits after it is not consumed.
  std::optional<PyValue> Number() {
    const std::size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    if (pos_ >= s_.size() || !IsDigit(s_[pos_])) return std::nullopt;
    if (s_[pos_++] != '0') {
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    bool is_float = false;
    if (pos_ + 1 < s_.size() && s_[pos_] == '.' && IsDigit(s_[pos_ + 1])) {
      pos_ += 2;
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
      is_float = true;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      std::size_t exp = pos_ + 1;
      if (exp < s_.size() && (s_[exp] == '+' || s_[exp] == '-')) ++exp;
      if (exp < s_.size() && IsDigit(s_[exp])) {
        while (exp < s_.size() && IsDigit(s_[exp])) ++exp;
        pos_ = exp;
        is_float = true;
      }
    }
    const std::string_view literal = s_.substr(start, pos_ - start);
    if (is_float) return Float(DecimalToDouble(literal));
    PyValue value = Scalar(PyValue::Kind::kInt);
    value.text = literal == "-0" ? "0" : std::string(literal);
    return value;
  }

  std::optional<char32_t> Hex4() {
    if (pos_ + 4 > s_.size()) return std::nullopt;
    char32_t cp = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = HexValue(s_[pos_ + static_cast<std::size_t>(i)]);
      if (digit < 0) return std::nullopt;
      cp = (cp << 4) | static_cast<char32_t>(digit);
    }
    pos_ += 4;
    return cp;
  }

  // After "\u": the code point, joining a high surrogate with a directly following "\uDC00".."\uDFFF".
  std::optional<char32_t> UnicodeEscape() {
    std::optional<char32_t> cp = Hex4();
    if (!cp || *cp < 0xD800 || *cp > 0xDBFF || s_.substr(pos_, 2) != "\\u") return cp;
    const std::size_t mark = pos_;
    pos_ += 2;
    const std::optional<char32_t> low = Hex4();
    if (low && *low >= 0xDC00 && *low <= 0xDFFF) return 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
    pos_ = mark;  // the second escape is read on its own
    return cp;
  }

  bool Escape(std::string& out) {
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/': out.push_back(c); return true;
      case 'b': out.push_back('\b'); return true;
      case 'f': out.push_back('\f'); return true;
      case 'n': out.push_back('\n'); return true;
      case 'r': out.push_back('\r'); return true;
      case 't': out.push_back('\t'); return true;
      case 'u': {
        const std::optional<char32_t> cp = UnicodeEscape();
        if (cp) AppendUtf8(out, *cp);
        return cp.has_value();
      }
      default: return false;
    }
  }

  std::optional<std::string> String() {
    std::string out;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;  // strict=True
      if (c != '\\') {
        out.push_back(c);
      } else if (!Escape(out)) {
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  std::optional<PyValue> List(int depth) {
    PyValue list = Scalar(PyValue::Kind::kList);
    ++pos_;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return list;
    }
    while (true) {
      std::optional<PyValue> item = Value(depth + 1);
      if (!item) return std::nullopt;
      list.items.push_back(std::move(*item));
      SkipSpace();
      if (pos_ >= s_.size()) return std::nullopt;
      const char c = s_[pos_++];
      if (c == ']') return list;
      if (c != ',') return std::nullopt;
      SkipSpace();
    }
  }

  static void Insert(PyValue& dict, std::string key, PyValue value) {
    for (auto& [existing, member] : dict.members) {
      if (existing == key) {
        member = std::move(value);
        return;
      }
    }
    dict.members.emplace_back(std::move(key), std::move(value));
  }

  std::optional<PyValue> Dict(int depth) {
    PyValue dict = Scalar(PyValue::Kind::kDict);
    ++pos_;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return dict;
    }
    while (true) {
      if (pos_ >= s_.size() || s_[pos_] != '"') return std::nullopt;
      ++pos_;
      std::optional<std::string> key = String();
      SkipSpace();
      if (!key || pos_ >= s_.size() || s_[pos_++] != ':') return std::nullopt;
      SkipSpace();
      std::optional<PyValue> value = Value(depth + 1);
      if (!value) return std::nullopt;
      Insert(dict, std::move(*key), std::move(*value));
      SkipSpace();
      if (pos_ >= s_.size()) return std::nullopt;
      const char c = s_[pos_++];
      if (c == '}') return dict;
      if (c != ',') return std::nullopt;
      SkipSpace();
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto escape_unit = [&](char32_t unit) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(unit >> shift) & 0xF]);
  };
  out.push_back('"');
  for (std::size_t pos = 0; pos < s.size();) {
    const CodePoint cp = DecodeUtf8(s, pos);
    pos += cp.length;
    const char32_t c = cp.value;
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (c >= 0x20 && c <= 0x7E) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x10000) {
      escape_unit(c);
    } else {
      escape_unit(0xD800 + ((c - 0x10000) >> 10));
      escape_unit(0xDC00 + ((c - 0x10000) & 0x3FF));
    }
  }
  out.push_back('"');
}

bool AppendJson(std::string& out, const PyValue& value) {
  switch (value.kind) {
    case PyValue::Kind::kNull: out += "null"; return true;
    case PyValue::Kind::kBool: out += value.boolean ? "true" : "false"; return true;
    case PyValue::Kind::kInt: out += value.text; return true;
    case PyValue::Kind::kFloat:
      if (!std::isfinite(value.number)) return false;
      out += PythonFloatRepr(value.number);
      return true;
    case PyValue::Kind::kString: AppendJsonString(out, value.text); return true;
    case PyValue::Kind::kList:
      out.push_back('[');
      for (std::size_t i = 0; i < value.items.size(); ++i) {
        if (i > 0) out += ", ";
        if (!AppendJson(out, value.items[i])) return false;
      }
      out.push_back(']');
      return true;
    case PyValue::Kind::kDict:
      out.push_back('{');
      for (std::size_t i = 0; i < value.members.size(); ++i) {
        if (i > 0) out += ", ";
        AppendJsonString(out, value.members[i].first);
        out += ": ";
        if (!AppendJson(out, value.members[i].second)) return false;
      }
      out.push_back('}');
      return true;
  }
  return false;
}

}  // namespace

std::optional<PyValue> ParsePythonJson(std::string_view text) { return Reader(text).Document(); }

Result<std::string> DumpPythonJson(const PyValue& value) {
  std::string out;
  if (!AppendJson(out, value)) {
    return Error(ErrorCode::kInvalidArgument, "Out of range float values are not JSON compliant");
  }
  return out;
}

}  // namespace osprey::mfa::sms
