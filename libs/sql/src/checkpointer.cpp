#include "checkpointer.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>

#include <spdlog/spdlog.h>

#include "engine.hpp"

namespace osprey::sql::internal {
namespace {

using namespace sqlite_api;  // SOCI wraps <sqlite3.h> in this namespace; the macros expect it.

sqlite3* Handle(soci::session& s) {
  return static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
}

int WalHook(void* self, sqlite3* db, const char* /*schema*/, int pages) {
  return Checkpointer::OnWalCommit(self, db, pages);
}

}  // namespace

Checkpointer::Checkpointer(const DatabaseUrl& url, const DatabaseOptions& options, int wake_pages)
    : wake_pages_(wake_pages), session_(OpenSession(url, options)) {
  thread_ = std::thread([this] { Run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void Checkpointer::Attach(soci::session& s) { sqlite3_wal_hook(Handle(s), WalHook, this); }

int Checkpointer::OnWalCommit(void* self, void* db, int pages) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  if (pages >= 8 * checkpointer->wake_pages_) {
    // The thread fell behind: do what SQLite's own autocheckpoint would have done, on this session.
    sqlite3_wal_checkpoint_v2(static_cast<sqlite3*>(db), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
  } else if (pages >= checkpointer->wake_pages_ && !checkpointer->due_.exchange(true)) {
    checkpointer->Wake();
  }
  return SQLITE_OK;
}

void Checkpointer::Wake() {
  {
    std::lock_guard lock(mu_);
  }  // pairs with the wait: a wake-up between its check and its sleep is not lost
  cv_.notify_one();
}

void Checkpointer::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || due_.load(); });
    if (stop_) return;
    due_ = false;  // commits during the checkpoint may ask for the next one
    lock.unlock();
    const int rc =
        sqlite3_wal_checkpoint_v2(Handle(*session_), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("sqlite: background WAL checkpoint failed: {}", sqlite3_errstr(rc));
    }
    lock.lock();
    // At most 50 checkpoints a second: while a reader pins old frames the WAL cannot restart, and every
    // commit would ask again at once.
    if (cv_.wait_for(lock, std::chrono::milliseconds(20), [&] { return stop_; })) return;
  }
}

}  // namespace osprey::sql::internal
