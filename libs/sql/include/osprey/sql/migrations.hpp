// Versioned schema migrations: one definition for both engines, applied in order, each in its own
// transaction, and recorded in the table `schema_version` (component, version, name, applied_at).
#pragma once

#include <string>
#include <vector>

#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::sql {

// One step. `sql` holds one or more statements separated by ";\n" (a ';' ending a line; so no statement may
// contain one inside, e.g. a trigger body) written in the portable subset, with these placeholders expanded
// per engine (PostgreSQL / SQLite):
//   {{id}}        BIGSERIAL PRIMARY KEY / INTEGER PRIMARY KEY AUTOINCREMENT
//   {{bigint}}    BIGINT / INTEGER          {{blob}}  BYTEA / BLOB
//   {{text}}      TEXT                      {{bool}}  BOOLEAN / INTEGER   (literals: TRUE, FALSE)
//   {{double}}    DOUBLE PRECISION / REAL
// Any other {{...}} is an error. database.hpp says how to read and write {{blob}} and {{bool}} portably.
struct Migration {
  int version;       // strictly increasing within a component, starting at 1
  std::string name;  // short description, recorded
  std::string sql;
};

// A component's migrations ("core", "mfa", "smsgw"): each service registers its own set.
struct MigrationSet {
  std::string component;
  std::vector<Migration> migrations;
};

// Expands the placeholders above for `engine`; leaves unknown ones in place.
std::string ExpandPortableSql(const std::string& sql, Engine engine);

// Applies every migration of `set` newer than the recorded version, creating `schema_version` on first use.
// Safe when several processes start at once (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE). Returns
// the number applied. Errors: kInvalidArgument for a malformed set (no component, versions not positive and
// increasing, an unknown placeholder), kFailedPrecondition when the database is newer than this binary
// (nothing is applied), kInternal when a statement fails (that migration is rolled back, earlier ones stay;
// the message names the migration and the statement), kUnavailable when the database cannot be reached.
Result<int> ApplyMigrations(Database& db, const MigrationSet& set);

// The recorded version of `component` (0 when none, also before `schema_version` exists). Errors:
// kUnavailable.
Result<int> CurrentVersion(Database& db, const std::string& component);

// The migrations of the shared core component (for now: the `osprey_meta` key/value table).
const MigrationSet& CoreMigrations();

}  // namespace osprey::sql
