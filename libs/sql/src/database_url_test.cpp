#include <gtest/gtest.h>

#include <string>

#include "osprey/sql/database.hpp"
#include "redact.hpp"

namespace osprey::sql {
namespace {

TEST(ParseDatabaseUrlTest, SqliteForms) {
  struct Case {
    std::string url;
    std::string path;
  };
  const Case cases[] = {
      {"sqlite:///var/lib/osprey/osprey.db", "/var/lib/osprey/osprey.db"},
      {"sqlite://data/osprey.db", "data/osprey.db"},
      {"sqlite::memory:", ":memory:"},
      {"sqlite:///tmp/with space.db", "/tmp/with space.db"},
      {"sqlite:///tmp/a=b.db", "/tmp/a=b.db"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseDatabaseUrl(c.url);
    ASSERT_TRUE(parsed.ok()) << c.url << ": " << parsed.error().ToString();
    EXPECT_EQ(parsed->engine, Engine::kSqlite) << c.url;
    EXPECT_EQ(parsed->sqlite_path, c.path) << c.url;
  }
}

TEST(ParseDatabaseUrlTest, PostgresConninfoIsTheUriWithAnApplicationName) {
  struct Case {
    std::string url;
    std::string conninfo;
  };
  const Case cases[] = {
      {"postgresql://u:p@db:5432/osprey", "postgresql://u:p@db:5432/osprey?application_name=osprey"},
      {"postgres://db/osprey", "postgres://db/osprey?application_name=osprey"},
      {"postgresql://db/osprey?sslmode=require",
       "postgresql://db/osprey?sslmode=require&application_name=osprey"},
      {"postgresql://db/o?application_name=mine", "postgresql://db/o?application_name=mine"},
      // SOCI would split at a '=' before the query; libpq decodes %3D back.
      {"postgresql://u:p=q@db/o", "postgresql://u:p%3Dq@db/o?application_name=osprey"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseDatabaseUrl(c.url);
    ASSERT_TRUE(parsed.ok()) << c.url << ": " << parsed.error().ToString();
    EXPECT_EQ(parsed->engine, Engine::kPostgresql) << c.url;
    EXPECT_EQ(parsed->postgres_conninfo, c.conninfo) << c.url;
  }
}

TEST(ParseDatabaseUrlTest, RejectsWhatItCannotOpen) {
  struct Case {
    std::string url;
    std::string message_part;
  };
  const Case cases[] = {
      {"mysql://root:hunter2@db/osprey", "'mysql'"},
      {"osprey.db", "not a database URL"},
      {"", "not a database URL"},
      {"sqlite://", "without a path"},
      {"sqlite:osprey.db", "sqlite:///abs/path.db"},
      {"postgresql://", "without a host"},
      {"postgresql://db/osprey?application_name=a b", "blanks"},
      {"sqlite:///tmp/a=b c.db", "'='"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseDatabaseUrl(c.url);
    ASSERT_FALSE(parsed.ok()) << c.url;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument) << c.url;
    EXPECT_NE(parsed.error().message().find(c.message_part), std::string::npos) << parsed.error().message();
    EXPECT_EQ(parsed.error().message().find("hunter2"), std::string::npos) << parsed.error().message();
  }
}

TEST(RedactDatabaseUrlTest, MasksPasswords) {
  struct Case {
    std::string url;
    std::string redacted;
  };
  const Case cases[] = {
      {"postgresql://osprey:s3cret@db:5432/osprey", "postgresql://osprey:***@db:5432/osprey"},
      {"postgresql://osprey@db/osprey", "postgresql://osprey@db/osprey"},
      {"postgresql://db:5432/osprey", "postgresql://db:5432/osprey"},
      {"postgres://u:pa/ss@w@rd@db/o?sslmode=require", "postgres://u:***@db/o?sslmode=require"},
      {"postgresql://u@db/o?password=s3cret&sslmode=require",
       "postgresql://u@db/o?password=***&sslmode=require"},
      {"postgresql://u@db/o?sslpassword=k3y", "postgresql://u@db/o?sslpassword=***"},
      {"host=db user=u password=s3cret dbname=o", "host=db user=u password=*** dbname=o"},
      {"sqlite:///var/lib/osprey/osprey.db", "sqlite:///var/lib/osprey/osprey.db"},
      {"sqlite::memory:", "sqlite::memory:"},
  };
  for (const Case& c : cases) EXPECT_EQ(RedactDatabaseUrl(c.url), c.redacted) << c.url;
}

TEST(ScrubPasswordsTest, RemovesRawAndDecodedPasswords) {
  const std::string url = "postgresql://u:p%40ss%2Fword@db/o";
  const std::string scrubbed =
      internal::ScrubPasswords("bad URI \"postgresql://u:p%40ss%2Fword@db/o\", password p@ss/word", url);
  EXPECT_EQ(scrubbed, "bad URI \"postgresql://u:***@db/o\", password ***");
}

// The driver's own message can quote the connect string; the error must still not show the password.
TEST(DatabaseOpenTest, ErrorsNeverShowThePassword) {
  const std::string urls[] = {
      "postgresql://osprey:hunter2secret@127.0.0.1:1/osprey",
      "postgresql://osprey:hunter2secret@127.0.0.1:1/osprey?connect_timeout=bogus",
      "postgresql://osprey:hunter2secret%zz@127.0.0.1:1/osprey",
  };
  for (const std::string& url : urls) {
    auto db = Database::Open(url);
    ASSERT_FALSE(db.ok()) << url;
    EXPECT_EQ(db.error().code(), ErrorCode::kUnavailable) << url;
    EXPECT_EQ(db.error().message().find("hunter2"), std::string::npos) << db.error().message();
    EXPECT_NE(db.error().message().find("osprey:***@127.0.0.1:1"), std::string::npos) << db.error().message();
  }
}

TEST(DatabaseOpenTest, RejectsBadOptions) {
  DatabaseOptions options;
  options.sqlite_synchronous = "NORMAL; DROP TABLE x";
  auto db = Database::Open("sqlite::memory:", options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code(), ErrorCode::kInvalidArgument);
  options = DatabaseOptions{};
  options.pool_size = 0;
  EXPECT_EQ(Database::Open("sqlite::memory:", options).error().code(), ErrorCode::kInvalidArgument);
}

TEST(DatabaseOpenTest, UnopenableSqliteFileIsUnavailable) {
  auto db = Database::Open("sqlite:///nonexistent-dir-osprey/sub/osprey.db");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(db.error().message().find("unable to open"), std::string::npos) << db.error().message();
}

}  // namespace
}  // namespace osprey::sql
