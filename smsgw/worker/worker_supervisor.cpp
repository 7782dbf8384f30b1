// The supervisor half of WorkerDriver: spawn, handshake, read loop, hang detection, restart back-off and the
// reset command. Everything here runs on the supervisor thread.
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <algorithm>

#include "smsgw/worker/worker_driver.hpp"

namespace osprey::smsgw::worker {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kExitGrace{1000};

// A worker that stopped talking may be exiting: its exit status (within kExitGrace) says more than
// `otherwise`.
std::string ExitStatusOr(WorkerProcess& process, const char* otherwise) {
  const std::optional<std::string> exit = process.Wait(kExitGrace);
  return exit ? "worker " + *exit : otherwise;
}

milliseconds Until(SteadyClock::time_point deadline) {
  // Rounded up: a poll that returns a fraction of a millisecond early would spin until the deadline.
  return std::max(milliseconds(0), std::chrono::ceil<milliseconds>(deadline - SteadyClock::now()));
}

Configure CopyOf(const Configure& c, int modem_no) {
  Configure copy;
  copy.modem_no = modem_no;
  copy.device = c.device;
  copy.connection = c.connection;
  copy.model = c.model;
  copy.pin = c.pin.Clone();
  copy.smsc = c.smsc;
  copy.heartbeat_ms = c.heartbeat_ms;
  copy.poll_ms = c.poll_ms;
  copy.submit_timeout_ms = c.submit_timeout_ms;
  return copy;
}

}  // namespace

void WorkerDriver::SuperviseLoop() {
  for (;;) {
    const std::string why = RunOnce();
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    AfterFailure(why);
    {
      std::lock_guard lock(mu_);
      status_.state = WorkerState::kBackoff;
    }
    if (!SleepUnlessStopping(backoff_)) break;
    backoff_ = std::min(backoff_ * 2, options_.backoff_max);
  }
  std::lock_guard lock(mu_);
  status_.state = WorkerState::kStopped;
  status_.pid = 0;
}

std::string WorkerDriver::RunOnce() {
  {
    std::lock_guard lock(mu_);
    if (spawned_) ++status_.restarts;
    spawned_ = true;
  }
  auto process = WorkerProcess::Spawn(options_.argv);
  if (!process.ok()) return "worker cannot start: " + process.error().message();
  auto link = std::make_shared<Link>();
  link->process = std::move(process.value());
  {
    std::lock_guard lock(mu_);
    link_ = link;
    status_.state = WorkerState::kStarting;
    status_.pid = link->process->pid();
  }
  spdlog::info("modem {}: worker started, pid {}", options_.modem_no, link->process->pid());
  ready_since_.reset();
  std::string why = Handshake(link);
  if (why.empty()) why = ReadLoop(link);
  EndLink(link, why);
  return why;
}

std::string WorkerDriver::Handshake(const std::shared_ptr<Link>& link) {
  const auto deadline = SteadyClock::now() + options_.hello_timeout;
  Result<std::optional<std::string>> line = std::optional<std::string>();
  for (;;) {
    line = link->process->ReadLine(Until(deadline), wake_pipe_[0]);
    if (Stopping()) return "";
    if (!line.ok()) return ExitReason(*link->process, line.error());
    if (line->has_value()) break;
    // A wake-up left over from the previous worker (a late Submit) is not a missing hello. Drained before
    // stopping_ is checked again, so a Stop's wake-up is never lost.
    DrainWakePipe();
    if (Stopping()) return "";
    if (SteadyClock::now() >= deadline) return "worker sent no hello";
  }
  auto decoded = DecodeWorkerMessage(**line);
  const Hello* hello = nullptr;
  if (decoded.ok() && decoded->has_value()) hello = std::get_if<Hello>(&**decoded);
  if (hello == nullptr || hello->protocol != kProtocolVersion) {
    spdlog::error("modem {}: worker protocol mismatch: expected hello with protocol {}, got: {}",
                  options_.modem_no, kProtocolVersion, line->value().substr(0, 200));
    return "worker protocol mismatch";
  }
  std::string configure = Encode(GatewayMessage(CopyOf(options_.configure, options_.modem_no)));
  const Status sent = link->process->WriteLine(configure, options_.write_timeout);
  std::fill(configure.begin(), configure.end(), '\0');  // it holds the PIN
  // A worker that exits right after its hello (its input is closed by the time the configuration is written)
  // is reported by its exit status, as when its output closes.
  if (!sent.ok()) return ExitStatusOr(*link->process, "worker not answering");
  awaiting_first_state_ = true;
  last_line_ = SteadyClock::now();
  {
    std::lock_guard lock(mu_);
    status_.last_heartbeat = Now();
    status_.last_error = "worker not yet configured";
  }
  return "";
}

std::string WorkerDriver::ReadLoop(const std::shared_ptr<Link>& link) {
  for (;;) {
    std::optional<SteadyClock::time_point> submit_deadline;
    {
      std::lock_guard lock(mu_);
      supervisor_wake_at_.reset();  // awake: a Submit now needs no wake-up, the deadlines are read below
      if (stopping_) return "";
      if (kill_link_ == link) {
        kill_link_.reset();
        return "worker not reading its input";
      }
      if (outstanding_ && outstanding_->link == link && !outstanding_->result)
        submit_deadline = outstanding_->deadline;
    }
    const auto silence_deadline = last_line_ + SilenceBound(submit_deadline.has_value());
    const auto now = SteadyClock::now();
    if (submit_deadline && now >= *submit_deadline) {
      return "worker did not answer a submit within " +
             std::to_string(options_.configure.submit_timeout_ms + options_.submit_margin.count()) + " ms";
    }
    if (now >= silence_deadline) return "worker not answering";
    CheckStableRun();
    // Sleep until the next real deadline; Submit, Stop and a write failure wake the poll through the pipe.
    auto next = silence_deadline;
    if (submit_deadline) next = std::min(next, *submit_deadline);
    if (ready_since_) next = std::min(next, *ready_since_ + options_.stable_after);
    {
      std::lock_guard lock(mu_);
      // A Submit that arrived since the deadlines were read is seen here (its deadline only moves `next`
      // earlier); a later one compares against supervisor_wake_at_ and wakes the poll when it must.
      if (outstanding_ && outstanding_->link == link && !outstanding_->result)
        next = std::min(next, outstanding_->deadline);
      supervisor_wake_at_ = next;
    }
    auto line = link->process->ReadLine(Until(next), wake_pipe_[0]);
    if (!line.ok()) return ExitReason(*link->process, line.error());
    if (!line->has_value()) {
      DrainWakePipe();
      continue;
    }
    last_line_ = SteadyClock::now();
    {
      std::lock_guard lock(mu_);
      status_.last_heartbeat = Now();
    }
    HandleLine(link, **line);
  }
}

milliseconds WorkerDriver::SilenceBound(bool submit_outstanding) const {
  const milliseconds heartbeat_bound = 3 * milliseconds(options_.configure.heartbeat_ms);
  // A single-threaded worker says nothing while libgammu initialises or pumps a send.
  if (awaiting_first_state_) return std::max(heartbeat_bound, options_.init_timeout);
  if (submit_outstanding) {
    return std::max(heartbeat_bound,
                    milliseconds(options_.configure.submit_timeout_ms) + options_.submit_margin);
  }
  return heartbeat_bound;
}

void WorkerDriver::CheckStableRun() {
  if (!ready_since_ || SteadyClock::now() - *ready_since_ < options_.stable_after) return;
  backoff_ = options_.backoff_initial;
  ready_since_.reset();  // noted once per run
  std::lock_guard lock(mu_);
  status_.consecutive_failures = 0;
}

std::string WorkerDriver::ExitReason(WorkerProcess& process, const Error& error) {
  if (error.code() != ErrorCode::kUnavailable) return "worker protocol error: " + error.message();
  return ExitStatusOr(process, "worker closed its output");
}

void WorkerDriver::HandleLine(const std::shared_ptr<Link>& link, const std::string& line) {
  auto decoded = DecodeWorkerMessage(line);
  if (!decoded.ok()) {
    spdlog::warn("modem {}: ignoring a worker line: {}", options_.modem_no, decoded.error().message());
    return;
  }
  if (!decoded->has_value()) return;  // an unknown type: ignored within one protocol version
  WorkerMessage& message = **decoded;
  std::lock_guard lock(mu_);
  if (auto* state = std::get_if<State>(&message)) {
    if (!ready_) {
      spdlog::info("modem {}: worker ready (model '{}', {})", options_.modem_no, state->model,
                   state->health.online ? "online" : "offline: " + state->health.last_error);
      ready_since_ = SteadyClock::now();
    }
    awaiting_first_state_ = false;
    ready_ = true;
    health_ = state->health;
    status_.state = WorkerState::kReady;
    status_.model = state->model;
    status_.last_error = state->health.last_error;
  } else if (auto* submitted = std::get_if<Submitted>(&message)) {
    if (outstanding_ && outstanding_->link == link && outstanding_->id == submitted->id) {
      outstanding_->result = submitted->result;
      cv_.notify_all();
    } else {
      spdlog::warn("modem {}: worker answered submit {} that is not outstanding", options_.modem_no,
                   submitted->id);
    }
  } else if (auto* incoming = std::get_if<Incoming>(&message)) {
    incoming->sms.modem_no = options_.modem_no;
    if (!Queued(link, incoming->key)) {
      events_.push_back(std::make_unique<Event>(Event{link, incoming->key, std::move(incoming->sms)}));
      events_cv_.notify_one();
    }
  } else if (auto* report = std::get_if<Report>(&message)) {
    report->report.modem_no = options_.modem_no;
    if (!Queued(link, report->key)) {
      events_.push_back(std::make_unique<Event>(Event{link, report->key, std::move(report->report)}));
      events_cv_.notify_one();
    }
  }
  // A state line (the heartbeat) wakes nobody: no waiter depends on it (Submit checks ready_ on entry).
}

bool WorkerDriver::Queued(const std::shared_ptr<Link>& link, const std::string& key) const {
  // A worker offers an unstored event again on every poll; one queued copy is enough.
  return std::any_of(events_.begin(), events_.end(),
                     [&](const auto& e) { return e->link == link && e->key == key; });
}

void WorkerDriver::EndLink(const std::shared_ptr<Link>& link, const std::string& why) {
  const bool graceful = why.empty();
  WorkerProcess& process = *link->process;
  if (graceful && process.WriteLine(Encode(GatewayMessage(Shutdown{})), options_.write_timeout).ok()) {
    process.Wait(options_.shutdown_grace);
  }
  // Dead and reaped before a waiting Submit hears of it: once it answers "unknown", that worker sends
  // nothing.
  process.Kill();
  const std::optional<std::string> exit = process.Wait(milliseconds(5000));
  {
    std::lock_guard lock(mu_);
    link->ended = true;
    supervisor_wake_at_.reset();
    if (link_ == link) link_.reset();
    ready_ = false;
    status_.pid = 0;
    status_.state = graceful ? WorkerState::kStopped : WorkerState::kBackoff;
    if (!graceful) status_.last_error = status_.last_exit = why;
  }
  cv_.notify_all();
  spdlog::log(graceful ? spdlog::level::info : spdlog::level::warn, "modem {}: worker pid {} {}{}",
              options_.modem_no, process.pid(), exit.value_or("did not exit after SIGKILL"),
              graceful ? "" : " (" + why + ")");
}

void WorkerDriver::AfterFailure(const std::string& why) {
  ready_since_.reset();
  int failures = 0;
  {
    std::lock_guard lock(mu_);
    failures = ++status_.consecutive_failures;
    status_.last_error = status_.last_exit = why;
  }
  spdlog::warn("modem {}: worker failed ({}), failure {} in a row; restarting in {} ms", options_.modem_no,
               why, failures, backoff_.count());
  if (!options_.reset_command.empty() && options_.reset_after_failures > 0 &&
      failures % options_.reset_after_failures == 0) {
    RunResetCommand();
  }
}

void WorkerDriver::RunResetCommand() {
  spdlog::warn("modem {}: running the reset command", options_.modem_no);
  WorkerProcess::Options capture;
  capture.merge_stderr = true;
  auto process = WorkerProcess::Spawn({"/bin/sh", "-c", options_.reset_command}, capture);
  if (!process.ok()) {
    spdlog::error("modem {}: reset command cannot start: {}", options_.modem_no, process.error().message());
    return;
  }
  const auto deadline = SteadyClock::now() + options_.reset_timeout;
  bool timed_out = false;
  for (;;) {
    if (Stopping()) break;
    if (SteadyClock::now() >= deadline) {
      timed_out = true;
      break;
    }
    auto line = (*process)->ReadLine(Until(deadline), wake_pipe_[0]);
    if (!line.ok()) break;
    if (line->has_value()) {
      spdlog::info("modem {}: reset command: {}", options_.modem_no, **line);
    } else {
      DrainWakePipe();  // a stale wake-up must not turn this loop into a busy one
    }
  }
  (*process)->Kill();
  const auto exit = (*process)->Wait(milliseconds(5000));
  spdlog::log(timed_out ? spdlog::level::err : spdlog::level::info, "modem {}: reset command {}{}",
              options_.modem_no, exit.value_or("did not exit"), timed_out ? " (timed out, killed)" : "");
  std::lock_guard lock(mu_);
  ++status_.resets;
}

bool WorkerDriver::SleepUnlessStopping(milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return stopping_; });
}

bool WorkerDriver::Stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

void WorkerDriver::DrainWakePipe() {
  char buf[64];
  while (::read(wake_pipe_[0], buf, sizeof buf) > 0) {
  }
}

}  // namespace osprey::smsgw::worker
