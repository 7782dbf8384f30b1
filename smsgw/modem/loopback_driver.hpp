// LoopbackDriver: a modem that exists only in memory, for tests and demos. Every submission completes after a
// configurable delay; it can be told to fail, to answer nothing (unknown outcome), and to emit delivery
// reports. It records every Submit call so that tests can check that each part went out exactly once.
//
// Parameters (DriverConfig::params): "delay_ms" (default 0); "report_after_ms" (default: none): when set,
// every accepted part that asked for a report gets one from the driver's own thread that many milliseconds
// later, with TP-ST "report_status" (default 0, delivered); "record_file" (default: none): every accepted
// submission appends one JSON line {"message_id":…,"part":…,"number":"…","mr":…} to that file with one
// O_APPEND write(2) before Submit returns, so that a test can see every part that went out even across a
// SIGKILL of the process (the write is in the page cache when Submit returns; there is no fsync, so the file
// survives a process crash, not a power loss). Thread rule: as ModemDriver; in addition the test
// controls (FailNext..., EmitDeliveryReport) and the inspectors (Records, AcceptedCount) may be called from
// any thread at any time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "smsgw/modem/driver.hpp"

namespace osprey::smsgw::modem {

class LoopbackDriver final : public ModemDriver {
 public:
  // One Submit call and what it answered.
  struct Record {
    OutgoingPart part;
    bool accepted = false;
    int message_reference = -1;  // -1 when not accepted
  };

  // kInvalidArgument when "delay_ms" is not a non-negative integer.
  static Result<std::unique_ptr<ModemDriver>> Create(const DriverConfig& config);
  LoopbackDriver(int modem_no, std::chrono::milliseconds delay,
                 std::optional<std::chrono::milliseconds> report_after = std::nullopt, int report_status = 0);
  ~LoopbackDriver() override;

  int modem_no() const override { return modem_no_; }
  SubmitResult Submit(const OutgoingPart& part) override;
  ModemHealth Health() override;
  void SetListener(ModemListener* listener) override;

  // Appends a line per accepted submission to `path` (created if missing; see "record_file"). Call before
  // the driver is used. kUnavailable when the file cannot be opened.
  Status RecordSubmissionsTo(const std::string& path);

  // The next `n` submissions fail with +CMS ERROR `cms_error`, classed as the spec's table says.
  void FailNext(int n, int cms_error);
  // The next `n` submissions get no answer (SubmitErrorClass::kUnknown).
  void TimeOutNext(int n);
  // Reports TP-ST `tp_status` for the accepted part with this TP-MR (the newest one) to the listener.
  // Returns false when no accepted part has that MR or no listener is set.
  bool EmitDeliveryReport(int message_reference, int tp_status, Clock::TimePoint at);

  std::vector<Record> Records() const;
  std::size_t AcceptedCount() const;

 private:
  struct PendingReport {
    std::chrono::steady_clock::time_point due;
    int message_reference = 0;
  };
  void ReportLoop();

  const int modem_no_;
  const std::chrono::milliseconds delay_;
  const std::optional<std::chrono::milliseconds> report_after_;
  const int report_status_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<PendingReport> pending_reports_;  // GUARDED_BY(mu_), by due time
  bool stopping_ = false;                       // GUARDED_BY(mu_)
  std::thread reporter_;
  std::vector<Record> records_;        // GUARDED_BY(mu_)
  int next_mr_ = 0;                    // GUARDED_BY(mu_)
  int fail_count_ = 0;                 // GUARDED_BY(mu_)
  int fail_cms_ = 0;                   // GUARDED_BY(mu_)
  int timeout_count_ = 0;              // GUARDED_BY(mu_)
  ModemListener* listener_ = nullptr;  // GUARDED_BY(mu_)
  int record_fd_ = -1;                 // GUARDED_BY(mu_): the record_file, or -1
};

}  // namespace osprey::smsgw::modem
