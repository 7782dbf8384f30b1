// StaleFlusher: a thread that runs InboxStore::FlushStale every `interval` (real time), so that a multipart
// message whose missing parts never come still reaches the inbox once the reassembly timeout has passed.
// Ownership: refers to the InboxStore and the Clock, which must outlive it.
// Thread rule: Start, Stop and the destructor from one owning thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "osprey/core/clock.hpp"
#include "smsgw/inbox/inbox_store.hpp"

namespace osprey::smsgw::inbox {

class StaleFlusher {
 public:
  // `on_new` (may be empty) runs after a flush that created messages (e.g. Notifier::Wake).
  StaleFlusher(InboxStore& inbox, const Clock& clock, std::chrono::milliseconds interval,
               std::function<void()> on_new = {});
  ~StaleFlusher();  // stops first
  StaleFlusher(const StaleFlusher&) = delete;
  StaleFlusher& operator=(const StaleFlusher&) = delete;

  void Start();  // idempotent
  void Stop();   // idempotent

 private:
  void Loop();

  InboxStore& inbox_;
  const Clock& clock_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> on_new_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace osprey::smsgw::inbox
