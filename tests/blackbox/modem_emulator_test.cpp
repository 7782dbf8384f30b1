// `osprey modem-emulator` against the real `gammu` command-line tool (Debian package gammu; modems-and-sms.md
// §3): identify, security status, network info, sending (single, multipart Unicode), reading a delivered
// SMS, fault injection, the control verbs and SIGTERM. Every child run has a deadline.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "smsgw/emulator/control.hpp"
#include "tests/blackbox/harness.hpp"

namespace osprey::blackbox {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kGammu = "/usr/bin/gammu";
constexpr auto kGammuTimeout = 60s;
const std::string kNumber = "+4915112345678";

std::vector<json> JsonLines(const std::string& path) {
  std::vector<json> lines;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(json::parse(line));
  }
  return lines;
}

class ModemEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kGammu, X_OK) != 0) GTEST_SKIP() << "gammu is not installed";
    dir_ = MakeTempDir();
    record_ = dir_ + "/record.jsonl";
    control_ = dir_ + "/control.sock";
    emulator_ = std::make_unique<OspreyProcess>(
        std::vector<std::string>{"modem-emulator", "--record", record_, "--control", control_, "--log",
                                 dir_ + "/traffic.log", "--imei", "490154203237518"},
        std::map<std::string, std::string>{}, dir_ + "/emulator.out");
    std::optional<std::string> pty = WaitFirstLine(dir_ + "/emulator.out", 10s);
    ASSERT_TRUE(pty.has_value()) << ReadFile(dir_ + "/emulator.out");
    ASSERT_EQ(pty->rfind("/dev/pts/", 0), 0u) << *pty;
    pty_ = *pty;
    rc_ = dir_ + "/gammurc";
    std::ofstream(rc_) << "[gammu]\nport = " << pty_ << "\nconnection = at\nmodel = at\n";
  }
  void TearDown() override {
    emulator_.reset();
    if (!dir_.empty()) RemoveTree(dir_);
  }
  RunResult Gammu(std::vector<std::string> args) {
    args.insert(args.begin(), {kGammu, "-c", rc_});
    return RunProgram(args, kGammuTimeout);
  }
  RunResult Verb(std::vector<std::string> args) {
    args.insert(args.begin(), "modem-emulator");
    args.insert(args.begin() + 2, {"--control", control_});
    return RunOsprey(args);
  }
  std::string Traffic() { return ReadFile(dir_ + "/traffic.log"); }

  std::string dir_, record_, control_, pty_, rc_;
  std::unique_ptr<OspreyProcess> emulator_;
};

TEST_F(ModemEmulatorTest, GammuIdentifiesTheModem) {
  RunResult identify = Gammu({"identify"});
  EXPECT_EQ(identify.exit_code, 0) << identify.output;
  EXPECT_NE(identify.output.find("490154203237518"), std::string::npos) << identify.output;
  EXPECT_NE(identify.output.find("001010123456789"), std::string::npos) << identify.output;
  RunResult security = Gammu({"getsecuritystatus"});
  EXPECT_EQ(security.exit_code, 0) << security.output;
  EXPECT_NE(security.output.find("Nothing to enter"), std::string::npos) << security.output;
  RunResult network = Gammu({"networkinfo"});
  EXPECT_EQ(network.exit_code, 0) << network.output;
  EXPECT_NE(network.output.find("home network"), std::string::npos) << network.output;
}

TEST_F(ModemEmulatorTest, GammuSendsASingleSms) {
  RunResult sent = Gammu({"sendsms", "TEXT", kNumber, "-text", "Hello via fake AT modem"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output << Traffic();
  std::vector<json> lines = JsonLines(record_);
  ASSERT_EQ(lines.size(), 1u) << ReadFile(record_);
  EXPECT_EQ(lines[0]["number"], kNumber);
  EXPECT_EQ(lines[0]["text"], "Hello via fake AT modem");
  EXPECT_EQ(lines[0]["parts"], 1);
  EXPECT_TRUE(lines[0]["class"].is_null());
  EXPECT_TRUE(lines[0]["time"].is_string());
  EXPECT_NE(Traffic().find("\"destination\":\"" + kNumber + "\""), std::string::npos);
}

TEST_F(ModemEmulatorTest, GammuSendsALongUnicodeTextInParts) {
  // 400 characters (Cyrillic: UCS-2, all in the BMP) = 400 UTF-16 units = 6 parts of at most 67.
  const std::string unit = "Привет, мир! ";  // 13 characters, 20 bytes
  std::string text;
  for (int i = 0; i < 30; ++i) text += unit;  // 390 characters
  text += "0123456789";                       // 400
  const std::string expected = text;
  RunResult sent = Gammu({"sendsms", "TEXT", kNumber, "-len", "400", "-unicode", "-text", text});
  ASSERT_EQ(sent.exit_code, 0) << sent.output << Traffic();
  std::vector<json> lines = JsonLines(record_);
  ASSERT_EQ(lines.size(), 1u) << ReadFile(record_);
  EXPECT_EQ(lines[0]["parts"], 6);  // 400 units / 67
  EXPECT_EQ(lines[0]["text"], expected);
  EXPECT_EQ(lines[0]["number"], kNumber);
}

TEST_F(ModemEmulatorTest, DeliveredSmsShowsUpInGetAllSms) {
  RunResult verb = Verb({"deliver", "--from", "+4915199999999", "--text", "Incoming hello"});
  ASSERT_EQ(verb.exit_code, 0) << verb.output;
  EXPECT_EQ(json::parse(verb.output)["indexes"], json({1}));
  RunResult verb2 = Verb({"deliver", "--from", "+4915199999999", "--text", "Kod ✓", "--encoding", "ucs2"});
  ASSERT_EQ(verb2.exit_code, 0) << verb2.output;
  RunResult all = Gammu({"getallsms"});
  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("Incoming hello"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("Kod ✓"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("+4915199999999"), std::string::npos) << all.output;
}

TEST_F(ModemEmulatorTest, FailNextMakesTheNextSendFail) {
  RunResult verb = Verb({"fail-next", "1", "--cms", "38"});
  ASSERT_EQ(verb.exit_code, 0) << verb.output;
  RunResult failed = Gammu({"sendsms", "TEXT", kNumber, "-text", "first"});
  EXPECT_NE(failed.exit_code, 0) << failed.output;
  RunResult sent = Gammu({"sendsms", "TEXT", kNumber, "-text", "second"});
  EXPECT_EQ(sent.exit_code, 0) << sent.output;
  std::vector<json> lines = JsonLines(record_);
  ASSERT_EQ(lines.size(), 1u) << ReadFile(record_);
  EXPECT_EQ(lines[0]["text"], "second");
  EXPECT_NE(Traffic().find("+CMS ERROR: 38"), std::string::npos);
  RunResult stats = Verb({"stats"});
  ASSERT_EQ(stats.exit_code, 0) << stats.output;
  json s = json::parse(stats.output);
  EXPECT_EQ(s["submits_accepted"], 1);
  EXPECT_EQ(s["submits_refused"], 1);
}

TEST_F(ModemEmulatorTest, VerbsRejectBadInputWithExitOne) {
  RunResult bad = Verb({"signal", "40"});
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("rssi"), std::string::npos) << bad.output;
  RunResult gsm7 = Verb({"deliver", "--from", "+491", "--text", "Привет", "--encoding", "gsm7"});
  EXPECT_EQ(gsm7.exit_code, 1) << gsm7.output;
  RunResult nowhere = RunOsprey({"modem-emulator", "stats", "--control", dir_ + "/missing.sock"});
  EXPECT_EQ(nowhere.exit_code, 1) << nowhere.output;
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"silent", "on"},
                                             {"silent", "off"},
                                             {"network", "off"},
                                             {"network", "on"},
                                             {"sim", "ready"},
                                             {"latency", "0"},
                                             {"swallow", "0"},
                                             {"fail-every", "0"},
                                             {"report", "--status", "failed", "--delay", "2"}}) {
    RunResult r = Verb(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.output;
  }
}

// libgammu's `proxyat` connection runs the device string as a command with the modem line on its stdio
// (§3 item 1): each gammu run gets its own emulator process.
TEST_F(ModemEmulatorTest, GammuProxyAtRunsTheEmulatorOnStdio) {
  const std::string record = dir_ + "/proxy-record.jsonl";
  const std::string rc = dir_ + "/proxy-gammurc";
  std::ofstream(rc) << "[gammu]\nport = " << OSPREY_BINARY << " modem-emulator --stdio --record " << record
                    << "\nconnection = proxyat\nmodel = at\n";
  RunResult sent =
      RunProgram({kGammu, "-c", rc, "sendsms", "TEXT", kNumber, "-text", "Over stdio €"}, kGammuTimeout);
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  std::vector<json> lines = JsonLines(record);
  ASSERT_EQ(lines.size(), 1u) << ReadFile(record);
  EXPECT_EQ(lines[0]["text"], "Over stdio €");
}

TEST_F(ModemEmulatorTest, CloseVerbExitsZero) {
  RunResult closed = Verb({"close"});
  EXPECT_EQ(closed.exit_code, 0) << closed.output;
  EXPECT_EQ(emulator_->WaitExit(10s), std::optional<int>(0));
}

TEST_F(ModemEmulatorTest, SigtermExitsZero) {
  emulator_->Signal(SIGTERM);
  EXPECT_EQ(emulator_->WaitExit(10s), std::optional<int>(0));
}

}  // namespace
}  // namespace osprey::blackbox
