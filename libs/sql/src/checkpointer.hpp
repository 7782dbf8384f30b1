// Checkpointer: moves SQLite's WAL checkpoints off the committing thread. Internal to osprey_sql.
//
// By default SQLite checkpoints inside the COMMIT that takes the WAL past 1000 pages: that writer, and every
// writer queued behind it, waits while pages are copied into the database file. Under a steady stream of
// small commits (the gateway's send path) that was the largest cause of tail latency (docs/performance.md).
// Instead, every pooled session gets a WAL hook that wakes this object's thread once the WAL holds
// `wake_pages`; the thread runs a PASSIVE checkpoint on a connection of its own, which never blocks readers
// or writers. Should the thread fall behind (WAL at 8 × `wake_pages`), the committing session checkpoints
// itself, as SQLite would have, so the WAL stays bounded.
//
// Ownership: owns its session and thread. Sessions given to Attach() must be closed before it is destroyed.
// Thread rule: Attach() from one thread at a time; the hooks run on whatever thread commits.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <soci/soci.h>

#include "osprey/sql/database.hpp"

namespace osprey::sql::internal {

class Checkpointer {
 public:
  // Opens the checkpointer's own session (throws soci::soci_error like OpenSession) and starts its thread.
  Checkpointer(const DatabaseUrl& url, const DatabaseOptions& options, int wake_pages);
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  ~Checkpointer();

  // Replaces SQLite's automatic checkpoint on `s` (a SQLite session) with this object's hook.
  void Attach(soci::session& s);

  // The WAL hook's body: `self` is the Checkpointer, `db` the committing sqlite3 connection.
  static int OnWalCommit(void* self, void* db, int pages);

 private:
  void Wake();
  void Run();

  const int wake_pages_;
  std::unique_ptr<soci::session> session_;
  std::atomic<bool> due_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace osprey::sql::internal
