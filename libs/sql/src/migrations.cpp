#include "osprey/sql/migrations.hpp"

#include <optional>

#include "portable_sql.hpp"

namespace osprey::sql {
namespace {

// pg_advisory_xact_lock key shared by every Osprey process migrating the same PostgreSQL database.
constexpr long long kMigrationLockKey = 0x6F737072'65790001;  // "osprey" + 1

std::string SchemaVersionDdl(Engine engine) {
  return std::string(
             "CREATE TABLE IF NOT EXISTS schema_version (component TEXT NOT NULL, version INTEGER NOT "
             "NULL, name TEXT NOT NULL, applied_at ") +
         (engine == Engine::kSqlite ? "TEXT" : "TIMESTAMPTZ") +
         " NOT NULL, PRIMARY KEY (component, version))";
}

bool SchemaVersionExists(soci::session& s, Engine engine) {
  int exists = 0;
  if (engine == Engine::kSqlite) {
    s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        soci::into(exists);
  } else {
    s << "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0 ELSE 1 END", soci::into(exists);
  }
  return exists != 0;
}

int RecordedVersion(soci::session& s, const std::string& component) {
  int version = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT MAX(version) FROM schema_version WHERE component = :c", soci::use(component),
      soci::into(version, ind);
  return ind == soci::i_ok ? version : 0;
}

Error TooNew(const MigrationSet& set, int recorded) {
  return Error(ErrorCode::kFailedPrecondition,
               "database schema of '" + set.component + "' is at version " + std::to_string(recorded) +
                   ", newer than this binary knows (" + std::to_string(set.migrations.back().version) +
                   "); run a newer osprey");
}

Status ValidateSet(const MigrationSet& set) {
  if (set.component.empty()) return Error(ErrorCode::kInvalidArgument, "migration set without a component");
  int previous = 0;
  for (const Migration& m : set.migrations) {
    const std::string label = "migration " + set.component + " v" + std::to_string(m.version);
    if (m.version <= previous) {
      return Error(ErrorCode::kInvalidArgument,
                   label + ": versions must be positive and strictly increasing");
    }
    if (ExpandPortableSql(m.sql, Engine::kSqlite).find("{{") != std::string::npos) {
      return Error(ErrorCode::kInvalidArgument, label + ": unknown {{placeholder}}");
    }
    previous = m.version;
  }
  return OkStatus();
}

// What one migration transaction found and did; reset at the start of every (re)try.
struct StepState {
  bool applied = false;
  std::optional<int> too_new;            // the recorded version, when it is newer than the set
  std::optional<std::size_t> statement;  // index of the migration statement running, for the error message
};

void RunStep(soci::session& s, Engine engine, const MigrationSet& set, const Migration& m, StepState& state) {
  state = StepState{};
  // Taken before reading schema_version, and READ COMMITTED, so that a process that waited here sees
  // what the previous holder applied.
  if (engine == Engine::kPostgresql) {
    s << "SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")";
  }
  s << SchemaVersionDdl(engine);
  const int recorded = RecordedVersion(s, set.component);
  if (recorded > set.migrations.back().version) {
    state.too_new = recorded;
    return;
  }
  if (recorded >= m.version) return;
  const std::vector<std::string> statements = internal::SplitStatements(ExpandPortableSql(m.sql, engine));
  for (std::size_t i = 0; i < statements.size(); ++i) {
    state.statement = i;
    s << statements[i];
  }
  state.statement.reset();
  s << "INSERT INTO schema_version (component, version, name, applied_at) VALUES (:c, :v, :n, "
       "CURRENT_TIMESTAMP)",
      soci::use(set.component), soci::use(m.version), soci::use(m.name);
  state.applied = true;
}

// " at statement 2 [CREATE TABLE ...]" when a migration statement was running, else "".
std::string Where(const std::string& sql, Engine engine, std::optional<std::size_t> index) {
  const std::vector<std::string> statements = internal::SplitStatements(ExpandPortableSql(sql, engine));
  if (!index || *index >= statements.size()) return "";
  std::string text = statements[*index].substr(0, 120);
  for (char& c : text) c = c == '\n' ? ' ' : c;
  return " at statement " + std::to_string(*index + 1) + " [" + text +
         (statements[*index].size() > 120 ? "...]" : "]");
}

// Applies `m` unless it is already recorded. Returns whether it was applied.
Result<bool> ApplyStep(Database& db, const MigrationSet& set, const Migration& m) {
  StepState state;
  const std::string label =
      "migration " + set.component + " v" + std::to_string(m.version) + " (" + m.name + ")";
  try {
    Status status = db.WithTransaction([&](soci::session& s) { RunStep(s, db.engine(), set, m, state); },
                                       Isolation::kReadCommitted);
    if (!status.ok()) return Error(status.error().code(), label + ": " + status.error().message());
  } catch (const soci::soci_error& e) {
    return Error(ErrorCode::kInternal, label + " failed" + Where(m.sql, db.engine(), state.statement) + ": " +
                                           e.get_error_message());
  }
  if (state.too_new) return TooNew(set, *state.too_new);
  return state.applied;
}

}  // namespace

Result<int> CurrentVersion(Database& db, const std::string& component) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.error();
  try {
    if (!SchemaVersionExists(lease->get(), db.engine())) return 0;
    return RecordedVersion(lease->get(), component);
  } catch (const soci::soci_error& e) {
    return Error(ErrorCode::kUnavailable, "cannot read schema_version: " + e.get_error_message());
  }
}

Result<int> ApplyMigrations(Database& db, const MigrationSet& set) {
  if (Status valid = ValidateSet(set); !valid.ok()) return valid.error();
  if (set.migrations.empty()) return 0;
  auto current = CurrentVersion(db, set.component);
  if (!current.ok()) return current.error();
  if (*current > set.migrations.back().version) return TooNew(set, *current);
  int applied = 0;
  for (const Migration& m : set.migrations) {
    if (m.version <= *current) continue;
    auto step = ApplyStep(db, set, m);
    if (!step.ok()) return step.error();
    applied += *step ? 1 : 0;
  }
  return applied;
}

const MigrationSet& CoreMigrations() {
  static const MigrationSet kCore{
      "core",
      {
          {1, "osprey_meta key/value table",
           "CREATE TABLE osprey_meta (\n"
           "  key {{text}} PRIMARY KEY,\n"
           "  value {{text}} NOT NULL\n"
           ")"},
      },
  };
  return kCore;
}

}  // namespace osprey::sql
