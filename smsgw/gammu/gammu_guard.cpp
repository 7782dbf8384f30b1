// AbortGuard (gammu_internal.hpp).
#include "smsgw/gammu/gammu_internal.hpp"

namespace osprey::smsgw::gammu {

AbortGuard::AbortGuard(GSM_StateMachine* sm, std::chrono::milliseconds limit) {
  thread_ = std::thread([this, sm, limit] {
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, limit, [this] { return done_; })) return;
    fired_ = true;
    GSM_AbortOperation(sm);
  });
}

AbortGuard::~AbortGuard() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool AbortGuard::fired() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fired_;
}

}  // namespace osprey::smsgw::gammu
