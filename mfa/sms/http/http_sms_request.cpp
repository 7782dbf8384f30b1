#include "mfa/sms/http/http_sms_request.hpp"

#include <cctype>

#include "mfa/sms/http/python_json.hpp"
#include "osprey/http/message.hpp"

namespace osprey::mfa::sms {
namespace {

using FormPairs = std::vector<std::pair<std::string_view, std::string>>;

// urlencode(doseq=True) of one (key, element) pair that requests handed on: an iterable element is expanded
// once more; anything else is str(element).
void AddElement(FormPairs& pairs, std::string_view key, const PyValue& element) {
  switch (element.kind) {
    case PyValue::Kind::kNull: return;  // requests drops None before urlencode sees it
    case PyValue::Kind::kList:
      for (const PyValue& item : element.items) pairs.emplace_back(key, PythonStr(item));
      return;
    case PyValue::Kind::kDict:
      for (const auto& [name, unused] : element.members) pairs.emplace_back(key, name);
      return;
    default: pairs.emplace_back(key, PythonStr(element));
  }
}

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

bool IsHexDigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

bool IsEscape(std::string_view s, std::size_t i) {
  return s[i] == '%' && i + 2 < s.size() && IsHexDigit(s[i + 1]) && IsHexDigit(s[i + 2]);
}

int HexValue(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0
             ? c - '0'
             : std::toupper(static_cast<unsigned char>(c)) - 'A' + 10;
}

// urllib3's _encode_invalid_chars, then requests' unquote_unreserved, for a path, query or fragment: %xx
// escapes are upper-cased (and %XX of an unreserved character decoded); a '%' is kept only when every '%'
// of the component starts an escape (else each becomes %25); any byte outside unreserved, sub-delims, ':',
// '@', '/' (and '?' for query and fragment) is percent-encoded.
std::string NormalizeComponent(std::string_view component, bool question_mark_allowed) {
  static constexpr std::string_view kAllowed = "!$&'()*+,;=:@/";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::size_t percents = 0;
  std::size_t escapes = 0;
  for (std::size_t i = 0; i < component.size(); ++i) {
    if (component[i] != '%') continue;
    ++percents;
    if (IsEscape(component, i)) {
      ++escapes;
      i += 2;
    }
  }
  const bool keep_escapes = percents == escapes;
  std::string out;
  for (std::size_t i = 0; i < component.size(); ++i) {
    const auto c = static_cast<unsigned char>(component[i]);
    if (IsEscape(component, i)) {
      const auto decoded =
          static_cast<unsigned char>(HexValue(component[i + 1]) * 16 + HexValue(component[i + 2]));
      const std::string upper{kHex[decoded >> 4], kHex[decoded & 0xF]};
      if (!keep_escapes) {
        out += "%25" + upper;
      } else {
        out += IsUnreserved(decoded) ? std::string(1, static_cast<char>(decoded)) : "%" + upper;
      }
      i += 2;
    } else if (IsUnreserved(c) || (c != 0 && kAllowed.find(static_cast<char>(c)) != std::string_view::npos) ||
               (question_mark_allowed && c == '?')) {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 0xF]};
    }
  }
  return out;
}

}  // namespace

Result<std::string> EncodeFormParameters(const SmsParameters& parameters) {
  FormPairs pairs;
  for (const auto& [key, value] : parameters) {
    if (value.kind == PyValue::Kind::kList) {
      for (const PyValue& item : value.items) AddElement(pairs, key, item);
    } else if (value.kind == PyValue::Kind::kDict) {
      for (const auto& [name, unused] : value.members) pairs.emplace_back(key, name);
    } else if (value.kind != PyValue::Kind::kNull) {
      pairs.emplace_back(key, PythonStr(value));
    }
  }
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (HasSurrogate(key) || HasSurrogate(value)) {
      return Error(ErrorCode::kInvalidArgument,
                   "'utf-8' codec can't encode parameter " + std::string(key) + ": surrogates not allowed");
    }
    if (!out.empty()) out.push_back('&');
    out += http::PercentEncode(key, true) + "=" + http::PercentEncode(value, true);
  }
  return out;
}

Result<std::string> EncodeJsonParameters(const SmsParameters& parameters) {
  PyValue object;
  object.kind = PyValue::Kind::kDict;
  object.members = parameters;
  return DumpPythonJson(object);
}

Result<GatewayUrl> ParseGatewayUrl(std::string_view url) {
  const std::size_t separator = url.find("://");
  if (separator == std::string_view::npos)
    return Error(ErrorCode::kInvalidArgument, "Invalid URL: No scheme supplied.");
  std::string scheme(url.substr(0, separator));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") {
    return Error(ErrorCode::kInvalidArgument, "No connection adapters were found for the URL.");
  }
  const std::size_t netloc_start = separator + 3;
  const std::size_t netloc_end = std::min(url.find_first_of("/?#", netloc_start), url.size());
  GatewayUrl out;
  out.netloc = std::string(url.substr(netloc_start, netloc_end - netloc_start));
  const std::size_t at = out.netloc.rfind('@');
  const std::string_view host =
      at == std::string::npos ? std::string_view(out.netloc) : std::string_view(out.netloc).substr(at + 1);
  if (host.empty()) return Error(ErrorCode::kInvalidArgument, "Invalid URL: No host supplied.");
  if (at != std::string::npos) out.userinfo = out.netloc.substr(0, at);
  out.url =
      std::string(url.substr(0, netloc_start)) + std::string(host) + std::string(url.substr(netloc_end));
  return out;
}

std::string AppendQuery(std::string_view url, std::string_view query) {
  if (query.empty()) return std::string(url);
  const std::size_t hash = url.find('#');
  const std::string_view base = url.substr(0, hash);
  const std::string_view fragment = hash == std::string_view::npos ? std::string_view() : url.substr(hash);
  const std::size_t question = base.find('?');
  std::string separator = "?";
  if (question != std::string_view::npos) separator = question + 1 < base.size() ? "&" : "";
  return std::string(base) + separator + std::string(query) + std::string(fragment);
}

std::string NormalizeUrl(std::string_view url) {
  const std::size_t separator = url.find("://");
  const std::size_t path_start =
      separator == std::string_view::npos ? 0 : std::min(url.find_first_of("/?#", separator + 3), url.size());
  const std::size_t hash = std::min(url.find('#', path_start), url.size());
  const std::size_t question = std::min(url.find('?', path_start), hash);
  std::string out(url.substr(0, path_start));
  out += NormalizeComponent(url.substr(path_start, question - path_start), false);
  if (question + 1 < hash)
    out += "?" + NormalizeComponent(url.substr(question + 1, hash - question - 1), true);
  if (hash + 1 < url.size()) out += "#" + NormalizeComponent(url.substr(hash + 1), true);
  return out;
}

}  // namespace osprey::mfa::sms
