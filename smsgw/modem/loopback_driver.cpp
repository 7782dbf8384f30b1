#include "smsgw/modem/loopback_driver.hpp"

#include <charconv>
#include <thread>

namespace osprey::smsgw::modem {

Result<std::unique_ptr<ModemDriver>> LoopbackDriver::Create(const DriverConfig& config) {
  long long delay_ms = 0;
  if (auto it = config.params.find("delay_ms"); it != config.params.end()) {
    const std::string& v = it->second;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), delay_ms);
    if (ec != std::errc() || end != v.data() + v.size() || delay_ms < 0) {
      return Error(ErrorCode::kInvalidArgument, "loopback: delay_ms must be a non-negative integer");
    }
  }
  return std::unique_ptr<ModemDriver>(
      std::make_unique<LoopbackDriver>(config.modem_no, std::chrono::milliseconds(delay_ms)));
}

LoopbackDriver::LoopbackDriver(int modem_no, std::chrono::milliseconds delay)
    : modem_no_(modem_no), delay_(delay) {}

SubmitResult LoopbackDriver::Submit(const OutgoingPart& part) {
  // The delay stands for radio time, so it is real time and taken outside the lock.
  if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
  std::lock_guard lock(mu_);
  Record record{part, false, -1};
  if (timeout_count_ > 0) {
    --timeout_count_;
    records_.push_back(record);
    return SubmitFailure{SubmitErrorClass::kUnknown, std::nullopt, "loopback: no answer"};
  }
  if (fail_count_ > 0) {
    --fail_count_;
    records_.push_back(record);
    return SubmitFailure{ClassifyCmsError(fail_cms_), fail_cms_,
                         "loopback: +CMS ERROR: " + std::to_string(fail_cms_)};
  }
  record.accepted = true;
  record.message_reference = next_mr_;
  next_mr_ = (next_mr_ + 1) % 256;
  records_.push_back(record);
  return SubmitOutcome{record.message_reference, part.request_report};
}

ModemHealth LoopbackDriver::Health() { return ModemHealth{true, 100, "Loopback", ""}; }

void LoopbackDriver::SetListener(ModemListener* listener) {
  std::lock_guard lock(mu_);
  listener_ = listener;
}

void LoopbackDriver::FailNext(int n, int cms_error) {
  std::lock_guard lock(mu_);
  fail_count_ = n;
  fail_cms_ = cms_error;
}

void LoopbackDriver::TimeOutNext(int n) {
  std::lock_guard lock(mu_);
  timeout_count_ = n;
}

bool LoopbackDriver::EmitDeliveryReport(int message_reference, int tp_status, Clock::TimePoint at) {
  DeliveryReport report;
  ModemListener* listener = nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = records_.rbegin();
    while (it != records_.rend() && !(it->accepted && it->message_reference == message_reference)) ++it;
    if (it == records_.rend() || listener_ == nullptr) return false;
    report = DeliveryReport{modem_no_, message_reference, it->part.number, tp_status, at};
    listener = listener_;
  }
  // Called without the lock: the listener may call back into the driver's inspectors.
  listener->OnDeliveryReport(report);
  return true;
}

std::vector<LoopbackDriver::Record> LoopbackDriver::Records() const {
  std::lock_guard lock(mu_);
  return records_;
}

std::size_t LoopbackDriver::AcceptedCount() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& r : records_) n += r.accepted ? 1 : 0;
  return n;
}

}  // namespace osprey::smsgw::modem
