// RunWorker end to end over a socketpair, against the AT emulator on a pty: hello, configure, state,
// submit/submitted, incoming/stored (deleted from the SIM), ping/pong, shutdown. Every wait has a deadline.
#include "smsgw/gammu/worker_loop.hpp"

#include <gammu.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "smsgw/gammu/test_emulator.hpp"
#include "smsgw/worker/protocol.hpp"

namespace osprey::smsgw::gammu {
namespace {

using namespace std::chrono_literals;

// The gateway's end of the socketpair.
class GatewaySide {
 public:
  explicit GatewaySide(int fd) : fd_(fd) {}

  void Send(const worker::GatewayMessage& message) {
    const std::string line = worker::Encode(message) + "\n";
    ASSERT_EQ(::write(fd_, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  }

  // Next decoded worker message, or nullopt when none came before the deadline.
  std::optional<worker::WorkerMessage> Next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        const std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        auto decoded = worker::DecodeWorkerMessage(line);
        EXPECT_TRUE(decoded.ok()) << line;
        if (decoded.ok() && decoded->has_value()) return **decoded;
        continue;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::read(fd_, chunk, sizeof(chunk));
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // Skips messages until one of type T satisfies `match` (State lines arrive any time).
  template <typename T>
  std::optional<T> WaitFor(std::chrono::milliseconds timeout, std::function<bool(const T&)> match = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto message = Next(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (!message) return std::nullopt;
      if (auto* typed = std::get_if<T>(&*message); typed != nullptr && (!match || match(*typed)))
        return *typed;
    }
    return std::nullopt;
  }

 private:
  int fd_;
  std::string buffer_;
};

TEST(WorkerLoopTest, ServesTheProtocolEndToEnd) {
  GSM_InitLocales(nullptr);
  testing::TestEmulator emulator;
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  int exit_code = -1;
  std::thread worker([&] { exit_code = RunWorker(fds[1], fds[1]); });
  GatewaySide gateway(fds[0]);

  auto hello = gateway.WaitFor<worker::Hello>(5s);
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->protocol, worker::kProtocolVersion);
  EXPECT_EQ(hello->pid, ::getpid());

  // An SMS that waits on the SIM before the worker starts is offered after connecting.
  ASSERT_TRUE(
      emulator.With([](emulator::AtModem& m) { return m.Inject("+15557654321", "early bird").ok(); }));

  worker::Configure configure;
  configure.modem_no = 2;
  configure.device = emulator.path();
  configure.heartbeat_ms = 300;
  configure.poll_ms = 300;
  configure.submit_timeout_ms = 5000;
  gateway.Send(std::move(configure));

  auto online = gateway.WaitFor<worker::State>(20s, [](const worker::State& s) { return s.health.online; });
  ASSERT_TRUE(online.has_value());
  EXPECT_EQ(online->health.imei, emulator::ModemIdentity{}.imei);
  EXPECT_EQ(online->model, emulator::ModemIdentity{}.model);

  auto incoming = gateway.WaitFor<worker::Incoming>(10s);
  ASSERT_TRUE(incoming.has_value());
  EXPECT_EQ(incoming->sms.text, "early bird");
  EXPECT_EQ(incoming->sms.sender, "+15557654321");
  EXPECT_EQ(incoming->sms.modem_no, 2);

  modem::OutgoingPart part;
  part.message_id = 5;
  part.number = "+4915112345678";
  part.text = "via the worker: €[]";
  part.coding = "standard";
  gateway.Send(worker::Submit{41, part});
  auto submitted = gateway.WaitFor<worker::Submitted>(15s);
  ASSERT_TRUE(submitted.has_value());
  EXPECT_EQ(submitted->id, 41);
  ASSERT_TRUE(submitted->result.ok()) << submitted->result.failure().message;
  const auto submits = emulator.Submits();
  ASSERT_EQ(submits.size(), 1u);
  EXPECT_EQ(submits[0].text, "via the worker: €[]");
  EXPECT_EQ(submits[0].message_reference, submitted->result.value().message_reference);

  // Not offered twice while unanswered (several polls pass during the submit).
  gateway.Send(worker::Ping{7});
  bool offered_again = false;
  std::optional<worker::Pong> pong;
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       !pong && std::chrono::steady_clock::now() < deadline;) {
    auto message = gateway.Next(1s);
    if (!message) continue;
    if (std::holds_alternative<worker::Incoming>(*message)) offered_again = true;
    if (auto* p = std::get_if<worker::Pong>(&*message)) pong = *p;
  }
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ(pong->id, 7);
  EXPECT_FALSE(offered_again);

  gateway.Send(worker::Stored{incoming->key});
  bool deleted = false;
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       !deleted && std::chrono::steady_clock::now() < deadline;) {
    deleted = emulator.With([](emulator::AtModem& m) { return m.StoredCount(); }) == 0;
    if (!deleted) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(deleted);

  gateway.Send(worker::Shutdown{});
  worker.join();
  EXPECT_EQ(exit_code, 0);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(WorkerLoopTest, EndOfInputBeforeConfigureExitsCleanly) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  int exit_code = -1;
  std::thread worker([&] { exit_code = RunWorker(fds[1], fds[1]); });
  GatewaySide gateway(fds[0]);
  ASSERT_TRUE(gateway.WaitFor<worker::Hello>(5s).has_value());
  ::shutdown(fds[0], SHUT_WR);
  worker.join();
  EXPECT_EQ(exit_code, 0);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(WorkerLoopTest, UnreachableDeviceReportsOfflineStateWithLastError) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  int exit_code = -1;
  std::thread worker([&] { exit_code = RunWorker(fds[1], fds[1]); });
  GatewaySide gateway(fds[0]);
  ASSERT_TRUE(gateway.WaitFor<worker::Hello>(5s).has_value());
  worker::Configure configure;
  configure.device = "/nonexistent/ttyUSB9";
  gateway.Send(std::move(configure));
  auto state = gateway.WaitFor<worker::State>(10s);
  ASSERT_TRUE(state.has_value());
  EXPECT_FALSE(state->health.online);
  EXPECT_NE(state->health.last_error.find("GSM_InitConnection"), std::string::npos)
      << state->health.last_error;
  // A submit while offline is a transient failure, answered at once.
  modem::OutgoingPart part;
  part.number = "+4915112345678";
  part.text = "x";
  gateway.Send(worker::Submit{3, part});
  auto submitted = gateway.WaitFor<worker::Submitted>(5s);
  ASSERT_TRUE(submitted.has_value());
  ASSERT_FALSE(submitted->result.ok());
  EXPECT_EQ(submitted->result.failure().error_class, modem::SubmitErrorClass::kTransient);
  gateway.Send(worker::Shutdown{});
  worker.join();
  EXPECT_EQ(exit_code, 0);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace osprey::smsgw::gammu
