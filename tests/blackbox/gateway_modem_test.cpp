// Issue 4 acceptance through real processes: `osprey serve` drives libgammu worker processes
// (`osprey modem-worker`), each attached to an `osprey modem-emulator` on a pseudo-terminal. Messages go in
// through APIv2 and come out as what the emulator's "phone" recorded; incoming SMS go the other way into the
// inbox and a local webhook receiver. SQLite and PostgreSQL.
//
// libgammu is slow on purpose (≈0.7 s per part, ≈1–3 s per connect), so these tests wait in real time with
// generous deadlines; every wait is bounded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "smsgw/emulator/control.hpp"
#include "tests/blackbox/gateway_fixture.hpp"
#include "tests/blackbox/http_receiver.hpp"

namespace osprey::blackbox {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// A running `osprey modem-emulator` with a record file and a control socket.
class Emulator {
 public:
  Emulator(const std::string& dir, const std::string& name)
      : record_(dir + "/" + name + ".jsonl"),
        control_(dir + "/" + name + ".sock"),
        out_(dir + "/" + name + ".out") {
    proc_ = std::make_unique<OspreyProcess>(
        std::vector<std::string>{"modem-emulator", "--record", record_, "--control", control_, "--log",
                                 dir + "/" + name + ".traffic"},
        std::map<std::string, std::string>{}, out_);
    auto line = WaitFirstLine(out_, 10s);
    if (line) pty_ = *line;
  }
  const std::string& pty() const { return pty_; }
  // Every message the recipient's phone showed, in order.
  std::vector<json> Records() const {
    std::vector<json> out;
    std::ifstream in(record_);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) out.push_back(json::parse(line, nullptr, false));
    }
    return out;
  }
  json Control(const json& request) {
    auto reply = smsgw::emulator::EmulatorControl(control_, request);
    EXPECT_TRUE(reply.ok()) << (reply.ok() ? "" : reply.error().ToString());
    if (!reply.ok()) return json();
    EXPECT_TRUE(reply->value("ok", false)) << reply->dump();
    return *reply;
  }
  void Kill() {
    proc_->Signal(SIGKILL);
    proc_->WaitExit(5s);
  }

 private:
  std::string record_, control_, out_, pty_;
  std::unique_ptr<OspreyProcess> proc_;
};

// `unit` repeated and cut to exactly `chars` characters (code points), never inside a UTF-8 sequence.
std::string RepeatChars(const std::string& unit, std::size_t chars) {
  std::string out;
  std::size_t count = 0;
  while (count < chars) {
    for (std::size_t i = 0; i < unit.size() && count < chars;) {
      std::size_t len = 1;
      const auto lead = static_cast<unsigned char>(unit[i]);
      if (lead >= 0xF0)
        len = 4;
      else if (lead >= 0xE0)
        len = 3;
      else if (lead >= 0xC0)
        len = 2;
      out += unit.substr(i, len);
      i += len;
      ++count;
    }
  }
  return out;
}

class GatewayModemTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    keep_dir_on_failure_ = true;
    // The inbox has no owner, so a test that receives SMS would show up in other tests' inbox counts on the
    // shared PostgreSQL database: every modem test gets a database of its own.
    if (GetParam() == "postgresql") {
      const std::string url = env_["OSPREY_DATABASE_URL"];
      database_ = "osprey_modem_" + UniqueSuffix();
      std::replace(database_.begin(), database_.end(), '-', '_');
      auto created = RunProgram({"/usr/bin/createdb", "--maintenance-db=" + url, database_}, 30s);
      ASSERT_EQ(created.exit_code, 0) << created.output;
      maintenance_url_ = url;
      env_["OSPREY_DATABASE_URL"] = url.substr(0, url.rfind('/') + 1) + database_;
    }
    token_ = AddUserWithToken("modems-" + UniqueSuffix(),
                              {"messages.send_sms", "messages.read", "modem.read", "modem.write"});
    ASSERT_FALSE(token_.empty());
    env_["OSPREY_GATEWAY_RETRY_BACKOFF"] = "1";
    env_["OSPREY_GATEWAY_MODEM_FAILOVER_S"] = "3";
  }

  // Starts `count` emulators and the gateway with one [[gateway.modem]] per emulator.
  void StartWithEmulators(int count) {
    std::ofstream toml(dir_ + "/data/osprey.toml", std::ios::app);
    for (int i = 1; i <= count; ++i) {
      emulators_.push_back(std::make_unique<Emulator>(dir_, "modem" + std::to_string(i)));
      ASSERT_FALSE(emulators_.back()->pty().empty())
          << ReadFile(dir_ + "/modem" + std::to_string(i) + ".out");
      toml << "\n[[gateway.modem]]\nnumber = " << i << "\ndevice = \"" << emulators_.back()->pty()
           << "\"\noptions = \"heartbeat_ms=500,poll_ms=500,submit_timeout_ms=15000\"\n";
    }
    toml.close();
    Start("serve.log", 30s);
    // Every worker connected and reports its modem online.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    for (int i = 1; i <= count; ++i) {
      bool online = false;
      while (!online && std::chrono::steady_clock::now() < deadline) {
        auto r = Call("GET", "/api/v2/modem/sim_status/" + std::to_string(i));
        online = r.status == 200 && json::parse(r.body).value("sim_status", "") == "Operational";
        if (!online) std::this_thread::sleep_for(200ms);
      }
      ASSERT_TRUE(online) << "modem " << i << " never came online\n" << ReadFile(dir_ + "/serve.log");
    }
  }

  http::ClientResponse Call(const std::string& method, const std::string& path,
                            const std::string& body = "") {
    return GatewayTest::Call(method, path, body, "application/json", {{"access-token", token_}});
  }

  std::int64_t Send(const std::string& number, const std::string& text) {
    auto r = Call("POST", "/api/v2/messages/sms", json{{"to", {number}}, {"text", text}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return -1;
    return json::parse(r.body)[0]["id"].get<std::int64_t>();
  }

  // number -> (text, emulator index) over every emulator's record; a number seen twice keeps the first.
  std::map<std::string, std::pair<std::string, int>> Arrived() {
    std::map<std::string, std::pair<std::string, int>> out;
    for (std::size_t i = 0; i < emulators_.size(); ++i) {
      for (const json& r : emulators_[i]->Records()) {
        if (r.is_object())
          out.emplace(r.value("number", ""), std::make_pair(r.value("text", ""), int(i + 1)));
      }
    }
    return out;
  }

  // Waits until a message for each of `numbers` arrived. On PostgreSQL every test shares one database, so
  // an emulator may also get other tests' leftovers: tests look at their own numbers only.
  bool WaitArrived(const std::set<std::string>& numbers, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (ArrivedOf(numbers) == numbers.size()) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }
  std::size_t ArrivedOf(const std::set<std::string>& numbers) {
    std::size_t n = 0;
    for (const auto& [number, what] : Arrived()) n += numbers.count(number);
    return n;
  }
  // How many of an emulator's records are for `numbers` (duplicates counted).
  std::size_t RecordsFor(const Emulator& emulator, const std::set<std::string>& numbers) {
    std::size_t n = 0;
    for (const json& r : emulator.Records()) n += r.is_object() && numbers.count(r.value("number", "")) > 0;
    return n;
  }

  json Folder(const std::string& folder) {
    auto r = Call("GET", "/api/v2/messages/" + folder);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body) : json::array();
  }

  // Polls `folder` until it holds at least `n` items (the emulator records a message when the modem
  // accepts it, a moment before the gateway has written the outcome).
  json WaitFolder(const std::string& folder, std::size_t n, std::chrono::seconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    json items = Folder(folder);
    while (items.size() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(200ms);
      items = Folder(folder);
    }
    return items;
  }

  // Polls /messages/status/{id} until it is `want`.
  bool WaitStatus(std::int64_t id, const std::string& want, std::chrono::seconds limit,
                  std::string* last = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::string status;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = Call("GET", "/api/v2/messages/status/" + std::to_string(id));
      if (r.status == 200) status = json::parse(r.body).value("status", "");
      if (status == want) return true;
      std::this_thread::sleep_for(200ms);
    }
    if (last != nullptr) *last = status;
    return false;
  }

  // The pids of `osprey modem-worker` children of the server.
  std::vector<pid_t> WorkerPids() {
    std::vector<pid_t> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string line;
      std::getline(stat, line);
      auto close_paren = line.rfind(')');
      if (close_paren == std::string::npos) continue;
      std::istringstream rest(line.substr(close_paren + 2));
      std::string state;
      pid_t ppid = 0;
      rest >> state >> ppid;
      if (ppid != proc_->pid()) continue;
      std::ifstream cmdline(entry.path() / "cmdline");
      std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
      if (args.find("modem-worker") != std::string::npos) out.push_back(std::stoi(name));
    }
    return out;
  }

  void TearDown() override {
    Stop();
    emulators_.clear();
    if (!database_.empty()) {
      RunProgram({"/usr/bin/dropdb", "--maintenance-db=" + maintenance_url_, database_}, 30s);
    }
    GatewayTest::TearDown();
  }

  std::string token_;
  std::vector<std::unique_ptr<Emulator>> emulators_;
  std::string database_, maintenance_url_;  // PostgreSQL only
};

// Acceptance 1: 20 messages of every kind through two emulators arrive with exactly the submitted text;
// both modems are used; /messages/sent shows each with its modem and status.
TEST_P(GatewayModemTest, TwentyMessagesOfEveryKindArriveExactlyThroughBothModems) {
  StartWithEmulators(2);
  ASSERT_FALSE(HasFatalFailure());
  const std::vector<std::string> kinds = {
      "Your OTP code is: 287082",
      RepeatChars("Osprey €[]{} escapes ~|^\\ ", 300),  // GSM-7 with extension-table characters
      "Привет! Ваш код: 287082",
      "Login approved 😀👍 thanks",
      RepeatChars("Юникод текст из пяти частей ✓ ", 300),  // 300 UCS-2 units: 5 parts of ≤ 67
  };
  std::map<std::string, std::string> want;  // number -> text
  std::map<std::string, std::int64_t> ids;
  std::set<std::string> numbers;
  for (int i = 0; i < 20; ++i) {
    const std::string number = "+49151123456" + std::to_string(10 + i);
    numbers.insert(number);
    want[number] = kinds[i % kinds.size()];
    ids[number] = Send(number, want[number]);
    ASSERT_GT(ids[number], 0);
  }
  ASSERT_TRUE(WaitArrived(numbers, 240s)) << ArrivedOf(numbers) << " of 20 arrived\n"
                                          << ReadFile(dir_ + "/serve.log");
  auto arrived = Arrived();
  std::set<int> modems_used;
  for (const auto& [number, text] : want) {
    ASSERT_EQ(arrived.count(number), 1u) << number;
    EXPECT_EQ(arrived[number].first, text) << number;
    modems_used.insert(arrived[number].second);
  }
  EXPECT_EQ(modems_used.size(), 2u);
  // The 5-part Unicode text really went as 5 parts.
  bool five_parts = false;
  for (const auto& e : emulators_) {
    for (const json& r : e->Records())
      five_parts |= r.value("text", "") == kinds[4] && r.value("parts", 0) == 5;
  }
  EXPECT_TRUE(five_parts);
  // /messages/sent: every id, with the modem whose emulator got it and a sent status.
  json sent = WaitFolder("sent", 20);
  ASSERT_EQ(sent.size(), 20u) << sent.dump();
  for (const json& item : sent) {
    const std::string number = item["number"];
    EXPECT_EQ(item["id"], ids[number]);
    EXPECT_EQ(item["modem_no"], arrived[number].second) << number;
    EXPECT_TRUE(item["status"] == "sending_ok" || item["status"] == "delivery_ok" ||
                item["status"] == "sending_ok_no_report")
        << item.dump();
  }
}

// Acceptance 2: killing one emulator mid-run; every remaining message still arrives, through the other modem.
TEST_P(GatewayModemTest, KillingOneEmulatorMidRunLosesNoMessage) {
  StartWithEmulators(2);
  ASSERT_FALSE(HasFatalFailure());
  std::set<std::string> numbers;
  for (int i = 0; i < 12; ++i) {
    const std::string number = "+4917000000" + std::to_string(10 + i);
    numbers.insert(number);
    ASSERT_GT(Send(number, "Message " + std::to_string(i)), 0);
  }
  // Kill modem 1's emulator as soon as it has delivered something.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (emulators_[0]->Records().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  ASSERT_FALSE(emulators_[0]->Records().empty());
  emulators_[0]->Kill();
  const std::size_t before_kill = RecordsFor(*emulators_[0], numbers);
  ASSERT_TRUE(WaitArrived(numbers, 180s)) << ArrivedOf(numbers) << " of 12\n"
                                          << ReadFile(dir_ + "/serve.log");
  EXPECT_EQ(RecordsFor(*emulators_[0], numbers), before_kill);
  EXPECT_GE(RecordsFor(*emulators_[1], numbers), 12 - before_kill);
}

// Acceptance 3: +CMS ERROR 38 on the next 3 submissions: retried and sent; every submission failing ends as
// sending_error after the configured retries.
TEST_P(GatewayModemTest, CmsError38IsRetriedAndPersistentFailureEndsAsSendingError) {
  env_["OSPREY_GATEWAY_MAX_RETRIES"] = "3";
  StartWithEmulators(1);
  ASSERT_FALSE(HasFatalFailure());
  emulators_[0]->Control({{"command", "fail_next"}, {"count", 3}, {"cms", 38}});
  const std::int64_t retried = Send("+4915112345678", "retried");
  ASSERT_TRUE(WaitArrived({"+4915112345678"}, 90s)) << ReadFile(dir_ + "/serve.log");
  EXPECT_EQ(Arrived()["+4915112345678"].first, "retried");
  auto sent = WaitFolder("sent", 1);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["id"], retried);

  emulators_[0]->Control({{"command", "fail_every"}, {"n", 1}, {"cms", 38}});
  const std::int64_t doomed = Send("+4915112345679", "never");
  std::string last;
  EXPECT_TRUE(WaitStatus(doomed, "SendingError", 90s, &last)) << last;
  auto errors = WaitFolder("error", 1);
  ASSERT_EQ(errors.size(), 1u) << errors.dump();
  EXPECT_EQ(errors[0]["id"], doomed);
  EXPECT_EQ(errors[0]["status"], "sending_error");
  EXPECT_EQ(errors[0]["error_code"], 38);
  EXPECT_EQ(Arrived().count("+4915112345679"), 0u);
}

// Acceptance 4: delivery reports move messages to `delivered`; a failure report gives delivery_failed.
TEST_P(GatewayModemTest, DeliveryReportsReachTheMessages) {
  StartWithEmulators(1);
  ASSERT_FALSE(HasFatalFailure());
  emulators_[0]->Control({{"command", "report"}, {"status", "delivered"}, {"delay_s", 0}});
  const std::int64_t ok = Send("+4915100000001", "will be delivered");
  EXPECT_TRUE(WaitStatus(ok, "DeliveryOK", 60s)) << ReadFile(dir_ + "/serve.log");
  auto delivered = Folder("delivered");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0]["id"], ok);
  EXPECT_EQ(delivered[0]["status"], "delivery_ok");

  emulators_[0]->Control({{"command", "report"}, {"status", "failed"}, {"delay_s", 0}});
  const std::int64_t bad = Send("+4915100000002", "will fail");
  std::string last;
  EXPECT_TRUE(WaitStatus(bad, "DeliveryFailed", 60s, &last)) << last;
  EXPECT_EQ(Folder("delivered").size(), 1u);
}

// Acceptance 5: an incoming 3-part SMS is in the inbox once, reassembled, and reaches a webhook receiver that
// answers 500 twice and then 200.
TEST_P(GatewayModemTest, IncomingMultipartSmsReachesInboxOnceAndTheWebhookAfterRetries) {
  HttpReceiver receiver({{500}, {500}, {200}});
  env_["OSPREY_GATEWAY_WEBHOOK_URL"] = receiver.url("/hook");
  env_["OSPREY_GATEWAY_CALLBACK_RETRY_INTERVAL_S"] = "1";
  StartWithEmulators(1);
  ASSERT_FALSE(HasFatalFailure());
  const std::string text = RepeatChars("Incoming long message, part of three. ", 400);
  emulators_[0]->Control({{"command", "deliver"}, {"from", "+4915199999999"}, {"text", text}});
  json inbox;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    inbox = Folder("inbox");
    if (!inbox.empty()) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(inbox.size(), 1u) << inbox.dump() << ReadFile(dir_ + "/serve.log");
  EXPECT_EQ(inbox[0]["text"], text);
  EXPECT_EQ(inbox[0]["number"], "+4915199999999");
  EXPECT_EQ(inbox[0]["modem_no"], 1);
  const auto hook_deadline = std::chrono::steady_clock::now() + 60s;
  while (receiver.Bodies().size() < 3 && std::chrono::steady_clock::now() < hook_deadline)
    std::this_thread::sleep_for(100ms);
  auto bodies = receiver.Bodies();
  ASSERT_EQ(bodies.size(), 3u) << ReadFile(dir_ + "/serve.log");
  for (const auto& body : bodies) {
    json hook = json::parse(body, nullptr, false);
    ASSERT_TRUE(hook.is_object()) << body;
    EXPECT_EQ(hook["event"], "sms.received");
    EXPECT_EQ(hook["text"], text);
    EXPECT_EQ(hook["number"], "+4915199999999");
  }
  std::this_thread::sleep_for(3s);  // no fourth attempt after the 200, and still one inbox message
  EXPECT_EQ(receiver.Bodies().size(), 3u);
  EXPECT_EQ(Folder("inbox").size(), 1u);
}

// Acceptance 6: kill -9 of a worker: it is restarted and no message is lost.
TEST_P(GatewayModemTest, KilledWorkerIsRestartedAndNoMessageIsLost) {
  StartWithEmulators(1);
  ASSERT_FALSE(HasFatalFailure());
  auto workers = WorkerPids();
  ASSERT_EQ(workers.size(), 1u);
  std::set<std::string> numbers;
  for (int i = 0; i < 6; ++i) {
    const std::string number = "+4916000000" + std::to_string(10 + i);
    numbers.insert(number);
    ASSERT_GT(Send(number, "Survives a worker crash " + std::to_string(i)), 0);
  }
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (emulators_[0]->Records().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(kill(workers[0], SIGKILL), 0);
  ASSERT_TRUE(WaitArrived(numbers, 180s)) << ArrivedOf(numbers) << " of 6\n" << ReadFile(dir_ + "/serve.log");
  auto restarted = WorkerPids();
  ASSERT_EQ(restarted.size(), 1u);
  EXPECT_NE(restarted[0], workers[0]);
  // Only a part that was being submitted at the kill may have gone out twice.
  EXPECT_LE(RecordsFor(*emulators_[0], numbers), 7u);
  EXPECT_EQ(WaitFolder("sent", 6).size(), 6u);
}

// Ctrl-C in the terminal of scripts/run.sh: SIGINT to the whole foreground process group. The gateway stops
// its workers itself; none may die of the SIGINT and be logged as a failure to restart (found by running
// run.sh on a fresh Debian 12 machine).
TEST_P(GatewayModemTest, CtrlCStopsTheWorkersInOrder) {
  StartWithEmulators(1);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_GT(Send("+491600000099", "Before Ctrl-C"), 0);
  ASSERT_EQ(WaitFolder("sent", 1).size(), 1u) << ReadFile(dir_ + "/serve.log");
  proc_->SignalGroup(SIGINT);
  EXPECT_EQ(proc_->WaitExit(30s), 0);
  const std::string log = ReadFile(dir_ + "/serve.log");
  EXPECT_EQ(log.find("killed by signal"), std::string::npos) << log;
  EXPECT_EQ(log.find("worker failed"), std::string::npos) << log;
  // Nor does the modem's start read as an outage ("out of service" at warn, then "back in service").
  EXPECT_EQ(log.find("out of service"), std::string::npos) << log;
}

// SIGTERM (systemd, docker stop) reaches only the gateway: it asks the worker to shut down, and the worker's
// exit is logged before the logger is shut down (the log line from the destructor crashed the process).
TEST_P(GatewayModemTest, SigtermStopsTheWorkersAndExitsZero) {
  StartWithEmulators(1);
  ASSERT_FALSE(HasFatalFailure());
  proc_->Signal(SIGTERM);
  EXPECT_EQ(proc_->WaitExit(30s), 0);
  const std::string log = ReadFile(dir_ + "/serve.log");
  EXPECT_NE(log.find("exited with status 0"), std::string::npos) << log;
  EXPECT_LT(log.find("exited with status 0"), log.find("[osprey] stopped")) << log;
}

// Deliver item 6: the modem endpoints and APIv1 get_gsmsignal answer from the worker's live state.
// libgammu is loaded by the modem worker at run time, not linked (smsgw/gammu/gammu_library.hpp): the
// serving process never maps it, while the worker that drives the emulator does.
TEST_P(GatewayModemTest, OnlyTheModemWorkerMapsLibgammu) {
  StartWithEmulators(1);
  ASSERT_FALSE(HasFatalFailure());
  auto r = Call("GET", "/api/v2/modem/imei/1");  // answered from the worker's libgammu session
  ASSERT_EQ(r.status, 200) << r.body;
  auto maps_of = [](pid_t pid) { return ReadFile("/proc/" + std::to_string(pid) + "/maps"); };
  const pid_t server = proc_->pid();
  EXPECT_EQ(maps_of(server).find("libGammu"), std::string::npos);
  std::vector<pid_t> workers;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = ReadFile(entry.path().string() + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    std::string state;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == server) workers.push_back(static_cast<pid_t>(std::stol(name)));
  }
  ASSERT_FALSE(workers.empty());
  bool mapped = false;
  for (pid_t w : workers) mapped = mapped || maps_of(w).find("libGammu") != std::string::npos;
  EXPECT_TRUE(mapped) << workers.size() << " children of the server, none maps libGammu";
}

TEST_P(GatewayModemTest, ModemEndpointsAnswerFromTheWorkersLiveState) {
  StartWithEmulators(1);
  ASSERT_FALSE(HasFatalFailure());
  auto get = [&](const std::string& path) {
    auto r = Call("GET", "/api/v2/modem/" + path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.status == 200 ? json::parse(r.body) : json();
  };
  // The emulator's identity (smsgw/emulator/at_modem.hpp defaults), as libgammu read it.
  EXPECT_EQ(get("imei/1"), json({{"modem_no", 1}, {"imei", "356938035643809"}}));
  EXPECT_EQ(get("imsi/1"), json({{"modem_no", 1}, {"imsi", "001010123456789"}}));
  EXPECT_EQ(get("net_name/1"), json({{"modem_no", 1}, {"net_name", "Osprey Net"}}));
  EXPECT_EQ(get("network_registration_status/1"),
            json({{"modem_no", 1}, {"sim_network_registration_status", "Registered Home"}}));
  const int strong = get("signal/1").value("signal_strength", -100);
  EXPECT_GT(strong, 50);  // +CSQ: 20,99
  EXPECT_LE(strong, 100);
  json full = get("full_info");
  ASSERT_TRUE(full.is_array() && full.size() == 1) << full.dump();
  EXPECT_EQ(full[0]["imei"], "356938035643809");

  const std::string v1_token =
      AddUserWithToken("v1-" + UniqueSuffix(), {"apiv1.signal"}, {"--apiv1", "true"}, {"--kind", "apiv1"});
  auto v1 = [&] {
    auto r =
        GatewayTest::Call("GET", "/http_api/get_gsmsignal?access_token=" + v1_token + "&modem_no=1", "", "");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  };
  EXPECT_EQ(v1(), std::to_string(strong));

  // A weaker signal reaches the API with the next heartbeat.
  emulators_[0]->Control({{"command", "signal"}, {"rssi", 5}});
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  int weak = strong;
  while (weak == strong && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
    weak = get("signal/1").value("signal_strength", strong);
  }
  EXPECT_LT(weak, strong);
  EXPECT_GE(weak, 0);
  EXPECT_EQ(v1(), std::to_string(weak));
}

INSTANTIATE_TEST_SUITE_P(Engines, GatewayModemTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osprey::blackbox
