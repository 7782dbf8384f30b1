// AuditRotator: the periodic retention of `osprey serve`: a thread that calls AuditLog::Rotate every
// `interval` (real time) with the configured limits and logs what it deleted. The first run comes one
// interval after Start. With neither limit set it never rotates (Start does not start a thread).
// Rotation failures are logged (warn) and retried at the next interval.
// Ownership: refers to the AuditLog, which must outlive it.
// Thread rule: Start, Stop, RunOnce and the destructor from one owning thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "mfa/audit/audit_log.hpp"

namespace osprey::mfa::audit {

class AuditRotator {
 public:
  AuditRotator(AuditLog& log, RetentionOptions options, std::chrono::milliseconds interval);
  ~AuditRotator();  // stops first
  AuditRotator(const AuditRotator&) = delete;
  AuditRotator& operator=(const AuditRotator&) = delete;

  void Start();  // idempotent
  void Stop();   // idempotent; returns once a rotation in progress has finished its current batch run
  // One rotation now, on the calling thread (what the thread does each interval); logs like the thread.
  Result<RotateReport> RunOnce();
  // Rotations the thread has completed (successfully or not), for tests and metrics.
  int runs() const;

 private:
  void Loop();

  AuditLog& log_;
  const RetentionOptions options_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  int runs_ = 0;           // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace osprey::mfa::audit
