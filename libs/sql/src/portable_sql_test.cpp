#include "portable_sql.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "osprey/sql/migrations.hpp"

namespace osprey::sql {
namespace {

TEST(ExpandPortableSqlTest, ExpandsEachPlaceholderPerEngine) {
  struct Case {
    std::string in;
    std::string sqlite;
    std::string postgres;
  };
  const Case cases[] = {
      {"id {{id}}", "id INTEGER PRIMARY KEY AUTOINCREMENT", "id BIGSERIAL PRIMARY KEY"},
      {"{{bigint}}", "INTEGER", "BIGINT"},
      {"{{blob}}", "BLOB", "BYTEA"},
      {"{{text}}", "TEXT", "TEXT"},
      {"{{bool}}", "INTEGER", "BOOLEAN"},
      {"{{double}}", "REAL", "DOUBLE PRECISION"},
      {"a {{text}}, b {{text}} NOT NULL", "a TEXT, b TEXT NOT NULL", "a TEXT, b TEXT NOT NULL"},
      {"no placeholders", "no placeholders", "no placeholders"},
      {"{{unknown}} {", "{{unknown}} {", "{{unknown}} {"},
      {"{{", "{{", "{{"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ExpandPortableSql(c.in, Engine::kSqlite), c.sqlite) << c.in;
    EXPECT_EQ(ExpandPortableSql(c.in, Engine::kPostgresql), c.postgres) << c.in;
  }
}

TEST(SplitStatementsTest, SplitsAtSemicolonsEndingALine) {
  struct Case {
    std::string sql;
    std::vector<std::string> statements;
  };
  const Case cases[] = {
      {"CREATE TABLE a (x INT)", {"CREATE TABLE a (x INT)"}},
      {"CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n",
       {"CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"}},
      {"A; \r\n  B;", {"A", "B"}},
      {"INSERT INTO t VALUES ('a;b');\nC", {"INSERT INTO t VALUES ('a;b')", "C"}},
      {"-- only a comment;\n\n;\n", {}},
      {"-- why\nCREATE TABLE a (x INT);\n-- trailing note\n", {"-- why\nCREATE TABLE a (x INT)"}},
      {"", {}},
  };
  for (const Case& c : cases) EXPECT_EQ(internal::SplitStatements(c.sql), c.statements) << c.sql;
}

}  // namespace
}  // namespace osprey::sql
