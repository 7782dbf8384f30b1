#include "engine.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

#include "osprey/core/encoding.hpp"
#include "osprey/core/shared_library.hpp"

namespace osprey::sql::internal {
namespace {

using namespace sqlite_api;  // SOCI wraps <sqlite3.h> in this namespace; the macros expect it.

sqlite3* SqliteHandle(soci::session& s) {
  return static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
}

// The two libpq calls Osprey makes itself, resolved in the libpq that SOCI's backend loaded (libpq is not
// linked into osprey). Only PostgreSQL sessions call them, so the library is there; dlopen only takes a
// reference. A failure is a broken installation and aborts with the reason.
struct LibpqApi {
  ConnStatusType (*status)(const PGconn*) = nullptr;
  PGTransactionStatusType (*transaction_status)(const PGconn*) = nullptr;
};

const LibpqApi& Libpq() {
  static const LibpqApi api = [] {
    LibpqApi a;
    const Result<void*> handle = OpenSharedLibrary(OSPREY_PQ_LIBRARY);
    if (handle.ok()) {
      a.status = SharedLibrarySymbol<decltype(a.status)>(*handle, "PQstatus");
      a.transaction_status =
          SharedLibrarySymbol<decltype(a.transaction_status)>(*handle, "PQtransactionStatus");
    }
    if (a.status == nullptr || a.transaction_status == nullptr) {
      std::fprintf(stderr, "osprey: %s\n",
                   handle.ok() ? OSPREY_PQ_LIBRARY " lacks PQstatus or PQtransactionStatus"
                               : handle.error().message().c_str());
      std::abort();
    }
    return a;
  }();
  return api;
}

PGconn* PostgresHandle(soci::session& s) {
  // A failed session::reconnect() leaves no backend behind.
  auto* backend = static_cast<soci::postgresql_session_backend*>(s.get_backend());
  return backend == nullptr ? nullptr : backend->conn_;
}

// SOCI's SQLite backend takes the connect string as the file name unless it contains '=', in which case it
// reads space-separated key=value pairs. ParseDatabaseUrl rejects paths that fit neither form.
std::string SqliteConnectString(const std::string& path) {
  if (path.find('=') == std::string::npos) return path;
  return "db=" + path;
}

void ConfigureSqlite(soci::session& s, const DatabaseOptions& options) {
  // busy_timeout first, so that switching to WAL waits for another process opening the same file.
  s << "PRAGMA busy_timeout = " + std::to_string(options.sqlite_busy_timeout.count());
  std::string mode;
  s << "PRAGMA journal_mode = WAL", soci::into(mode);
  s << "PRAGMA synchronous = " + options.sqlite_synchronous;
  s << "PRAGMA foreign_keys = ON";
  s << "PRAGMA cache_size = -" + std::to_string(options.sqlite_cache_kib);
  RegisterHexFunctions(s);
}

void ConfigurePostgres(soci::session& s) {
  // Keeps "relation already exists, skipping" notices of CREATE ... IF NOT EXISTS off stderr.
  s << "SET client_min_messages TO warning";
}

std::string_view ValueText(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return p == nullptr ? std::string_view() : std::string_view(p, sqlite3_value_bytes(v));
}

bool IsHexFormat(sqlite3_value* v) { return ValueText(v) == "hex"; }

void EncodeFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  if (!IsHexFormat(argv[1])) return sqlite3_result_error(ctx, "encode(): only the 'hex' format exists", -1);
  const auto* p = static_cast<const char*>(sqlite3_value_blob(argv[0]));
  const int n = sqlite3_value_bytes(argv[0]);
  const std::string hex = HexEncode(p == nullptr ? std::string_view() : std::string_view(p, n));
  sqlite3_result_text(ctx, hex.data(), static_cast<int>(hex.size()), SQLITE_TRANSIENT);
}

void DecodeFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  if (!IsHexFormat(argv[1])) return sqlite3_result_error(ctx, "decode(): only the 'hex' format exists", -1);
  auto bytes = HexDecode(ValueText(argv[0]));
  if (!bytes.ok()) return sqlite3_result_error(ctx, "decode(): invalid hexadecimal data", -1);
  if (bytes->empty()) return sqlite3_result_zeroblob(ctx, 0);  // a null pointer would make NULL
  sqlite3_result_blob(ctx, bytes->data(), static_cast<int>(bytes->size()), SQLITE_TRANSIENT);
}

}  // namespace

// SQLite keeps memory statistics by default, behind one process-wide mutex taken on every allocation; with
// many pooled connections busy at once that mutex was the most contended lock of the gateway's send path
// (docs/performance.md). Osprey never reads those statistics. sqlite3_config must come before SQLite's
// first use; later it answers SQLITE_MISUSE and changes nothing, which is harmless.
void ConfigureSqliteLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

std::unique_ptr<soci::session> OpenSession(const DatabaseUrl& url, const DatabaseOptions& options) {
  auto s = std::make_unique<soci::session>();
  if (url.engine == Engine::kSqlite) {
    ConfigureSqliteLibraryOnce();
    s->open(soci::sqlite3, SqliteConnectString(url.sqlite_path));
    ConfigureSqlite(*s, options);
  } else {
    // By name: SOCI loads its PostgreSQL backend (and libpq) on the first such open, so a process on SQLite
    // never maps them (cmake/OspreyDeps.cmake, soci::postgresql_linked).
    s->open("postgresql", url.postgres_conninfo);
    ConfigurePostgres(*s);
  }
  return s;
}

void Reconnect(soci::session& s) {
  s.reconnect();
  ConfigurePostgres(s);
}

bool IsBroken(soci::session& s, Engine engine) {
  if (engine == Engine::kSqlite) return false;
  PGconn* conn = PostgresHandle(s);
  return conn == nullptr || Libpq().status(conn) != CONNECTION_OK;
}

bool InTransaction(soci::session& s, Engine engine) {
  if (engine == Engine::kSqlite) return sqlite3_get_autocommit(SqliteHandle(s)) == 0;
  PGconn* conn = PostgresHandle(s);
  if (conn == nullptr) return false;
  const PGTransactionStatusType status = Libpq().transaction_status(conn);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool IsAborted(soci::session& s) {
  PGconn* conn = PostgresHandle(s);
  return conn != nullptr && Libpq().transaction_status(conn) == PQTRANS_INERROR;
}

void RollbackQuietly(soci::session& s, Engine engine) noexcept {
  try {
    if (InTransaction(s, engine)) s << "ROLLBACK";
  } catch (...) {  // NOLINT(bugprone-empty-catch): the original failure is what the caller reports
  }
}

void RegisterHexFunctions(soci::session& s) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  sqlite3* db = SqliteHandle(s);
  if (sqlite3_create_function_v2(db, "encode", 2, flags, nullptr, EncodeFunction, nullptr, nullptr,
                                 nullptr) != SQLITE_OK ||
      sqlite3_create_function_v2(db, "decode", 2, flags, nullptr, DecodeFunction, nullptr, nullptr,
                                 nullptr) != SQLITE_OK) {
    throw soci::sqlite3_soci_error("cannot register encode()/decode()", sqlite3_errcode(db));
  }
}

}  // namespace osprey::sql::internal

namespace osprey::sql {

void ResetStatement(soci::statement& st, Engine engine) {
  // static_cast: Debian's SOCI does not export the backends' typeinfo (see CMakeLists.txt), so no
  // dynamic_cast; the caller names the engine.
  if (engine == Engine::kSqlite) {
    sqlite_api::sqlite3_reset(static_cast<soci::sqlite3_statement_backend*>(st.get_backend())->stmt_);
  }
}

}  // namespace osprey::sql
