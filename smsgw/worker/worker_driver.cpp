#include "smsgw/worker/worker_driver.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <algorithm>

namespace osprey::smsgw::worker {
namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

const char* WorkerStateName(WorkerState state) {
  switch (state) {
    case WorkerState::kStarting: return "starting";
    case WorkerState::kReady: return "ready";
    case WorkerState::kBackoff: return "backoff";
    case WorkerState::kStopped: return "stopped";
  }
  return "stopped";
}

WorkerDriver::WorkerDriver(WorkerOptions options)
    : options_(std::move(options)), backoff_(options_.backoff_initial) {
  if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::runtime_error("worker driver: pipe2 failed");
  status_.last_error = "worker starting";
  events_thread_ = std::thread([this] { EventLoop(); });
  supervisor_ = std::thread([this] { SuperviseLoop(); });
}

WorkerDriver::~WorkerDriver() {
  Stop();
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

void WorkerDriver::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  events_cv_.notify_all();
  Wake();
  if (supervisor_.joinable()) supervisor_.join();
  if (events_thread_.joinable()) events_thread_.join();
}

void WorkerDriver::Wake() {
  const char byte = 1;
  ssize_t ignored = ::write(wake_pipe_[1], &byte, 1);  // a full pipe already wakes the reader
  (void)ignored;
}

Clock::TimePoint WorkerDriver::Now() const {
  return options_.clock != nullptr ? options_.clock->Now() : system_clock_.Now();
}

// ---- the Submit path ----

modem::SubmitResult WorkerDriver::Submit(const modem::OutgoingPart& part) {
  const milliseconds bound = milliseconds(options_.configure.submit_timeout_ms) + options_.submit_margin;
  std::unique_lock lock(mu_);
  if (!ready_ || stopping_ || !link_ || outstanding_) {
    return modem::SubmitFailure{modem::SubmitErrorClass::kTransient, std::nullopt, "modem offline"};
  }
  if (health_ && !health_->online) {
    return modem::SubmitFailure{modem::SubmitErrorClass::kTransient, std::nullopt,
                                "modem offline: " + health_->last_error};
  }
  auto out = std::make_unique<Outstanding>();
  out->id = next_id_++;
  out->link = link_;
  out->deadline = SteadyClock::now() + bound;
  Outstanding* mine = out.get();
  outstanding_ = std::move(out);
  // The supervisor sleeps until its next deadline; wake it only when this submit's hang bound comes first
  // (with the default settings it never does: the bound exceeds 3 heartbeats).
  if (supervisor_wake_at_ && mine->deadline < *supervisor_wake_at_) {
    supervisor_wake_at_.reset();
    Wake();
  }
  lock.unlock();

  const Status written = mine->link->process->WriteLine(
      Encode(GatewayMessage(worker::Submit{mine->id, part})), options_.write_timeout);
  lock.lock();
  if (!written.ok()) {
    std::unique_ptr<Outstanding> failed = std::move(outstanding_);
    // The worker's end is closed: nobody read the line. A timeout leaves a partial line in a hung worker,
    // which the supervisor kills; it cannot have reached the modem either, but stay on the safe side.
    if (written.error().code() == ErrorCode::kUnavailable) {
      return modem::SubmitFailure{modem::SubmitErrorClass::kTransient, std::nullopt, "modem offline"};
    }
    kill_link_ = failed->link;
    Wake();
    return modem::SubmitFailure{modem::SubmitErrorClass::kUnknown, std::nullopt, "worker not answering"};
  }
  // The supervisor ends a worker that misses `bound`; the extra second only guards against a stuck
  // supervisor.
  const bool done = cv_.wait_until(lock, mine->deadline + options_.write_timeout + milliseconds(1000), [&] {
    return mine->result.has_value() || mine->link->ended || stopping_;
  });
  std::unique_ptr<Outstanding> finished = std::move(outstanding_);
  if (done && mine->result) return *mine->result;
  const std::string why = !done ? "worker did not answer" : status_.last_error;
  return modem::SubmitFailure{modem::SubmitErrorClass::kUnknown, std::nullopt,
                              "outcome unknown: " + (why.empty() ? std::string("worker stopped") : why)};
}

modem::ModemHealth WorkerDriver::Health() {
  std::lock_guard lock(mu_);
  modem::ModemHealth h = health_.value_or(modem::ModemHealth{});
  if (!ready_) {
    h.online = false;
    h.last_error = status_.last_error.empty() ? "worker not ready" : status_.last_error;
  }
  return h;
}

void WorkerDriver::SetListener(modem::ModemListener* listener) {
  std::unique_lock lock(mu_);
  listener_ = listener;
  // The old listener may be destroyed once this returns: wait for calls into it to finish.
  cv_.wait(lock, [&] { return listener_calls_ == 0; });
}

WorkerStatus WorkerDriver::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

// ---- events ----

void WorkerDriver::EventLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    events_cv_.wait(lock, [&] { return stopping_ || !events_.empty(); });
    if (stopping_) return;  // unstored events stay on the SIM; the next worker offers them again
    std::unique_ptr<Event> event = std::move(events_.front());
    events_.pop_front();
    modem::ModemListener* listener = listener_;
    if (listener == nullptr || event->link->ended) continue;
    ++listener_calls_;
    lock.unlock();
    bool kept = false;
    if (auto* sms = std::get_if<modem::IncomingSms>(&event->payload)) {
      kept = listener->OnIncomingSms(*sms);
    } else {
      kept = listener->OnDeliveryReport(std::get<modem::DeliveryReport>(event->payload));
    }
    if (kept) {
      const Status st =
          event->link->process->WriteLine(Encode(GatewayMessage(Stored{event->key})), options_.write_timeout);
      if (!st.ok())
        spdlog::warn("modem {}: cannot confirm {}: {}", options_.modem_no, event->key, st.error().ToString());
    }
    lock.lock();
    --listener_calls_;
    cv_.notify_all();
  }
}

}  // namespace osprey::smsgw::worker
