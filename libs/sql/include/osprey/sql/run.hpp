// Running a domain store's SQL work as a Status: exceptions from SOCI and the engine become kInternal errors
// named by `what` (e.g. "enqueue"), with SOCI's error message only — soci_error::what() would quote the
// bound values (message texts, numbers, hashes) into logs.
// Thread rule: as Database; any thread.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::sql {

// `work` inside one transaction (see Database::WithTransaction for retries and isolation).
Status RunTransaction(Database& db, std::string_view what, const std::function<void(soci::session&)>& work,
                      Isolation isolation = Isolation::kSerializable);

// `work` on one pooled session, without a transaction (inside a ReadScope of `db` on this thread: on the
// scope's session, in its read transaction).
Status RunRead(Database& db, std::string_view what, const std::function<void(soci::session&)>& work);

// On SQLite, every RunRead of `db` on this thread while the scope lives shares one leased session and one
// read transaction, i.e. one snapshot: a request that reads several tables pays once for what SQLite does at
// the start of each read transaction (a shared-memory lock taken with fcntl, the WAL header check, and the
// page cache dropped whenever another connection has committed) and once for the pool lease. The session is
// leased and the transaction begun at the first read. A snapshot does not see later commits: a write of this
// thread (Database::WithTransaction, RunTransaction) restarts the scope first, so that later reads see it;
// end or Restart the scope yourself before waiting for a write done elsewhere (another thread's commit) or
// before reading what such a write has changed. On PostgreSQL the scope does nothing (each read there is a
// round trip of its own either way, and a failed statement would abort a shared transaction).
// Thread rule: one thread; scopes of the same Database do not nest (the inner one does nothing).
class ReadScope {
 public:
  explicit ReadScope(Database& db);
  ~ReadScope();
  ReadScope(const ReadScope&) = delete;
  ReadScope& operator=(const ReadScope&) = delete;

  // Ends the read transaction and returns the session; later reads in the scope start a new snapshot.
  void Restart();
  // Ends the read transaction and returns the session; later reads run as without a scope.
  void End();

  // The active scope of `db` on this thread, or nullptr. For RunRead.
  static ReadScope* Active(Database& db);
  // The scope's session in its read transaction (leased and begun on the first call).
  Result<soci::session*> Enter();

 private:
  Database& db_;
  bool active_ = false;
  ReadScope* outer_ = nullptr;
  std::optional<Session> session_;
};

}  // namespace osprey::sql
