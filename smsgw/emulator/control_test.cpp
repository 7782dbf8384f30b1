// The control protocol (control.hpp): every verb applied to an AtModem, and the socket client against a
// runner in a thread. No network; only AF_UNIX sockets in a temp dir; every wait has a deadline.
#include "smsgw/emulator/control.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <thread>

#include "smsgw/emulator/emulator_runner.hpp"

namespace osprey::smsgw::emulator {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr std::string_view kPdu =
    "07915155000000F011000B915155214365F70000FF17C8329BFD06D9D3619039BC2E83825450FB4D2EB701";
const std::string kOk = "\r\n+CMGS: ";

class ControlTest : public ::testing::Test {
 protected:
  ControlTest() : modem_(ModemConfig{}, clock_) {
    modem_.Feed("ATE0\r");
    modem_.Feed("AT+CMEE=1\r");
  }
  json Apply(const json& request) { return ApplyControl(request, modem_, stats_).reply; }
  std::string Submit() {
    modem_.Feed("AT+CMGS=35\r");
    return modem_.Feed(std::string(kPdu) + "\x1a");
  }

  FakeClock clock_{Clock::TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 11 / 29))};
  AtModem modem_;
  EmulatorStats stats_;
};

TEST_F(ControlTest, DeliverStoresSingleAndMultipartMessages) {
  modem_.Feed("AT+CNMI=2,1,0,2,0\r");
  json reply = Apply({{"command", "deliver"}, {"from", "+4915112345678"}, {"text", "Hi"}});
  EXPECT_EQ(reply, (json{{"ok", true}, {"indexes", {1}}}));
  reply = Apply({{"command", "deliver"}, {"from", "+4915112345678"}, {"text", std::string(200, 'x')}});
  EXPECT_EQ(reply["indexes"], (json{2, 3}));
  EXPECT_EQ(modem_.StoredCount(), 3u);
  EXPECT_NE(modem_.Tick().find("+CMTI: \"SM\",3"), std::string::npos);
}

TEST_F(ControlTest, DeliverHonoursEncodingAndTime) {
  json gsm7 = Apply({{"command", "deliver"}, {"from", "+491"}, {"text", "Привет"}, {"encoding", "gsm7"}});
  EXPECT_EQ(gsm7["ok"], false);
  EXPECT_EQ(modem_.StoredCount(), 0u);
  json ucs2 = Apply({{"command", "deliver"},
                     {"from", "+491"},
                     {"text", "plain"},
                     {"encoding", "ucs2"},
                     {"time", "2026-01-02T03:04:05Z"}});
  ASSERT_EQ(ucs2["ok"], true) << ucs2;
  std::string listing = modem_.Feed("AT+CMGR=1\r");
  std::size_t start = listing.find("\r\n", listing.find("+CMGR:")) + 2;
  Result<sms::Deliver> d = sms::DecodeDeliver(listing.substr(start, listing.find("\r\n", start) - start));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->coding.alphabet, sms::Alphabet::kUcs2);
  EXPECT_EQ(d->scts.utc, std::chrono::sys_days(std::chrono::year{2026} / 1 / 2) + 3h + 4min + 5s);
  EXPECT_EQ(Apply({{"command", "deliver"}, {"from", "+491"}, {"text", "x"}, {"encoding", "8bit"}})["ok"],
            false);
  EXPECT_EQ(Apply({{"command", "deliver"}, {"from", "+491"}, {"text", "x"}, {"time", "yesterday"}})["ok"],
            false);
  EXPECT_EQ(Apply({{"command", "deliver"}, {"text", "x"}})["error"], "missing field 'from'");
}

TEST_F(ControlTest, ReportSetsStatusAndDelay) {
  EXPECT_EQ(Apply({{"command", "report"}, {"status", "failed"}, {"delay_s", 5}}),
            (json{{"ok", true}, {"tp_st", 0x40}}));
  EXPECT_EQ(Apply({{"command", "report"}, {"status", 0x21}})["tp_st"], 0x21);
  EXPECT_EQ(Apply({{"command", "report"}, {"status", "lost"}})["ok"], false);
  EXPECT_EQ(Apply({{"command", "report"}, {"status", 256}})["ok"], false);
  EXPECT_EQ(ParseReportStatus("delivered").value(), 0x00);
  EXPECT_EQ(ParseReportStatus("pending").value(), 0x20);
  EXPECT_EQ(ParseReportStatus("70").value(), 70);
  EXPECT_FALSE(ParseReportStatus("7x").ok());
}

TEST_F(ControlTest, FaultVerbsChangeSubmitAnswers) {
  EXPECT_EQ(Apply({{"command", "fail_next"}, {"count", 1}, {"cms", 38}})["ok"], true);
  EXPECT_EQ(Submit(), "\r\n+CMS ERROR: 38\r\n");
  EXPECT_EQ(Submit().substr(0, kOk.size()), kOk);
  EXPECT_EQ(Apply({{"command", "fail_every"}, {"n", 1}})["ok"], true);  // cms defaults to 500
  EXPECT_EQ(Submit(), "\r\n+CMS ERROR: 500\r\n");
  Apply({{"command", "fail_every"}, {"n", 0}});
  Apply({{"command", "swallow"}, {"count", 1}});
  EXPECT_EQ(Submit(), "");
  Apply({{"command", "latency"}, {"ms", 200}});
  EXPECT_EQ(Submit(), "");
  clock_.Advance(200ms);
  EXPECT_EQ(modem_.Tick().substr(0, kOk.size()), kOk);
  Apply({{"command", "latency"}, {"ms", 0}});
  Apply({{"command", "network"}, {"on", false}});
  EXPECT_EQ(Submit(), "\r\n+CMS ERROR: 331\r\n");
  Apply({{"command", "network"}, {"on", true}});
  Apply({{"command", "silent"}, {"on", true}});
  EXPECT_EQ(modem_.Feed("AT\r"), "");
  Apply({{"command", "silent"}, {"on", false}});
  EXPECT_EQ(modem_.Feed("AT\r"), "\r\nOK\r\n");
  EXPECT_EQ(Apply({{"command", "fail_next"}, {"count", -1}})["ok"], false);
  EXPECT_EQ(Apply({{"command", "silent"}, {"on", "yes"}})["ok"], false);
}

TEST_F(ControlTest, SignalAndSimChangeModemState) {
  EXPECT_EQ(Apply({{"command", "signal"}, {"rssi", 7}})["ok"], true);
  EXPECT_EQ(modem_.Feed("AT+CSQ\r"), "\r\n+CSQ: 7,99\r\n\r\nOK\r\n");
  EXPECT_EQ(Apply({{"command", "signal"}, {"rssi", 50}})["ok"], false);
  EXPECT_EQ(Apply({{"command", "sim"}, {"state", "pin"}})["ok"], true);
  EXPECT_EQ(modem_.Feed("AT+CPIN?\r"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
  EXPECT_EQ(Apply({{"command", "sim"}, {"state", "none"}})["ok"], true);
  EXPECT_EQ(modem_.Feed("AT+CPIN?\r"), "\r\n+CME ERROR: 10\r\n");
  EXPECT_EQ(Apply({{"command", "sim"}, {"state", "gone"}})["ok"], false);
}

TEST_F(ControlTest, StatsCloseAndMalformedRequests) {
  stats_.submits_accepted = 3;
  stats_.submits_refused = 1;
  stats_.messages = 2;
  EXPECT_EQ(
      Apply({{"command", "stats"}}),
      (json{{"ok", true}, {"submits_accepted", 3}, {"submits_refused", 1}, {"messages", 2}, {"stored", 0}}));
  ControlResult close = ApplyControl({{"command", "close"}}, modem_, stats_);
  EXPECT_TRUE(close.close);
  EXPECT_EQ(close.reply, (json{{"ok", true}}));
  EXPECT_EQ(Apply({{"command", "reboot"}})["error"], "unknown command 'reboot'");
  EXPECT_EQ(Apply(json::array())["ok"], false);
  EXPECT_EQ(ApplyControlLine("{not json", modem_, stats_).reply["ok"], false);
  EXPECT_FALSE(ApplyControlLine("{\"command\":\"close\"}", modem_, stats_).reply.is_null());
}

// A runner on a pty with a control socket, served by a thread.
class ControlSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "osprey-ctl.XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    RunnerOptions options;
    options.control_path = dir_ + "/control.sock";
    Result<std::unique_ptr<EmulatorRunner>> runner = EmulatorRunner::Create(options, clock_);
    ASSERT_TRUE(runner.ok()) << runner.error().message();
    runner_ = std::move(*runner);
    thread_ = std::thread([this] { run_status_ = runner_->Run(); });
  }
  void TearDown() override {
    if (runner_) runner_->RequestStop();
    if (thread_.joinable()) thread_.join();
    runner_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string Socket() const { return dir_ + "/control.sock"; }

  SystemClock clock_;
  std::string dir_;
  std::unique_ptr<EmulatorRunner> runner_;
  std::thread thread_;
  Status run_status_ = Error(ErrorCode::kInternal, "not run");
};

TEST_F(ControlSocketTest, AnswersSeveralClientsInTurn) {
  Result<json> stats = EmulatorControl(Socket(), {{"command", "stats"}});
  ASSERT_TRUE(stats.ok()) << stats.error().message();
  EXPECT_EQ((*stats)["stored"], 0);
  Result<json> delivered =
      EmulatorControl(Socket(), {{"command", "deliver"}, {"from", "+491"}, {"text", "x"}});
  ASSERT_TRUE(delivered.ok()) << delivered.error().message();
  EXPECT_EQ((*delivered)["indexes"], json({1}));
  stats = EmulatorControl(Socket(), {{"command", "stats"}});
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ((*stats)["stored"], 1);
  struct stat st {};
  ASSERT_EQ(::stat(Socket().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ControlSocketTest, RefusalIsFailedPreconditionWithTheReason) {
  Result<json> reply = EmulatorControl(Socket(), {{"command", "signal"}, {"rssi", 40}});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(reply.error().message(), "rssi must be 0..31 or 99");
}

TEST_F(ControlSocketTest, CloseEndsRunAndRemovesTheSocket) {
  Result<json> reply = EmulatorControl(Socket(), {{"command", "close"}});
  ASSERT_TRUE(reply.ok()) << reply.error().message();
  thread_.join();
  EXPECT_TRUE(run_status_.ok());
  EXPECT_FALSE(std::filesystem::exists(Socket()));
  Result<json> after = EmulatorControl(Socket(), {{"command", "stats"}}, 500ms);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code(), ErrorCode::kUnavailable);
}

TEST_F(ControlSocketTest, StopRequestEndsRun) {
  runner_->RequestStop();
  thread_.join();
  EXPECT_TRUE(run_status_.ok());
}

TEST(ControlClientTest, NoEmulatorIsUnavailable) {
  Result<json> reply = EmulatorControl("/nonexistent-dir/control.sock", {{"command", "stats"}}, 200ms);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(EmulatorControl(std::string(200, 'x'), {{"command", "stats"}}).error().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace osprey::smsgw::emulator
