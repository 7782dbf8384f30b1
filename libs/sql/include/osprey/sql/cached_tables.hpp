// CachedTables<T>: an in-memory copy of tables that change rarely and are read on hot paths (the MFA server's
// policies, its SMS gateway definitions), shared by many threads.
//
// Every write to those tables bumps a generation number stored in the database, in the same transaction
// (the caller's schema keeps it, e.g. a one-row table). The copy is dropped at once after a write through
// this process (Changed()), and at most `interval` after a write by another process (the CLI, a second
// server on the same database): a reader that finds the copy older than `interval` reads the generation
// (one small read), and the tables are loaded again only when it moved. Meanwhile the other threads keep
// reading the copy they have. A failed load is logged and keeps serving the last good copy.
//
// Errors: Get() fails only when no copy was ever loaded and the database does not answer (the load's error).
// Ownership: refers to db and clock, which must outlive it. Thread rule: any thread, any member.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::sql {

namespace internal {
// Logs that `what` could not be loaded (the last good copy, if any, is served meanwhile).
void LogLoadFailure(std::string_view what, const Error& error, bool serving_old);
}  // namespace internal

template <typename T>
class CachedTables {
 public:
  // Both run inside one sql::RunRead; `load` fills a fresh T (exceptions become the load's error).
  using ReadGeneration = std::function<std::int64_t(soci::session&)>;
  using Load = std::function<void(soci::session&, T&)>;

  CachedTables(Database& db, const Clock& clock, std::chrono::milliseconds interval, std::string what,
               ReadGeneration read_generation, Load load)
      : db_(db),
        clock_(clock),
        interval_(interval),
        what_(std::move(what)),
        read_generation_(std::move(read_generation)),
        load_(std::move(load)) {}

  Result<std::shared_ptr<const T>> Get() const {
    std::shared_ptr<const Entry> entry;
    std::uint64_t local = 0;
    {
      std::lock_guard lock(mu_);
      entry = entry_;
      local = local_generation_;
      if (entry != nullptr) {
        const auto now = clock_.Now();
        if (now - checked_at_ < interval_) return Share(entry);
        checked_at_ = now;  // this thread checks; the others keep reading the copy meanwhile
      }
    }
    auto fresh = std::make_shared<Entry>();
    bool unchanged = false;
    const Status read = RunRead(db_, what_, [&](soci::session& s) {
      fresh->generation = read_generation_(s);
      unchanged = entry != nullptr && fresh->generation == entry->generation;
      if (!unchanged) load_(s, fresh->value);
    });
    if (!read.ok()) {
      internal::LogLoadFailure(what_, read.error(), entry != nullptr);
      if (entry != nullptr) return Share(entry);
      return read.error();
    }
    if (unchanged) return Share(entry);
    std::lock_guard lock(mu_);
    // A local write since this load began may not be in it: keep it only when there was none.
    if (local_generation_ == local) {
      entry_ = fresh;
      checked_at_ = clock_.Now();
    }
    return Share(std::move(fresh));
  }

  // After a write through this process: the next Get() loads the tables again.
  void Changed() const {
    std::lock_guard lock(mu_);
    entry_.reset();
    ++local_generation_;
  }

 private:
  struct Entry {
    std::int64_t generation = -1;
    T value;
  };

  static std::shared_ptr<const T> Share(std::shared_ptr<const Entry> entry) {
    const T* value = &entry->value;
    return std::shared_ptr<const T>(std::move(entry), value);
  }

  Database& db_;
  const Clock& clock_;
  const std::chrono::milliseconds interval_;
  const std::string what_;
  const ReadGeneration read_generation_;
  const Load load_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Entry> entry_;  // GUARDED_BY(mu_)
  mutable Clock::TimePoint checked_at_{};       // GUARDED_BY(mu_)
  mutable std::uint64_t local_generation_ = 0;  // GUARDED_BY(mu_): local writes so far
};

}  // namespace osprey::sql
