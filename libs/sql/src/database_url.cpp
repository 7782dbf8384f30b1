#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/sql/database.hpp"
#include "redact.hpp"

namespace osprey::sql {
namespace {

constexpr std::string_view kMasked = "***";

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool IEquals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

// A query key naming a password: password, sslpassword, ...
bool IsPasswordKey(std::string_view key) {
  return key.size() >= 8 && IEquals(key.substr(key.size() - 8), "password");
}

struct Span {
  std::size_t begin;
  std::size_t end;
};

// Where the passwords sit in `url`: the one after "user:" in the authority, and every value of a
// *password=... parameter (URI query or key=value conninfo).
std::vector<Span> PasswordSpans(std::string_view url) {
  std::vector<Span> spans;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    const std::size_t start = scheme_end + 3;
    const std::size_t stop = std::min(url.find_first_of("?#", start), url.size());
    // The last '@' before the query: a password may hold unencoded '/' or '@'.
    const std::size_t at = url.substr(0, stop).rfind('@');
    if (at != std::string_view::npos && at > start) {
      const std::size_t colon = url.find(':', start);
      if (colon < at) spans.push_back({colon + 1, at});
    }
  }
  for (std::size_t eq = url.find('='); eq != std::string_view::npos; eq = url.find('=', eq + 1)) {
    const std::size_t key_begin = url.find_last_of("?& \t", eq) + 1;  // npos + 1 == 0
    if (!IsPasswordKey(url.substr(key_begin, eq - key_begin))) continue;
    spans.push_back({eq + 1, std::min(url.find_first_of("& \t#", eq + 1), url.size())});
  }
  std::sort(spans.begin(), spans.end(), [](Span a, Span b) { return a.begin < b.begin; });
  std::vector<Span> merged;
  for (const Span& span : spans) {
    if (!merged.empty() && span.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, span.end);
    } else {
      merged.push_back(span);
    }
  }
  return merged;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void ReplaceAll(std::string& text, const std::string& needle) {
  if (needle.empty()) return;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos)) {
    text.replace(pos, needle.size(), kMasked);
    pos += kMasked.size();
  }
}

Error Invalid(std::string message) { return Error(ErrorCode::kInvalidArgument, std::move(message)); }

Result<DatabaseUrl> ParseSqlite(std::string_view rest) {
  if (rest.empty()) return Invalid("sqlite URL without a path (expected sqlite:///abs/path.db)");
  const bool has_eq = rest.find('=') != std::string_view::npos;
  // SOCI reads a connect string with '=' as key=value pairs; such a path cannot also hold blanks or quotes.
  if (has_eq && rest.find_first_of(" \t\"") != std::string_view::npos) {
    return Invalid("sqlite path may not contain '=' together with blanks or quotes");
  }
  DatabaseUrl parsed;
  parsed.engine = Engine::kSqlite;
  parsed.sqlite_path = std::string(rest);
  return parsed;
}

// "=" in the part before the query is percent-encoded, and application_name=osprey is added unless present:
// SOCI 4.0.3 splits the connect string at its first '=' and re-joins it, appending '=' when there is none.
std::string PostgresConninfo(std::string_view url) {
  const std::size_t q = std::min(url.find('?'), url.size());
  std::string out;
  for (char c : url.substr(0, q)) out += c == '=' ? std::string("%3D") : std::string(1, c);
  std::string_view query = url.substr(q);
  out += query;
  bool named = false;
  for (std::size_t pos = 0; pos < query.size();) {
    const std::size_t next = std::min(query.find('&', pos + 1), query.size());
    named = named || StartsWith(query.substr(pos + 1, next - pos - 1), "application_name=");
    pos = next;
  }
  if (!named) out += query.empty() ? "?application_name=osprey" : "&application_name=osprey";
  return out;
}

Result<DatabaseUrl> ParsePostgres(std::string_view url, std::string_view rest) {
  if (rest.empty()) return Invalid("postgresql URL without a host or database");
  if (url.find_first_of(" \t\r\n") != std::string_view::npos) {
    return Invalid("postgresql URL contains blanks; percent-encode them (%20)");
  }
  DatabaseUrl parsed;
  parsed.engine = Engine::kPostgresql;
  parsed.postgres_conninfo = PostgresConninfo(url);
  return parsed;
}

std::string SchemeOf(std::string_view url) {
  const std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return "";
  const std::string_view scheme = url.substr(0, colon);
  const bool valid = std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
  return valid ? std::string(scheme) : "";
}

}  // namespace

Result<DatabaseUrl> ParseDatabaseUrl(const std::string& url) {
  if (url == "sqlite::memory:") return ParseSqlite(":memory:");
  constexpr std::string_view kSqlite = "sqlite://";
  if (StartsWith(url, kSqlite)) return ParseSqlite(std::string_view(url).substr(kSqlite.size()));
  for (std::string_view prefix : {"postgresql://", "postgres://"}) {
    if (StartsWith(url, prefix)) return ParsePostgres(url, std::string_view(url).substr(prefix.size()));
  }
  const std::string scheme = SchemeOf(url);
  if (scheme == "sqlite")
    return Invalid("sqlite URLs are sqlite:///abs/path.db, sqlite://rel/path.db or sqlite::memory:");
  if (scheme.empty()) {
    return Invalid("not a database URL (expected sqlite:///path/osprey.db or postgresql://host/db)");
  }
  return Invalid("unsupported database URL scheme '" + scheme +
                 "' (expected sqlite:///path, sqlite::memory: or postgresql://)");
}

std::string RedactDatabaseUrl(const std::string& url) {
  std::string out = url;
  const std::vector<Span> spans = PasswordSpans(url);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {  // back to front keeps earlier offsets valid
    out.replace(it->begin, it->end - it->begin, kMasked);
  }
  return out;
}

namespace internal {

std::string ScrubPasswords(std::string text, const std::string& url) {
  std::vector<std::string> secrets;
  for (const Span& span : PasswordSpans(url)) {
    std::string raw = url.substr(span.begin, span.end - span.begin);
    secrets.push_back(PercentDecode(raw));
    secrets.push_back(std::move(raw));
  }
  // Longest first, so that a password containing another is masked whole.
  std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const std::string& secret : secrets) ReplaceAll(text, secret);
  return text;
}

}  // namespace internal
}  // namespace osprey::sql
