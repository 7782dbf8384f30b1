#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "engine.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/run.hpp"
#include "osprey/sql/transaction_serial.hpp"
#include "redact.hpp"

namespace osprey::sql {
namespace {

using std::chrono::microseconds;

constexpr microseconds kFirstDelay{1000};
constexpr microseconds kMaxDelay{100000};

enum class Outcome { kCommitted, kConflict, kConnectionLost };

// Exponential back-off with "equal jitter": half the step fixed, half random, so that two conflicting
// transactions drift apart instead of colliding again in lockstep.
microseconds BackoffDelay(int attempt) {
  const auto step = std::min(kMaxDelay.count(), kFirstDelay.count() << std::min(attempt, 16));
  thread_local std::minstd_rand rng{std::random_device{}()};
  std::uniform_int_distribution<long long> jitter(0, step / 2);
  return microseconds(step / 2 + jitter(rng));
}

void Begin(soci::session& s, Engine engine, Isolation isolation) {
  if (engine == Engine::kSqlite) {
    s << "BEGIN IMMEDIATE";  // takes the write lock now: SOCI's begin() would defer it to the first write
  } else if (isolation == Isolation::kSerializable) {
    s << "BEGIN ISOLATION LEVEL SERIALIZABLE";
  } else {
    s << "BEGIN ISOLATION LEVEL READ COMMITTED";
  }
}

// PostgreSQL answers COMMIT on a transaction whose statement failed with a silent ROLLBACK. That happens only
// when `work` swallowed the error, and reporting success then would lose its writes.
void Commit(soci::session& s, Engine engine) {
  if (engine == Engine::kPostgresql && internal::IsAborted(s)) {
    throw soci::soci_error("transaction aborted by a failed statement whose error was caught; rolled back");
  }
  s << "COMMIT";
}

thread_local std::uint64_t active_serial = 0;
thread_local std::uint64_t last_serial = 0;

// Marks this thread as inside one transaction attempt for CurrentTransactionSerial().
class SerialScope {
 public:
  SerialScope() : outer_(active_serial) { active_serial = ++last_serial; }
  ~SerialScope() { active_serial = outer_; }
  SerialScope(const SerialScope&) = delete;
  SerialScope& operator=(const SerialScope&) = delete;

 private:
  std::uint64_t outer_;
};

Outcome TryOnce(soci::session& s, Engine engine, Isolation isolation,
                const std::function<void(soci::session&)>& work, std::string* why) {
  const SerialScope serial;
  try {
    Begin(s, engine, isolation);
    work(s);
  } catch (const soci::soci_error& e) {
    internal::RollbackQuietly(s, engine);
    *why = internal::FirstLine(e.get_error_message());
    if (Database::IsRetryable(e)) return Outcome::kConflict;
    if (internal::IsBroken(s, engine)) return Outcome::kConnectionLost;  // nothing was committed
    throw;
  } catch (...) {
    internal::RollbackQuietly(s, engine);
    throw;
  }
  try {
    Commit(s, engine);
  } catch (const soci::soci_error& e) {
    internal::RollbackQuietly(s, engine);
    *why = internal::FirstLine(e.get_error_message());
    if (Database::IsRetryable(e)) return Outcome::kConflict;
    throw;  // includes a connection lost during COMMIT: whether it committed is unknown
  }
  return Outcome::kCommitted;
}

// The SQLite databases whose writer mutex this thread holds, innermost last. A nested transaction on one of
// them must not take it again: it meets SQLite's busy handler, as it did before there was a mutex.
thread_local std::vector<const Database*> writing;

struct WriterRegistry {
  std::mutex mu;
  std::map<const Database*, std::unique_ptr<std::mutex>> writers;  // GUARDED_BY(mu)
};

WriterRegistry& Writers() {
  static WriterRegistry* registry = new WriterRegistry;  // never destroyed: Databases may outlive statics
  return *registry;
}

// Held across one attempt of a write transaction on SQLite. The writers of one process queue here instead of
// meeting SQLITE_BUSY at BEGIN IMMEDIATE: SQLite's busy handler sleeps (1 ms, then 2, 5, 10 ms ...) and is
// not woken when the other writer commits, so two committers of the same file (the MFA server's and the
// gateway's) each spent milliseconds asleep, their whole batch waiting, about 150 times a second under load.
// Writers in other processes (the CLI) still meet the busy handler.
class WriterLock {
 public:
  WriterLock(const Database* db, Engine engine) {
    if (engine != Engine::kSqlite || std::find(writing.begin(), writing.end(), db) != writing.end()) return;
    lock_ = std::unique_lock(internal::SqliteWriterOf(db));
    writing.push_back(db);
  }
  ~WriterLock() {
    if (lock_.owns_lock()) writing.pop_back();
  }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace

std::mutex& internal::SqliteWriterOf(const Database* db) {
  WriterRegistry& r = Writers();
  std::lock_guard lock(r.mu);
  std::unique_ptr<std::mutex>& writer = r.writers[db];
  if (writer == nullptr) writer = std::make_unique<std::mutex>();
  return *writer;
}

void internal::ForgetSqliteWriter(const Database* db) {
  WriterRegistry& r = Writers();
  std::lock_guard lock(r.mu);
  r.writers.erase(db);
}

std::uint64_t CurrentTransactionSerial() { return active_serial; }

Status Database::WithTransaction(const std::function<void(soci::session&)>& work, Isolation isolation) {
  // A read scope of this thread gives its session back first (the pool could otherwise run dry with every
  // session held by a scope whose thread waits here for another), and its later reads see this write.
  if (ReadScope* reads = ReadScope::Active(*this)) reads->Restart();
  std::string why;
  for (int attempt = 0;; ++attempt) {
    {
      const WriterLock writer(this, engine_);  // before the lease: a queued writer holds no session
      auto lease = Acquire();                  // reconnects a session whose connection was lost
      if (!lease.ok()) return lease.error();
      if (TryOnce(lease->get(), engine_, isolation, work, &why) == Outcome::kCommitted) return OkStatus();
    }
    if (attempt >= options_.max_retries) {
      return Error(ErrorCode::kUnavailable,
                   "transaction abandoned after " + std::to_string(attempt) + " retries: " + why);
    }
    std::this_thread::sleep_for(BackoffDelay(attempt));
  }
}

bool Database::IsRetryable(const soci::soci_error& e) {
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    const int primary =
        lite->result() & 0xff;  // extended codes (SQLITE_BUSY_SNAPSHOT, ...) share the low byte
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
  }
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string state = pg->sqlstate();
    return state == "40001" || state == "40P01";  // serialization_failure, deadlock_detected
  }
  return false;
}

}  // namespace osprey::sql
