#include "smsgw/inbox/stale_flusher.hpp"

#include <spdlog/spdlog.h>

namespace osprey::smsgw::inbox {

StaleFlusher::StaleFlusher(InboxStore& inbox, const Clock& clock, std::chrono::milliseconds interval,
                           std::function<void()> on_new)
    : inbox_(inbox), clock_(clock), interval_(interval), on_new_(std::move(on_new)) {}

StaleFlusher::~StaleFlusher() { Stop(); }

void StaleFlusher::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void StaleFlusher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StaleFlusher::Loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
    auto flushed = inbox_.FlushStale(clock_.Now());
    if (!flushed.ok()) {
      spdlog::warn("inbox: cannot join stale parts: {}", flushed.error().ToString());
    } else if (*flushed > 0) {
      spdlog::info("inbox: joined {} incomplete multipart message(s) after the reassembly timeout", *flushed);
      if (on_new_) on_new_();
    }
  }
}

}  // namespace osprey::smsgw::inbox
