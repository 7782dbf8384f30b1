// Test support for osprey_sql (header-only, so the library glob leaves it out): a fresh database per test on
// each engine, and a fixture parameterised by engine.
//
// PostgreSQL tests need a server: they read its URL from OSPREY_TEST_POSTGRES_URL and skip without it. Each
// test gets a schema of its own, selected through the URL's search_path, and drops it afterwards.
#pragma once

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>

#include "osprey/sql/database.hpp"

namespace osprey::sql::testing {

inline constexpr const char* kHowToRunPostgres =
    "PostgreSQL tests skipped: OSPREY_TEST_POSTGRES_URL is not set. Run them with\n"
    "  d=$(mktemp -d); export OSPREY_TEST_POSTGRES_URL=$(scripts/pg-test-server.sh start $d | tail -n1)\n"
    "  ctest --test-dir <build> -L db; scripts/pg-test-server.sh stop $d";

inline std::optional<std::string> PostgresServerUrl() {
  const char* url = std::getenv("OSPREY_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

// A unique name for this process and call: tests run in parallel processes against one server.
inline std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return prefix + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 100000);
}

// An empty database for one test: a file in a fresh temporary directory, or a fresh PostgreSQL schema.
class TestDatabase {
 public:
  // REQUIRES: for kPostgresql, PostgresServerUrl() is set.
  explicit TestDatabase(Engine engine) : engine_(engine) {
    if (engine == Engine::kSqlite) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "osprey-sql-XXXXXX").string();
      if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
      dir_ = tmpl;
      url_ = "sqlite://" + (std::filesystem::path(dir_) / "test.db").string();
    } else {
      server_ = *PostgresServerUrl();
      schema_ = UniqueName("osprey_test_");
      Admin() << "CREATE SCHEMA " + schema_;
      url_ = server_ + (server_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
             schema_;
    }
  }
  ~TestDatabase() {
    if (engine_ == Engine::kSqlite) {
      std::filesystem::remove_all(dir_);
    } else {
      try {
        Admin() << "DROP SCHEMA " + schema_ + " CASCADE";
      } catch (const std::exception& e) {
        ADD_FAILURE() << "cannot drop schema " << schema_ << ": " << e.what();
      }
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& dir() const { return dir_; }  // kSqlite only

  // A session on the server outside the test's schema and pool (kPostgresql only).
  std::unique_ptr<soci::session> AdminSession() const {
    return std::make_unique<soci::session>(soci::postgresql, ParseDatabaseUrl(server_)->postgres_conninfo);
  }

 private:
  soci::session& Admin() {
    if (admin_ == nullptr) admin_ = AdminSession();
    return *admin_;
  }

  Engine engine_;
  std::string url_;
  std::string dir_;
  std::string server_;
  std::string schema_;
  std::unique_ptr<soci::session> admin_;
};

inline std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgresql";
}

// Base fixture: derive one per test file and instantiate it with OSPREY_INSTANTIATE_FOR_ENGINES.
class EngineTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgresql && !PostgresServerUrl()) GTEST_SKIP() << kHowToRunPostgres;
    target_ = std::make_unique<TestDatabase>(GetParam());
  }

  Engine engine() const { return GetParam(); }
  const std::string& url() const { return target_->url(); }

  // Three sessions are plenty for a test and quicker to open than the default eight.
  static DatabaseOptions SmallPool() {
    DatabaseOptions options;
    options.pool_size = 3;
    return options;
  }

  std::unique_ptr<Database> OpenOrDie(const DatabaseOptions& options = SmallPool()) {
    auto db = Database::Open(url(), options);
    if (!db.ok()) ADD_FAILURE() << db.error().ToString();
    return db.ok() ? std::move(db.value()) : nullptr;
  }

  std::unique_ptr<TestDatabase> target_;
};

#define OSPREY_INSTANTIATE_FOR_ENGINES(Fixture)                                              \
  INSTANTIATE_TEST_SUITE_P(                                                                  \
      Engines, Fixture,                                                                      \
      ::testing::Values(::osprey::sql::Engine::kSqlite, ::osprey::sql::Engine::kPostgresql), \
      ::osprey::sql::testing::EngineName)

}  // namespace osprey::sql::testing
