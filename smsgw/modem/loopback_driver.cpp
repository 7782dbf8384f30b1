#include "smsgw/modem/loopback_driver.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

namespace osprey::smsgw::modem {

namespace {

// The parameter `key` as a non-negative integer; nullopt when absent.
Result<std::optional<long long>> IntParam(const DriverConfig& config, const std::string& key) {
  auto it = config.params.find(key);
  if (it == config.params.end()) return std::optional<long long>();
  const std::string& v = it->second;
  long long value = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (ec != std::errc() || end != v.data() + v.size() || value < 0) {
    return Error(ErrorCode::kInvalidArgument, "loopback: " + key + " must be a non-negative integer");
  }
  return std::optional<long long>(value);
}

// One record_file line. Numbers reach the driver normalised, but quote anything unusual all the same.
std::string RecordLine(const OutgoingPart& part, int mr) {
  std::string number;
  for (char c : part.number) {
    if (c == '"' || c == '\\') number += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) number += c;
  }
  return "{\"message_id\":" + std::to_string(part.message_id) + ",\"part\":" + std::to_string(part.part_no) +
         ",\"number\":\"" + number + "\",\"mr\":" + std::to_string(mr) + "}\n";
}

}  // namespace

Result<std::unique_ptr<ModemDriver>> LoopbackDriver::Create(const DriverConfig& config) {
  for (const auto& [key, value] : config.params) {
    if (key != "delay_ms" && key != "report_after_ms" && key != "report_status" && key != "record_file") {
      return Error(ErrorCode::kInvalidArgument,
                   "loopback: unknown parameter '" + key +
                       "' (delay_ms, report_after_ms, report_status, record_file)");
    }
  }
  auto delay = IntParam(config, "delay_ms");
  if (!delay.ok()) return delay.error();
  auto report_after = IntParam(config, "report_after_ms");
  if (!report_after.ok()) return report_after.error();
  auto report_status = IntParam(config, "report_status");
  if (!report_status.ok()) return report_status.error();
  if (report_status->value_or(0) > 255) {
    return Error(ErrorCode::kInvalidArgument, "loopback: report_status must be a TP-ST value 0..255");
  }
  std::optional<std::chrono::milliseconds> after;
  if (*report_after) after = std::chrono::milliseconds(**report_after);
  auto driver =
      std::make_unique<LoopbackDriver>(config.modem_no, std::chrono::milliseconds(delay->value_or(0)), after,
                                       static_cast<int>(report_status->value_or(0)));
  if (auto file = config.params.find("record_file"); file != config.params.end()) {
    if (file->second.empty()) return Error(ErrorCode::kInvalidArgument, "loopback: record_file is empty");
    if (Status st = driver->RecordSubmissionsTo(file->second); !st.ok()) return st.error();
  }
  return std::unique_ptr<ModemDriver>(std::move(driver));
}

Status LoopbackDriver::RecordSubmissionsTo(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error(ErrorCode::kUnavailable,
                 "loopback: cannot open record_file " + path + ": " + std::strerror(errno));
  }
  std::lock_guard lock(mu_);
  if (record_fd_ >= 0) ::close(record_fd_);
  record_fd_ = fd;
  return OkStatus();
}

LoopbackDriver::LoopbackDriver(int modem_no, std::chrono::milliseconds delay,
                               std::optional<std::chrono::milliseconds> report_after, int report_status)
    : modem_no_(modem_no), delay_(delay), report_after_(report_after), report_status_(report_status) {
  if (report_after_) reporter_ = std::thread([this] { ReportLoop(); });
}

LoopbackDriver::~LoopbackDriver() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (reporter_.joinable()) reporter_.join();
  if (record_fd_ >= 0) ::close(record_fd_);
}

void LoopbackDriver::ReportLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (pending_reports_.empty()) {
      cv_.wait(lock, [&] { return stopping_ || !pending_reports_.empty(); });
      continue;
    }
    const PendingReport next = pending_reports_.front();
    if (std::chrono::steady_clock::now() < next.due) {
      cv_.wait_until(lock, next.due);
      continue;
    }
    pending_reports_.erase(pending_reports_.begin());
    lock.unlock();
    (void)EmitDeliveryReport(next.message_reference, report_status_, SystemClock().Now());
    lock.lock();
  }
}

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
  if (record_fd_ >= 0) {
    // One write(2) per line with O_APPEND: lines from several drivers sharing the file never interleave.
    // A short write may have recorded part of the line, so the outcome is unknown, as for a real modem.
    const std::string line = RecordLine(part, next_mr_);
    if (::write(record_fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      records_.push_back(record);
      return SubmitFailure{SubmitErrorClass::kUnknown, std::nullopt, "loopback: record_file write failed"};
    }
  }
  record.accepted = true;
  record.message_reference = next_mr_;
  next_mr_ = (next_mr_ + 1) % 256;
  records_.push_back(record);
  if (report_after_ && part.request_report) {
    // Due times only grow (one delay for all), so appending keeps the list sorted.
    pending_reports_.push_back({std::chrono::steady_clock::now() + *report_after_, record.message_reference});
    cv_.notify_all();
  }
  return SubmitOutcome{record.message_reference, part.request_report};
}

ModemHealth LoopbackDriver::Health() {
  ModemHealth h;
  h.online = true;
  h.signal_percent = 100;
  h.network = "Loopback";
  h.sim_status = "Operational";
  h.registration = "Registered Home";
  h.imei = "35000000000000" + std::to_string(modem_no_ % 10);
  h.imsi = "00101000000000" + std::to_string(modem_no_ % 10);
  return h;
}

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
