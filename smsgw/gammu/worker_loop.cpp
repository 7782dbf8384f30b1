// The modem worker's event loop (worker_loop.hpp).
#include "smsgw/gammu/worker_loop.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "smsgw/gammu/gammu_modem.hpp"
#include "smsgw/worker/protocol.hpp"

namespace osprey::smsgw::gammu {
namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{1000};
constexpr milliseconds kMaxBackoff{30000};
// Upper bound of one poll(2) wait, so unsolicited +CMTI/+CDSI are read promptly.
constexpr milliseconds kMaxWait{250};

class LineChannel {
 public:
  LineChannel(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {}

  bool Send(const worker::WorkerMessage& message) {
    const std::string line = worker::Encode(message) + "\n";
    std::size_t done = 0;
    while (done < line.size()) {
      const ssize_t n = ::write(out_fd_, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        spdlog::error("modem worker: cannot write to the gateway: errno {}", errno);
        return false;
      }
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Waits up to `timeout` for input and returns the complete lines read (possibly none). Sets eof().
  std::vector<std::string> Read(milliseconds timeout) {
    std::vector<std::string> lines;
    pollfd pfd{in_fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::max<milliseconds::rep>(timeout.count(), 0)));
    if (ready > 0) {
      char buffer[8192];
      const ssize_t n = ::read(in_fd_, buffer, sizeof(buffer));
      if (n > 0) {
        pending_.append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        eof_ = true;
      }
    }
    for (std::size_t nl; (nl = pending_.find('\n')) != std::string::npos;) {
      lines.push_back(pending_.substr(0, nl));
      pending_.erase(0, nl + 1);
    }
    return lines;
  }
  bool eof() const { return eof_; }

 private:
  int in_fd_;
  int out_fd_;
  std::string pending_;
  bool eof_ = false;
};

class Worker {
 public:
  Worker(LineChannel& channel) : channel_(channel) {}  // NOLINT(google-explicit-constructor)

  int Run();

 private:
  bool AwaitConfigure();
  bool Handle(const worker::GatewayMessage& message);  // false = stop
  bool ConnectIfDue();
  bool SendState();
  bool PollStorage();
  bool Offer(const std::string& key, const worker::WorkerMessage& message, std::set<std::string>& seen);
  milliseconds WaitTime() const;

  LineChannel& channel_;
  GammuModem modem_;
  worker::Configure config_;
  bool stop_ = false;
  milliseconds backoff_ = kFirstBackoff;
  Steady::time_point next_connect_{};
  Steady::time_point next_heartbeat_{};
  Steady::time_point next_poll_{};
  std::map<std::string, Steady::time_point> offered_;  // key -> when offered
};

milliseconds Worker::WaitTime() const {
  const auto now = Steady::now();
  Steady::time_point next = std::min(next_heartbeat_, modem_.connected() ? next_poll_ : next_connect_);
  return std::clamp(std::chrono::duration_cast<milliseconds>(next - now), milliseconds(0), kMaxWait);
}

bool Worker::AwaitConfigure() {
  while (!channel_.eof()) {
    for (const std::string& line : channel_.Read(kMaxWait)) {
      auto decoded = worker::DecodeGatewayMessage(line);
      if (!decoded.ok() || !decoded->has_value()) continue;
      if (auto* configure = std::get_if<worker::Configure>(&**decoded)) {
        config_ = std::move(*configure);
        return true;
      }
      if (!Handle(**decoded)) return false;
    }
  }
  return false;
}

bool Worker::Handle(const worker::GatewayMessage& message) {
  if (const auto* submit = std::get_if<worker::Submit>(&message)) {
    const bool was_connected = modem_.connected();
    modem::SubmitResult result =
        was_connected ? modem_.Send(submit->part)
                      : modem::SubmitResult(modem::SubmitFailure{modem::SubmitErrorClass::kTransient,
                                                                 std::nullopt, "modem not connected"});
    // A send that lost the modem reconnects at once; an offline modem keeps its back-off.
    if (was_connected && !modem_.connected()) next_connect_ = Steady::now();
    return channel_.Send(worker::Submitted{submit->id, std::move(result)});
  }
  if (const auto* ping = std::get_if<worker::Ping>(&message)) return channel_.Send(worker::Pong{ping->id});
  if (const auto* stored = std::get_if<worker::Stored>(&message)) {
    if (Status deleted = modem_.Delete(stored->key); !deleted.ok()) {
      spdlog::warn("modem {}: cannot delete {}: {}", config_.modem_no, stored->key,
                   deleted.error().message());
    } else {
      offered_.erase(stored->key);
    }
    return true;
  }
  if (std::holds_alternative<worker::Shutdown>(message)) {
    stop_ = true;
    return false;
  }
  if (const auto* configure = std::get_if<worker::Configure>(&message)) {
    config_.modem_no = configure->modem_no;
    config_.device = configure->device;
    config_.connection = configure->connection;
    config_.model = configure->model;
    config_.pin = configure->pin.Clone();
    config_.smsc = configure->smsc;
    config_.heartbeat_ms = configure->heartbeat_ms;
    config_.poll_ms = configure->poll_ms;
    config_.submit_timeout_ms = configure->submit_timeout_ms;
    modem_.Disconnect();
    backoff_ = kFirstBackoff;
    next_connect_ = Steady::now();
  }
  return true;
}

bool Worker::ConnectIfDue() {
  if (modem_.connected() || Steady::now() < next_connect_) return true;
  const Status status = modem_.Connect(config_);
  if (status.ok()) {
    backoff_ = kFirstBackoff;
    offered_.clear();  // a reconnect offers everything still on the SIM again
    next_poll_ = Steady::now();
  } else {
    next_connect_ = Steady::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  }
  return SendState();
}

bool Worker::SendState() {
  worker::State state;
  state.health = modem_.Health();
  state.model = modem_.model();
  next_heartbeat_ = Steady::now() + milliseconds(std::max(config_.heartbeat_ms, 100));
  return channel_.Send(state);
}

bool Worker::Offer(const std::string& key, const worker::WorkerMessage& message,
                   std::set<std::string>& seen) {
  seen.insert(key);
  const auto now = Steady::now();
  auto it = offered_.find(key);
  if (it != offered_.end() && now - it->second < kReofferAfter) return true;
  offered_[key] = now;
  return channel_.Send(message);
}

bool Worker::PollStorage() {
  next_poll_ = Steady::now() + milliseconds(std::max(config_.poll_ms, 100));
  auto contents = modem_.Poll();
  if (!contents.ok()) return true;  // logged by the modem; a lost link reconnects
  std::set<std::string> seen;
  for (auto& incoming : contents->incoming) {
    const std::string key = incoming.key;
    if (!Offer(key, std::move(incoming), seen)) return false;
  }
  for (auto& report : contents->reports) {
    const std::string key = report.key;
    if (!Offer(key, std::move(report), seen)) return false;
  }
  // A slot that emptied may be reused by a new message under the same key.
  std::erase_if(offered_, [&](const auto& entry) { return !seen.contains(entry.first); });
  return true;
}

int Worker::Run() {
  if (!channel_.Send(worker::Hello{worker::kProtocolVersion, static_cast<std::int64_t>(::getpid())}))
    return 1;
  if (!AwaitConfigure()) return stop_ || channel_.eof() ? 0 : 1;
  spdlog::info("modem {}: worker configured for {}", config_.modem_no, config_.device);
  next_connect_ = Steady::now();
  while (!stop_) {
    if (!ConnectIfDue()) return 1;
    for (const std::string& line : channel_.Read(WaitTime())) {
      auto decoded = worker::DecodeGatewayMessage(line);
      if (!decoded.ok()) {
        spdlog::warn("modem {}: bad line from the gateway: {}", config_.modem_no, decoded.error().message());
        continue;
      }
      if (!decoded->has_value()) continue;
      if (!Handle(**decoded)) {
        if (stop_) break;
        return 1;
      }
    }
    if (stop_ || channel_.eof()) break;
    const bool hint = modem_.connected() && modem_.TakeIncomingHint();
    if (modem_.connected() && (hint || Steady::now() >= next_poll_) && !PollStorage()) return 1;
    if (Steady::now() >= next_heartbeat_ && !SendState()) return 1;
  }
  spdlog::info("modem {}: worker stopping", config_.modem_no);
  modem_.Disconnect();
  return 0;
}

}  // namespace

int RunWorker(int in_fd, int out_fd) {
  // A gateway that died must not kill the worker with SIGPIPE before it disconnects cleanly.
  ::signal(SIGPIPE, SIG_IGN);
  LineChannel channel(in_fd, out_fd);
  Worker worker(channel);
  return worker.Run();
}

}  // namespace osprey::smsgw::gammu
