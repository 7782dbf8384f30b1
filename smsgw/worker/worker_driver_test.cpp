// WorkerDriver against a real child process: this test binary re-executed as a scripted fake worker
// (`<self> --osprey-fake-worker <mode> <dir>`, detected by a static initializer below before GoogleTest
// starts). The fake speaks protocol.hpp and appends every line it receives to <dir>/received.log.
#include "smsgw/worker/worker_driver.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace osprey::smsgw::worker {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------------------
// The fake worker. Modes: ok, hang-on-submit (keeps its heartbeat, never answers a submit), silent (one
// state, then nothing), crash-on-submit (exits 3 on the first submit ever, marked by <dir>/crashed),
// bad-version (hello with protocol 99), exit (exits 3 after hello), incoming (offers SMS "k1" and report "r1"
// again on every heartbeat until stored), offline (its state says online=false).

void Emit(const WorkerMessage& message) {
  const std::string line = Encode(message) + "\n";
  if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(5);
}

State FakeState(const std::string& mode, const std::string& device) {
  State s;
  s.health.online = mode != "offline";
  s.health.signal_percent = 77;
  s.health.network = "Fake " + device;
  s.health.sim_status = "Operational";
  s.health.registration = "Registered Home";
  s.health.imei = "356938035643809";
  s.health.last_error = mode == "offline" ? "no network" : "";
  s.model = "FakeModem";
  return s;
}

void OfferUnstored(const std::map<std::string, bool>& stored) {
  if (!stored.at("k1")) {
    modem::IncomingSms sms;
    sms.sender = "+4915112345678";
    sms.text = "hello gateway";
    sms.coding = "standard";
    Emit(Incoming{"k1", sms});
  }
  if (!stored.at("r1")) {
    modem::DeliveryReport report;
    report.message_reference = 42;
    report.recipient = "+4915112345678";
    Emit(Report{"r1", report});
  }
}

struct FakeWorker {
  std::string mode, dir;
  std::string device;
  int heartbeat_ms = 100;
  bool configured = false;
  int next_mr = 42;
  std::map<std::string, bool> stored{{"k1", false}, {"r1", false}};

  void Log(const std::string& line) { std::ofstream(dir + "/received.log", std::ios::app) << line << "\n"; }

  void OnSubmit(const Submit& submit) {
    if (mode == "hang-on-submit") return;
    if (mode == "crash-on-submit" && !fs::exists(dir + "/crashed")) {
      std::ofstream(dir + "/crashed") << "1";
      ::_exit(3);
    }
    Emit(Submitted{submit.id, modem::SubmitOutcome{next_mr++, submit.part.request_report}});
  }

  void OnLine(const std::string& line) {
    Log(line);
    auto decoded = DecodeGatewayMessage(line);
    if (!decoded.ok() || !decoded->has_value()) return;
    GatewayMessage& m = **decoded;
    if (auto* c = std::get_if<Configure>(&m)) {
      configured = true;
      device = c->device;
      heartbeat_ms = c->heartbeat_ms;
      Emit(FakeState(mode, device));
      if (mode == "incoming") OfferUnstored(stored);
    } else if (auto* s = std::get_if<Submit>(&m)) {
      OnSubmit(*s);
    } else if (auto* st = std::get_if<Stored>(&m)) {
      stored[st->key] = true;
    } else if (std::holds_alternative<Shutdown>(m)) {
      ::_exit(0);
    }
  }

  void OnHeartbeat() {
    if (!configured || mode == "silent") return;
    Emit(FakeState(mode, device));
    if (mode == "incoming") OfferUnstored(stored);
  }

  [[noreturn]] void Run() {
    // "exit-slowly": the input is shut before the hello, so the gateway's configuration line finds it closed
    // (EPIPE on the AF_UNIX socket); the exit comes later.
    if (mode == "exit-slowly") ::shutdown(STDIN_FILENO, SHUT_RD);
    Emit(Hello{mode == "bad-version" ? 99 : kProtocolVersion, ::getpid()});
    if (mode == "exit") ::_exit(3);
    if (mode == "exit-slowly") {
      ::usleep(200 * 1000);
      ::_exit(3);
    }
    std::string buffer;
    auto next_beat = SteadyClock::now() + milliseconds(heartbeat_ms);
    for (;;) {
      const auto left = std::chrono::duration_cast<milliseconds>(next_beat - SteadyClock::now()).count();
      pollfd p{STDIN_FILENO, POLLIN, 0};
      if (left > 0 && ::poll(&p, 1, static_cast<int>(left)) > 0) {
        char chunk[4096];
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
        if (n <= 0) ::_exit(0);
        buffer.append(chunk, static_cast<std::size_t>(n));
        for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
          OnLine(buffer.substr(0, nl));
          buffer.erase(0, nl + 1);
        }
        continue;
      }
      OnHeartbeat();
      next_beat = SteadyClock::now() + milliseconds(heartbeat_ms);
    }
  }
};

std::vector<std::string> OwnArgs() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0')) args.push_back(arg);
  return args;
}

const bool kIsFakeWorker = [] {
  const std::vector<std::string> args = OwnArgs();
  if (args.size() == 4 && args[1] == "--osprey-fake-worker") {
    FakeWorker fake;
    fake.mode = args[2];
    fake.dir = args[3];
    fake.Run();
  }
  return false;
}();

// ---------------------------------------------------------------------------------------------------------
// Test helpers.

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool WaitFor(const std::function<bool()>& condition, milliseconds timeout = milliseconds(8000)) {
  const auto deadline = SteadyClock::now() + timeout;
  while (SteadyClock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return condition();
}

class WorkerDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("osprey-worker-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  WorkerOptions Options(const std::string& mode) {
    WorkerOptions o;
    o.modem_no = 3;
    o.argv = {SelfExecutablePath().value(), "--osprey-fake-worker", mode, dir_.string()};
    o.configure.device = "dev0";
    o.configure.pin = Secret("1234");
    o.configure.heartbeat_ms = 100;
    o.configure.submit_timeout_ms = 300;
    o.submit_margin = milliseconds(300);
    o.init_timeout = milliseconds(2000);
    o.backoff_initial = milliseconds(50);
    o.backoff_max = milliseconds(200);
    o.shutdown_grace = milliseconds(1000);
    return o;
  }

  static bool Ready(const WorkerDriver& d) { return d.status().state == WorkerState::kReady; }
  std::string Received() const { return ReadFile((dir_ / "received.log").string()); }

  static modem::OutgoingPart Part() {
    modem::OutgoingPart part;
    part.message_id = 7;
    part.number = "+4915112345678";
    part.text = "Your OTP code is: 287082";
    part.coding = "standard";
    return part;
  }

  fs::path dir_;
  static inline int counter_ = 0;
};

TEST_F(WorkerDriverTest, ReadyWorkerReportsItsHealthAndGotTheConfiguration) {
  WorkerDriver driver(Options("ok"));
  ASSERT_TRUE(WaitFor([&] { return Ready(driver); }));
  const modem::ModemHealth h = driver.Health();
  EXPECT_TRUE(h.online);
  EXPECT_EQ(h.signal_percent, 77);
  EXPECT_EQ(h.network, "Fake dev0");
  EXPECT_EQ(h.sim_status, "Operational");
  EXPECT_EQ(h.imei, "356938035643809");
  const WorkerStatus st = driver.status();
  EXPECT_GT(st.pid, 0);
  EXPECT_EQ(st.restarts, 0);
  EXPECT_EQ(st.model, "FakeModem");
  EXPECT_TRUE(st.last_heartbeat.has_value());
  const std::string received = Received();
  EXPECT_NE(received.find("\"type\":\"configure\""), std::string::npos);
  EXPECT_NE(received.find("\"modem_no\":3"), std::string::npos);
  EXPECT_NE(received.find("\"device\":\"dev0\""), std::string::npos);
  EXPECT_NE(received.find("\"pin\":\"1234\""), std::string::npos);
}

TEST_F(WorkerDriverTest, SubmitReturnsTheMessageReferenceWithIncreasingIds) {
  WorkerDriver driver(Options("ok"));
  ASSERT_TRUE(WaitFor([&] { return Ready(driver); }));
  const modem::SubmitResult first = driver.Submit(Part());
  ASSERT_TRUE(first.ok()) << first.failure().message;
  EXPECT_EQ(first.value().message_reference, 42);
  const modem::SubmitResult second = driver.Submit(Part());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value().message_reference, 43);
  const std::string received = Received();
  const auto id1 = received.find("\"id\":1,");
  const auto id2 = received.find("\"id\":2,");
  ASSERT_NE(id1, std::string::npos);
  ASSERT_NE(id2, std::string::npos);
  EXPECT_LT(id1, id2);
  EXPECT_NE(received.find("Your OTP code is: 287082"), std::string::npos);
}

TEST_F(WorkerDriverTest, CrashDuringSubmitIsUnknownAndTheWorkerIsRestarted) {
  WorkerDriver driver(Options("crash-on-submit"));
  ASSERT_TRUE(WaitFor([&] { return Ready(driver); }));
  const pid_t first_pid = driver.status().pid;
  const modem::SubmitResult crashed = driver.Submit(Part());
  ASSERT_FALSE(crashed.ok());
  EXPECT_EQ(crashed.failure().error_class, modem::SubmitErrorClass::kUnknown);
  EXPECT_NE(crashed.failure().message.find("worker exited with status 3"), std::string::npos)
      << crashed.failure().message;
  ASSERT_TRUE(WaitFor([&] { return Ready(driver) && driver.status().pid != first_pid; }));
  const WorkerStatus st = driver.status();
  EXPECT_EQ(st.restarts, 1);
  EXPECT_EQ(st.last_exit, "worker exited with status 3");
  const modem::SubmitResult next = driver.Submit(Part());
  ASSERT_TRUE(next.ok()) << next.failure().message;
  EXPECT_EQ(next.value().message_reference, 42);
}

TEST_F(WorkerDriverTest, HungSubmitIsDetectedWithinTheBoundAndTheWorkerRestarted) {
  WorkerDriver driver(Options("hang-on-submit"));
  ASSERT_TRUE(WaitFor([&] { return Ready(driver); }));
  const pid_t first_pid = driver.status().pid;
  const auto start = SteadyClock::now();
  const modem::SubmitResult hung = driver.Submit(Part());
  const auto took = SteadyClock::now() - start;
  ASSERT_FALSE(hung.ok());
  EXPECT_EQ(hung.failure().error_class, modem::SubmitErrorClass::kUnknown);
  EXPECT_GE(took, milliseconds(600));   // submit_timeout_ms + margin
  EXPECT_LT(took, milliseconds(2500));  // plus at most a poll slice and the kill
  EXPECT_NE(hung.failure().message.find("did not answer a submit"), std::string::npos)
      << hung.failure().message;
  EXPECT_EQ(::kill(first_pid, 0), -1);
  ASSERT_TRUE(WaitFor([&] { return Ready(driver) && driver.status().pid != first_pid; }));
  EXPECT_EQ(driver.status().restarts, 1);
}

TEST_F(WorkerDriverTest, HungSubmitIsDetectedAtItsBoundWhileTheSupervisorSleepsForTheHeartbeat) {
  // The supervisor sleeps until 3 heartbeats of silence (15 s); a submit with a 600 ms hang bound must wake
  // it, not wait for that (or for Submit's own fallback).
  WorkerOptions o = Options("hang-on-submit");
  o.configure.heartbeat_ms = 5000;
  WorkerDriver driver(std::move(o));
  ASSERT_TRUE(WaitFor([&] { return Ready(driver); }));
  std::this_thread::sleep_for(milliseconds(300));  // past the fake's first beat: the supervisor is asleep
  const pid_t first_pid = driver.status().pid;
  const auto start = SteadyClock::now();
  const modem::SubmitResult hung = driver.Submit(Part());
  const auto took = SteadyClock::now() - start;
  ASSERT_FALSE(hung.ok());
  EXPECT_EQ(hung.failure().error_class, modem::SubmitErrorClass::kUnknown);
  EXPECT_GE(took, milliseconds(600));
  EXPECT_LT(took, milliseconds(2500));
  EXPECT_NE(hung.failure().message.find("did not answer a submit"), std::string::npos)
      << hung.failure().message;
  EXPECT_EQ(::kill(first_pid, 0), -1);
}

TEST_F(WorkerDriverTest, SilentWorkerIsKilledAndRestarted) {
  WorkerDriver driver(Options("silent"));
  ASSERT_TRUE(WaitFor([&] { return Ready(driver); }));
  const pid_t first_pid = driver.status().pid;
  // 3 x heartbeat = 300 ms of silence.
  ASSERT_TRUE(WaitFor([&] { return driver.status().restarts >= 1; }, milliseconds(5000)));
  EXPECT_EQ(driver.status().last_exit, "worker not answering");
  EXPECT_EQ(::kill(first_pid, 0), -1);
}

TEST_F(WorkerDriverTest, WorkerKilledFromOutsideIsRestarted) {
  WorkerDriver driver(Options("ok"));
  ASSERT_TRUE(WaitFor([&] { return Ready(driver); }));
  const pid_t first_pid = driver.status().pid;
  ASSERT_EQ(::kill(first_pid, SIGKILL), 0);
  ASSERT_TRUE(WaitFor([&] { return Ready(driver) && driver.status().pid != first_pid; }));
  EXPECT_EQ(driver.status().last_exit, "worker killed by signal 9");
  EXPECT_EQ(driver.status().restarts, 1);
  EXPECT_TRUE(driver.Submit(Part()).ok());
}

TEST_F(WorkerDriverTest, SubmitWhileNoWorkerRunsIsTransientAtOnce) {
  WorkerOptions o = Options("ok");
  o.argv = {(dir_ / "no-such-worker").string()};
  WorkerDriver driver(std::move(o));
  const auto start = SteadyClock::now();
  const modem::SubmitResult r = driver.Submit(Part());
  EXPECT_LT(SteadyClock::now() - start, milliseconds(200));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().error_class, modem::SubmitErrorClass::kTransient);
  EXPECT_EQ(r.failure().message, "modem offline");
  ASSERT_TRUE(WaitFor([&] { return driver.status().last_exit == "worker exited with status 127"; }));
  const modem::ModemHealth h = driver.Health();
  EXPECT_FALSE(h.online);
  EXPECT_EQ(h.sim_status, "Modem Not Found");
  EXPECT_FALSE(h.last_error.empty());
}

TEST_F(WorkerDriverTest, OfflineModemGetsNothingSent) {
  WorkerDriver driver(Options("offline"));
  ASSERT_TRUE(WaitFor([&] { return Ready(driver); }));
  const modem::SubmitResult r = driver.Submit(Part());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().error_class, modem::SubmitErrorClass::kTransient);
  EXPECT_EQ(driver.Health().last_error, "no network");
  EXPECT_EQ(Received().find("\"type\":\"submit\""), std::string::npos);
}

TEST_F(WorkerDriverTest, ProtocolMismatchStopsTheWorkerBeforeAnythingIsSent) {
  WorkerOptions o = Options("bad-version");
  o.backoff_initial = milliseconds(1000);
  WorkerDriver driver(std::move(o));
  ASSERT_TRUE(WaitFor([&] { return driver.status().last_exit == "worker protocol mismatch"; }));
  const modem::ModemHealth h = driver.Health();
  EXPECT_FALSE(h.online);
  EXPECT_EQ(h.last_error, "worker protocol mismatch");
  EXPECT_EQ(h.sim_status, "Modem Not Found");
  EXPECT_EQ(driver.Submit(Part()).failure().error_class, modem::SubmitErrorClass::kTransient);
  EXPECT_EQ(Received(), "");  // no configure: the PIN never reaches an incompatible worker
}

class RecordingListener : public modem::ModemListener {
 public:
  bool OnIncomingSms(const modem::IncomingSms& sms) override {
    std::lock_guard lock(mu_);
    sms_.push_back(sms);
    return true;
  }
  bool OnDeliveryReport(const modem::DeliveryReport& report) override {
    std::lock_guard lock(mu_);
    reports_.push_back(report);
    return false;  // "database down": the worker must offer it again
  }
  std::vector<modem::IncomingSms> sms() const {
    std::lock_guard lock(mu_);
    return sms_;
  }
  std::vector<modem::DeliveryReport> reports() const {
    std::lock_guard lock(mu_);
    return reports_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<modem::IncomingSms> sms_;
  std::vector<modem::DeliveryReport> reports_;
};

TEST_F(WorkerDriverTest, IncomingIsStoredOnlyWhenTheListenerKeptIt) {
  RecordingListener listener;
  WorkerDriver driver(Options("incoming"));
  driver.SetListener(&listener);
  ASSERT_TRUE(WaitFor([&] {
    return Received().find("{\"key\":\"k1\",\"type\":\"stored\"}") != std::string::npos;
  })) << Received();
  ASSERT_TRUE(WaitFor([&] { return listener.reports().size() >= 3; }));
  driver.SetListener(nullptr);
  ASSERT_FALSE(listener.sms().empty());
  const modem::IncomingSms sms = listener.sms().front();
  EXPECT_EQ(sms.modem_no, 3);
  EXPECT_EQ(sms.sender, "+4915112345678");
  EXPECT_EQ(sms.text, "hello gateway");
  const modem::DeliveryReport report = listener.reports().front();
  EXPECT_EQ(report.modem_no, 3);
  EXPECT_EQ(report.message_reference, 42);
  EXPECT_EQ(Received().find("\"r1\""), std::string::npos);
}

TEST_F(WorkerDriverTest, ResetCommandRunsAfterRepeatedFailures) {
  WorkerOptions o = Options("exit");
  o.backoff_initial = milliseconds(20);
  o.backoff_max = milliseconds(20);
  o.reset_after_failures = 3;
  const std::string marker = (dir_ / "reset.log").string();
  o.reset_command = "echo reset >> '" + marker + "'; echo output of the reset";
  WorkerDriver driver(std::move(o));
  ASSERT_TRUE(WaitFor([&] { return driver.status().resets >= 1; }));
  const WorkerStatus st = driver.status();
  EXPECT_GE(st.consecutive_failures, 3);
  EXPECT_GE(st.restarts, 2);
  EXPECT_EQ(st.last_exit, "worker exited with status 3");
  EXPECT_EQ(ReadFile(marker).substr(0, 6), "reset\n");
}

// A worker that exits right after its hello is reported by its exit status, also when the gateway's
// configuration line already finds its input closed (that race made ResetCommandRunsAfterRepeatedFailures
// flaky: under load it read "worker not answering").
TEST_F(WorkerDriverTest, AWorkerThatExitsAfterItsHelloIsReportedByItsExitStatus) {
  WorkerOptions o = Options("exit-slowly");
  o.backoff_initial = milliseconds(20);
  o.backoff_max = milliseconds(20);
  WorkerDriver driver(std::move(o));
  ASSERT_TRUE(WaitFor([&] { return driver.status().consecutive_failures >= 1; }));
  EXPECT_EQ(driver.status().last_exit, "worker exited with status 3");
}

TEST_F(WorkerDriverTest, ResetCommandDoesNotRunBeforeTheThreshold) {
  WorkerOptions o = Options("exit");
  o.backoff_initial = milliseconds(20);
  o.backoff_max = milliseconds(20);
  o.reset_after_failures = 1000;
  o.reset_command = "touch '" + (dir_ / "reset.log").string() + "'";
  WorkerDriver driver(std::move(o));
  ASSERT_TRUE(WaitFor([&] { return driver.status().consecutive_failures >= 3; }));
  EXPECT_EQ(driver.status().resets, 0);
  EXPECT_FALSE(fs::exists(dir_ / "reset.log"));
}

TEST_F(WorkerDriverTest, DestructorShutsTheWorkerDownAndLeavesNoChild) {
  pid_t pid = 0;
  {
    WorkerDriver driver(Options("ok"));
    ASSERT_TRUE(WaitFor([&] { return Ready(driver); }));
    pid = driver.status().pid;
    ASSERT_EQ(::kill(pid, 0), 0);
  }
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_NE(Received().find("\"type\":\"shutdown\""), std::string::npos);
}

TEST_F(WorkerDriverTest, StopAnswersModemOfflineAfterwards) {
  WorkerDriver driver(Options("ok"));
  ASSERT_TRUE(WaitFor([&] { return Ready(driver); }));
  driver.Stop();
  EXPECT_EQ(driver.status().state, WorkerState::kStopped);
  EXPECT_EQ(driver.status().pid, 0);
  EXPECT_EQ(driver.Submit(Part()).failure().error_class, modem::SubmitErrorClass::kTransient);
  EXPECT_FALSE(driver.Health().online);
}

// ---- configuration ----

TEST(WorkerOptionsFromConfigTest, ReadsEveryParameter) {
  modem::DriverConfig config{2,
                             {{"device", "/dev/ttyUSB0"},
                              {"connection", "at115200"},
                              {"model", ""},
                              {"pin", "0000"},
                              {"smsc", "+15550000000"},
                              {"reset_command", "usb-reset 1-1"},
                              {"reset_after_failures", "5"},
                              {"heartbeat_ms", "2000"},
                              {"submit_timeout_ms", "20000"},
                              {"poll_ms", "500"}}};
  auto o = WorkerOptionsFromConfig(config, WorkerCommand{{"/usr/bin/osprey", "modem-worker"}});
  ASSERT_TRUE(o.ok()) << o.error().ToString();
  EXPECT_EQ(o->modem_no, 2);
  EXPECT_EQ(o->argv, (std::vector<std::string>{"/usr/bin/osprey", "modem-worker"}));
  EXPECT_EQ(o->configure.modem_no, 2);
  EXPECT_EQ(o->configure.device, "/dev/ttyUSB0");
  EXPECT_EQ(o->configure.connection, "at115200");
  EXPECT_EQ(o->configure.model, "");
  EXPECT_TRUE(o->configure.pin.Equals("0000"));
  EXPECT_EQ(o->configure.smsc, "+15550000000");
  EXPECT_EQ(o->reset_command, "usb-reset 1-1");
  EXPECT_EQ(o->reset_after_failures, 5);
  EXPECT_EQ(o->configure.heartbeat_ms, 2000);
  EXPECT_EQ(o->configure.submit_timeout_ms, 20000);
  EXPECT_EQ(o->configure.poll_ms, 500);
}

TEST(WorkerOptionsFromConfigTest, DefaultsWhenOnlyTheDeviceIsGiven) {
  auto o = WorkerOptionsFromConfig(modem::DriverConfig{1, {{"device", "/dev/pts/3"}}}, WorkerCommand{{"/x"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->configure.connection, "at");
  EXPECT_EQ(o->configure.model, "at");
  EXPECT_TRUE(o->configure.pin.empty());
  EXPECT_EQ(o->configure.heartbeat_ms, 5000);
  EXPECT_EQ(o->reset_after_failures, 3);
  EXPECT_TRUE(o->reset_command.empty());
}

TEST(WorkerOptionsFromConfigTest, RejectsBadConfigurations) {
  const WorkerCommand cmd{{"/x"}};
  struct Case {
    std::map<std::string, std::string> params;
    std::string why;
  };
  const std::vector<Case> cases = {
      {{}, "device is required"},
      {{{"device", ""}}, "device is required"},
      {{{"device", "/dev/x"}, {"baud", "9600"}}, "unknown parameter 'baud'"},
      {{{"device", "/dev/x"}, {"heartbeat_ms", "soon"}}, "heartbeat_ms must be"},
      {{{"device", "/dev/x"}, {"submit_timeout_ms", "-1"}}, "submit_timeout_ms must be"},
      {{{"device", "/dev/x"}, {"reset_after_failures", "0"}}, "reset_after_failures must be"},
  };
  for (const Case& c : cases) {
    auto o = WorkerOptionsFromConfig(modem::DriverConfig{1, c.params}, cmd);
    ASSERT_FALSE(o.ok()) << c.why;
    EXPECT_EQ(o.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(o.error().message().find(c.why), std::string::npos) << o.error().message();
  }
}

TEST(RegisterWorkerModemDriverTest, RegistersGammuThatBuildsWorkerDrivers) {
  char tmpl[] = "/tmp/osprey-worker-registry-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  modem::ModemDriverRegistry registry;
  RegisterWorkerModemDriver(
      registry, WorkerCommand{{SelfExecutablePath().value(), "--osprey-fake-worker", "ok", tmpl}});
  ASSERT_TRUE(registry.Contains("gammu"));
  EXPECT_THROW((void)registry.Create("gammu", modem::DriverConfig{1, {{"devise", "x"}}}),
               std::invalid_argument);
  auto driver =
      registry.Create("gammu", modem::DriverConfig{4, {{"device", "fake"}, {"heartbeat_ms", "100"}}});
  ASSERT_TRUE(driver.ok());
  EXPECT_EQ((*driver)->modem_no(), 4);
  EXPECT_NE(dynamic_cast<WorkerDriver*>(driver->get()), nullptr);
  driver->reset();
  fs::remove_all(tmpl);
}

}  // namespace
}  // namespace osprey::smsgw::worker
