#include "mfa/audit/audit_rotator.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace osprey::mfa::audit {

AuditRotator::AuditRotator(AuditLog& log, RetentionOptions options, std::chrono::milliseconds interval)
    : log_(log), options_(std::move(options)), interval_(interval) {}

AuditRotator::~AuditRotator() { Stop(); }

void AuditRotator::Start() {
  if (!options_.max_age && !options_.max_rows) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void AuditRotator::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int AuditRotator::runs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_;
}

Result<RotateReport> AuditRotator::RunOnce() {
  RetentionOptions options = options_;
  options.stop = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;
  };
  auto report = log_.Rotate(options);
  if (!report.ok()) {
    spdlog::warn("audit: retention failed, retrying in {} s: {}", interval_.count() / 1000,
                 report.error().ToString());
  } else if (report->deleted > 0) {
    spdlog::info("audit: retention deleted {} entries in {} batch(es)", report->deleted, report->batches);
  }
  return report;
}

void AuditRotator::Loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
    (void)RunOnce();
    std::lock_guard<std::mutex> lock(mu_);
    ++runs_;
  }
}

}  // namespace osprey::mfa::audit
