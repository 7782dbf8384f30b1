#include "portable_sql.hpp"

#include <algorithm>
#include <string_view>

#include "osprey/sql/migrations.hpp"

namespace osprey::sql {
namespace {

struct Placeholder {
  std::string_view name;
  std::string_view sqlite;
  std::string_view postgres;
};

constexpr Placeholder kPlaceholders[] = {
    {"{{id}}", "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"},
    {"{{bigint}}", "INTEGER", "BIGINT"},
    {"{{blob}}", "BLOB", "BYTEA"},
    {"{{text}}", "TEXT", "TEXT"},
    {"{{bool}}", "INTEGER", "BOOLEAN"},
    {"{{double}}", "REAL", "DOUBLE PRECISION"},
};

const Placeholder* FindPlaceholder(std::string_view text) {
  for (const Placeholder& p : kPlaceholders) {
    if (text.substr(0, p.name.size()) == p.name) return &p;
  }
  return nullptr;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// True if `piece` has something besides blanks and "--" line comments.
bool HasCode(std::string_view piece) {
  for (std::size_t i = 0; i < piece.size(); ++i) {
    if (IsBlank(piece[i])) continue;
    if (piece.substr(i, 2) != "--") return true;
    i = std::min(piece.find('\n', i), piece.size());
  }
  return false;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string ExpandPortableSql(const std::string& sql, Engine engine) {
  std::string out;
  out.reserve(sql.size() + 64);
  std::size_t pos = 0;
  while (pos < sql.size()) {
    const std::size_t open = sql.find("{{", pos);
    if (open == std::string::npos) {
      out.append(sql, pos);
      break;
    }
    out.append(sql, pos, open - pos);
    const Placeholder* p = FindPlaceholder(std::string_view(sql).substr(open));
    if (p == nullptr) {
      out += "{{";  // left for ApplyMigrations to reject
      pos = open + 2;
    } else {
      out += engine == Engine::kSqlite ? p->sqlite : p->postgres;
      pos = open + p->name.size();
    }
  }
  return out;
}

namespace internal {

std::vector<std::string> SplitStatements(const std::string& sql) {
  std::vector<std::string> statements;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= sql.size(); ++i) {
    bool end = i == sql.size();
    if (!end && sql[i] == ';') {
      std::size_t j = i + 1;
      while (j < sql.size() && (sql[j] == ' ' || sql[j] == '\t' || sql[j] == '\r')) ++j;
      end = j == sql.size() || sql[j] == '\n';
    }
    if (!end) continue;
    const std::string_view piece = std::string_view(sql).substr(start, i - start);
    if (HasCode(piece)) statements.push_back(Trim(piece));
    start = i + 1;
  }
  return statements;
}

}  // namespace internal
}  // namespace osprey::sql
