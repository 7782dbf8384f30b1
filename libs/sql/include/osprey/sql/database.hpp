// Database: a pool of SOCI sessions on SQLite or PostgreSQL, chosen by URL, with transactions that retry on
// SQLITE_BUSY and on serialization failures / deadlocks.
//
// Thread rule: a Database is shared by all threads; a Session lease and a soci::session belong to the one
// thread that acquired them until the lease is released.
//
// Portable SQL through a session, beyond the placeholders of migrations.hpp:
//   - binary ({{blob}}) values: bind osprey::HexEncode(bytes) and write `decode(:v, 'hex')`; select
//     `encode(col, 'hex')` and osprey::HexDecode it. PostgreSQL has both functions; Osprey registers the same
//     two on every SQLite connection. (SOCI 4.0.3 binds std::string as text, which PostgreSQL rejects for
//     non-UTF-8 bytes, and maps soci::blob to PostgreSQL large objects, not BYTEA.)
//   - {{bool}} columns: compare with TRUE / FALSE or a bound int, never with the literals 1 / 0.
//   - new ids: `INSERT ... RETURNING id` with into(long long) works on both engines.
// soci_error::what() quotes the statement and its bound values; log get_error_message() when values may be
// secret.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <soci/soci.h>

#include "osprey/core/result.hpp"

namespace osprey::sql {

enum class Engine { kSqlite, kPostgresql };

// Parsed form of a database URL.
//   sqlite:///abs/path/osprey.db   sqlite://relative/path.db   sqlite::memory: (tests)
//   postgresql://user:pass@host:port/dbname?param=value   (also postgres://)
// Errors: kInvalidArgument naming the scheme when it is unknown, or for an empty path / host part.
struct DatabaseUrl {
  Engine engine = Engine::kSqlite;
  std::string sqlite_path;  // for kSqlite; ":memory:" for sqlite::memory:
  // For kPostgresql: the URL as a libpq connection URI, with `application_name=osprey` added unless the URL
  // names one. (SOCI 4.0.3 appends '=' to a connect string that contains none, which breaks a bare URI.)
  std::string postgres_conninfo;
};
Result<DatabaseUrl> ParseDatabaseUrl(const std::string& url);

// Returns the URL with any password replaced by "***", for logs and error messages.
std::string RedactDatabaseUrl(const std::string& url);

struct DatabaseOptions {
  // Sessions opened eagerly. sqlite::memory: always uses 1: every SQLite connection to :memory: is a database
  // of its own.
  std::size_t pool_size = 8;
  // SQLite: PRAGMA synchronous (OFF, NORMAL, FULL or EXTRA). "NORMAL" survives a process crash in WAL mode;
  // "FULL" survives power loss.
  std::string sqlite_synchronous = "NORMAL";
  std::chrono::milliseconds sqlite_busy_timeout{5000};
  // SQLite: page cache of each pooled connection, in KiB (PRAGMA cache_size = -N). In WAL mode a connection
  // drops its cache at the start of a read whenever another connection has committed, so under a steady
  // write load a large cache holds pages that are never read again; SQLite's own default is 2000.
  int sqlite_cache_kib = 512;
  // SQLite file databases: WAL pages that start a checkpoint on a background thread (with a connection of its
  // own) instead of inside the commit that crossed SQLite's default of 1000; see src/checkpointer.hpp.
  // 0 = SQLite's own automatic checkpoint in the committing thread.
  int sqlite_checkpoint_pages = 1000;
  // How long Acquire() waits for a free session before failing with kUnavailable.
  std::chrono::milliseconds acquire_timeout{10000};
  // Transaction retries on busy / serialization failure / deadlock / a connection lost before commit.
  int max_retries = 8;
};

class Database;

// A session leased from the pool; returned on destruction. Movable, not copyable.
// REQUIRES: the Database outlives the lease.
class Session {
 public:
  Session(Database* db, std::unique_ptr<soci::session> s) : db_(db), s_(std::move(s)) {}
  Session(Session&&) noexcept = default;
  Session& operator=(Session&& other) noexcept;  // first gives the session it held back to the pool
  ~Session();
  soci::session& operator*() { return *s_; }
  soci::session* operator->() { return s_.get(); }
  soci::session& get() { return *s_; }

 private:
  void Reset() noexcept;

  Database* db_;
  std::unique_ptr<soci::session> s_;
};

// Ends the current execution of a prepared statement that is kept for reuse (SQLite: sqlite3_reset, which
// releases what a statement stopped before its last row holds; PostgreSQL: nothing to do).
void ResetStatement(soci::statement& st, Engine engine);

// Transaction isolation on PostgreSQL. SQLite write transactions are always serial (BEGIN IMMEDIATE).
enum class Isolation {
  // The default: concurrent read-modify-write (a HOTP counter, a failure count) behaves as on SQLite; a
  // conflicting transaction fails with SQLSTATE 40001 and WithTransaction runs it again.
  kSerializable,
  // Each statement sees what was committed before it started. For work that waits for a lock and must then
  // read what the lock's previous holder wrote (migrations under an advisory lock).
  kReadCommitted,
};

class Database {
 public:
  // Opens the pool (all sessions connected eagerly, SQLite pragmas applied: journal_mode=WAL, synchronous,
  // busy_timeout, foreign_keys=ON). Errors: kInvalidArgument for a bad URL or option, kUnavailable when the
  // database cannot be opened or reached. The message never contains a password.
  static Result<std::unique_ptr<Database>> Open(const std::string& url, const DatabaseOptions& options = {});
  // REQUIRES: every Session lease has been released.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Engine engine() const { return engine_; }

  // Leases a session; kUnavailable after options.acquire_timeout, or when a PostgreSQL session found
  // disconnected cannot be reconnected. Once any session has been seen disconnected (server restarted), every
  // other one is pinged at its next lease and reconnected if need be. Use it directly for reads, which need
  // no transaction.
  Result<Session> Acquire();

  // Runs `work` inside a transaction on a leased session and commits. If `work` or the commit throws a
  // soci::soci_error that is a transient conflict (SQLITE_BUSY/LOCKED, SQLSTATE 40001/40P01), or the
  // PostgreSQL connection is lost before the commit, the transaction is rolled back (the session reconnected)
  // and retried with jittered exponential back-off, up to options.max_retries times. `work` must therefore
  // be safe to run again. Any other exception rolls back and propagates, as does a connection lost during
  // the commit (its outcome is unknown). SQLite transactions start with BEGIN IMMEDIATE so that write
  // conflicts surface at the start, not at commit. Errors: kUnavailable when no session is free or the
  // retries are used up.
  Status WithTransaction(const std::function<void(soci::session&)>& work,
                         Isolation isolation = Isolation::kSerializable);

  // True if the exception is a transient conflict worth retrying.
  static bool IsRetryable(const soci::soci_error& e);

  // An object that belongs to one pooled SQLite connection and is kept across leases: prepared statements
  // and the variables they are bound to, so that a hot statement is compiled once per connection instead of
  // on every use. `make` builds it on the first call for that connection; `key` tells kinds of object apart
  // (use the address of a static). It lives until the Database closes. On PostgreSQL, where a reconnect
  // would invalidate it, this returns nullptr and the caller prepares per use. A kept statement must be
  // reset after each use (ResetStatement), or it would hold the connection's read snapshot open.
  // REQUIRES: `s` is a session of this Database leased by the calling thread, which alone uses the object
  // until it gives the lease back.
  template <class T>
  T* SessionLocal(soci::session& s, const void* key,
                  const std::function<std::unique_ptr<T>(soci::session&)>& make) {
    return static_cast<T*>(SessionLocalImpl(
        s, key, [&](soci::session& session) -> std::shared_ptr<void> { return make(session); }));
  }

 private:
  void* SessionLocalImpl(soci::session& s, const void* key,
                         const std::function<std::shared_ptr<void>(soci::session&)>& make);
  friend class Session;
  struct Pool;
  Database(Engine engine, std::unique_ptr<Pool> pool, DatabaseOptions options);
  Status EnsureConnected(soci::session& s, bool verify);
  void Release(std::unique_ptr<soci::session> s);

  Engine engine_;
  std::unique_ptr<Pool> pool_;
  DatabaseOptions options_;
};

}  // namespace osprey::sql
