// Line discipline, identity/state commands and libgammu's init sequence (modems-and-sms.md §2, §3 items 2-4,
// 7).
#include "smsgw/emulator/at_modem.hpp"

#include <gtest/gtest.h>

#include <string>

namespace osprey::smsgw::emulator {
namespace {

using namespace std::chrono_literals;

class AtModemTest : public ::testing::Test {
 protected:
  // Sends one command line; returns everything the modem wrote.
  std::string Cmd(std::string_view line) { return modem_.Feed(std::string(line) + "\r"); }
  // Same with echo expected: the line, CR, then `reply`.
  void ExpectEcho(std::string_view line, std::string_view reply) {
    EXPECT_EQ(Cmd(line), std::string(line) + "\r" + std::string(reply)) << line;
  }

  FakeClock clock_{Clock::TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 11 / 29))};
  AtModem modem_{ModemConfig{}, clock_};
};

TEST_F(AtModemTest, EchoesAndAnswersOk) {
  EXPECT_EQ(Cmd("AT"), "AT\r\r\nOK\r\n");
  EXPECT_EQ(modem_.Feed("at\r\n"), "at\r\r\nOK\r\n");  // lower case accepted, LF after CR skipped
}

TEST_F(AtModemTest, LineMayArriveByteByByte) {
  std::string out;
  for (char c : std::string("AT+CSQ\r\nAT\r")) out += modem_.Feed(std::string(1, c));
  EXPECT_EQ(out, "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\nAT\r\r\nOK\r\n");
}

TEST_F(AtModemTest, PartialLineGetsNoAnswerYet) {
  EXPECT_EQ(modem_.Feed("AT+CG"), "AT+CG");
  EXPECT_EQ(modem_.Feed("MI\r"), "MI\r\r\nOsprey\r\n\r\nOK\r\n");
}

TEST_F(AtModemTest, EmptyLineIsIgnoredAndGarbageIsError) {
  EXPECT_EQ(modem_.Feed("\r"), "\r");
  EXPECT_EQ(Cmd("hello"), "hello\r\r\nERROR\r\n");
}

TEST_F(AtModemTest, EchoOffAndOn) {
  EXPECT_EQ(Cmd("ATE0"), "ATE0\r\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("ATE1"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT"), "AT\r\r\nOK\r\n");
}

TEST_F(AtModemTest, UnknownCommandByCmee) {
  ASSERT_EQ(Cmd("ATE0"), "ATE0\r\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+FOO"), "\r\nERROR\r\n");
  EXPECT_EQ(Cmd("AT+CMEE=1"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+FOO=?"), "\r\n+CME ERROR: 4\r\n");
  EXPECT_EQ(Cmd("ATX9"), "\r\n+CME ERROR: 4\r\n");
  EXPECT_EQ(Cmd("AT+CMEE=2"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+FOO"), "\r\n+CME ERROR: operation not supported\r\n");
  EXPECT_EQ(Cmd("AT+CMEE?"), "\r\n+CMEE: 2\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CMEE=3"), "\r\n+CME ERROR: operation not supported\r\n");
}

TEST_F(AtModemTest, ResetRestoresEchoCmeeCmgfCnmi) {
  for (const char* cmd : {"ATE0", "AT+CMEE=1", "AT+CMGF=1", "AT+CNMI=2,1,0,2,0"}) Cmd(cmd);
  EXPECT_EQ(Cmd("ATZ"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CMGF?"), "AT+CMGF?\r\r\n+CMGF: 0\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CNMI?"), "AT+CNMI?\r\r\n+CNMI: 0,0,0,0,0\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+FOO"), "AT+FOO\r\r\nERROR\r\n");
  Cmd("ATE0");
  Cmd("AT+CMEE=1");
  EXPECT_EQ(Cmd("AT&F"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+FOO"), "AT+FOO\r\r\nERROR\r\n");
}

TEST(AtModemIdentityTest, AnswersConfiguredIdentity) {
  FakeClock clock;
  ModemConfig config;
  config.identity = {"ACME", "M1", "R7", "490154203237518", "262011234567890", "+4917200000", "TestNet"};
  config.rssi = 17;
  AtModem modem(config, clock);
  auto cmd = [&](std::string_view line) { return modem.Feed(std::string(line) + "\r"); };
  ASSERT_EQ(cmd("ATE0"), "ATE0\r\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+CGMI"), "\r\nACME\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+GMI"), "\r\nACME\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+CGMM"), "\r\nM1\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+GMM"), "\r\nM1\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+CGMR"), "\r\nR7\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+GMR"), "\r\nR7\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+CGSN"), "\r\n490154203237518\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+GSN"), "\r\n490154203237518\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+CIMI"), "\r\n262011234567890\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("ATI"), "\r\nACME\r\nM1\r\nRevision: R7\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+CSCA?"), "\r\n+CSCA: \"+4917200000\",145\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+COPS?"), "\r\n+COPS: 0,0,\"TestNet\"\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+CSQ"), "\r\n+CSQ: 17,99\r\n\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+CSCA=\"0301234\",129"), "\r\nOK\r\n");
  EXPECT_EQ(cmd("AT+CSCA?"), "\r\n+CSCA: \"0301234\",129\r\n\r\nOK\r\n");
}

TEST_F(AtModemTest, SimStates) {
  Cmd("ATE0");
  EXPECT_EQ(Cmd("AT+CPIN?"), "\r\n+CPIN: READY\r\n\r\nOK\r\n");
  modem_.SetSimState(SimState::kPinRequired);
  EXPECT_EQ(Cmd("AT+CPIN?"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CIMI"), "\r\nERROR\r\n");
  Cmd("AT+CMEE=1");
  EXPECT_EQ(Cmd("AT+CIMI"), "\r\n+CME ERROR: 11\r\n");
  EXPECT_EQ(Cmd("AT+CMGS=35"), "\r\n+CMS ERROR: 311\r\n");
  modem_.SetSimState(SimState::kPukRequired);
  EXPECT_EQ(Cmd("AT+CPIN?"), "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CMGL=4"), "\r\n+CMS ERROR: 316\r\n");
  modem_.SetSimState(SimState::kNotInserted);
  EXPECT_EQ(Cmd("AT+CPIN?"), "\r\n+CME ERROR: 10\r\n");
  EXPECT_EQ(Cmd("AT+CPMS?"), "\r\n+CMS ERROR: 310\r\n");
}

TEST_F(AtModemTest, PinEntryUnlocksTheSimOnlyWithTheRightPin) {
  Cmd("ATE0");
  Cmd("AT+CMEE=1");
  modem_.SetSimState(SimState::kPinRequired);
  EXPECT_EQ(Cmd("AT+CPIN=\"0000\""), "\r\n+CME ERROR: 16\r\n");
  EXPECT_EQ(Cmd("AT+CPIN?"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CPIN=\"1234\""), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CPIN?"), "\r\n+CPIN: READY\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CPIN=1234"), "\r\nOK\r\n");  // nothing left to enter
  modem_.SetSimState(SimState::kPukRequired);
  EXPECT_EQ(Cmd("AT+CPIN=1234"), "\r\n+CME ERROR: 12\r\n");
}

TEST_F(AtModemTest, RegistrationAndSignal) {
  Cmd("ATE0");
  EXPECT_EQ(Cmd("AT+CREG?"), "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CREG=2"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CREG?"), "\r\n+CREG: 2,1,\"00A1\",\"0B12\"\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CGREG=2"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CGREG?"), "\r\n+CGREG: 2,1,\"00A1\",\"0B12\"\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CGATT?"), "\r\n+CGATT: 1\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+COPS=3,2"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+COPS?"), "\r\n+COPS: 0,2,\"00101\"\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+COPS=3,0"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+COPS?"), "\r\n+COPS: 0,0,\"Osprey Net\"\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CREG=7"), "\r\nERROR\r\n");
  ASSERT_TRUE(modem_.SetSignal(99).ok());
  EXPECT_EQ(Cmd("AT+CSQ"), "\r\n+CSQ: 99,99\r\n\r\nOK\r\n");
  ASSERT_TRUE(modem_.SetSignal(0).ok());
  EXPECT_EQ(Cmd("AT+CSQ"), "\r\n+CSQ: 0,99\r\n\r\nOK\r\n");
  EXPECT_FALSE(modem_.SetSignal(32).ok());
  EXPECT_FALSE(modem_.SetSignal(-1).ok());
  modem_.SetOffNetwork(true);
  EXPECT_EQ(Cmd("AT+CREG?"), "\r\n+CREG: 2,0\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+COPS?"), "\r\n+COPS: 0\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CGATT?"), "\r\n+CGATT: 0\r\n\r\nOK\r\n");
  modem_.SetOffNetwork(false);
  EXPECT_EQ(Cmd("AT+CREG?"), "\r\n+CREG: 2,1,\"00A1\",\"0B12\"\r\n\r\nOK\r\n");
}

TEST_F(AtModemTest, SettingsCommands) {
  Cmd("ATE0");
  EXPECT_EQ(Cmd("AT+CSCS?"), "\r\n+CSCS: \"GSM\"\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CSCS=?"), "\r\n+CSCS: (\"GSM\",\"IRA\",\"UCS2\")\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CSCS=\"UCS2\""), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CSCS?"), "\r\n+CSCS: \"UCS2\"\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CSCS=\"KOI8\""), "\r\nERROR\r\n");
  EXPECT_EQ(Cmd("AT+CFUN=1"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CFUN?"), "\r\n+CFUN: 1\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CBC"), "\r\n+CBC: 0,100\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+IFC=2,2"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CSMS=?"), "\r\n+CSMS: (0,1)\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CSMS?"), "\r\n+CSMS: 0,1,1,1\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CSMS=0"), "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CMMS=2"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CUSD=1"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CMGF=?"), "\r\n+CMGF: (0,1)\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CMGF=1"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CMGF?"), "\r\n+CMGF: 1\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CNMI=?"), "\r\n+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CNMI=2,1,0,2,0"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CNMI?"), "\r\n+CNMI: 2,1,0,2,0\r\n\r\nOK\r\n");
}

// libgammu 1.42's init with an empty model (§2), then "enable notifications" and SMSD housekeeping: every
// command gets the answer a real modem gives, probes that libgammu tolerates failing fail.
TEST_F(AtModemTest, ReplaysLibgammuInit) {
  EXPECT_EQ(modem_.Feed("\x1b\r"), "\x1b\r\r\nERROR\r\n");
  for (int pass = 0; pass < 2; ++pass) {
    ExpectEcho("AT", "\r\nOK\r\n");
    ExpectEcho("ATE1", "\r\nOK\r\n");
    ExpectEcho("AT+MODE=2", pass == 0 ? "\r\nERROR\r\n" : "\r\n+CME ERROR: 4\r\n");
    ExpectEcho("AT+CMEE=1", "\r\nOK\r\n");
    ExpectEcho("AT+CSCS?", "\r\n+CSCS: \"GSM\"\r\n\r\nOK\r\n");
    ExpectEcho("AT+CSCS=?", "\r\n+CSCS: (\"GSM\",\"IRA\",\"UCS2\")\r\n\r\nOK\r\n");
    ExpectEcho("AT+CGMM", "\r\nAT Emulator\r\n\r\nOK\r\n");
    ExpectEcho("AT+CGMI", "\r\nOsprey\r\n\r\nOK\r\n");
    for (const char* probe : {"AT+CPROT=?", "AT+SYNCML=?", "AT$TSSPCSW=?", "AT+CHUP=?"}) {
      ExpectEcho(probe, "\r\n+CME ERROR: 4\r\n");
    }
  }
  ExpectEcho("AT+CGMR", "\r\n1.0\r\n\r\nOK\r\n");
  ExpectEcho("AT+CFUN=1", "\r\nOK\r\n");
  ExpectEcho("AT+CPMS=?", "\r\n+CPMS: (\"SM\"),(\"SM\"),(\"SM\")\r\n\r\nOK\r\n");
  ExpectEcho("AT+CNMI=?", "\r\n+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)\r\n\r\nOK\r\n");
  ExpectEcho("AT+CNMI=2,1,0,2,0", "\r\nOK\r\n");
  ExpectEcho("AT+CSCA?", "\r\n+CSCA: \"+15550000000\",145\r\n\r\nOK\r\n");
  ExpectEcho("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
  ExpectEcho("AT+CUSD=1", "\r\nOK\r\n");
  ExpectEcho("AT+CGSN", "\r\n356938035643809\r\n\r\nOK\r\n");
  ExpectEcho("AT+CIMI", "\r\n001010123456789\r\n\r\nOK\r\n");
  ExpectEcho("AT+CMMS=2", "\r\nOK\r\n");
  ExpectEcho("AT+CBC", "\r\n+CBC: 0,100\r\n\r\nOK\r\n");
  ExpectEcho("AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
  ExpectEcho("AT+CREG=2", "\r\nOK\r\n");
  ExpectEcho("AT+CGREG=2", "\r\nOK\r\n");
  ExpectEcho("AT+COPS?", "\r\n+COPS: 0,0,\"Osprey Net\"\r\n\r\nOK\r\n");
  ExpectEcho("AT+CPMS=\"SM\",\"SM\"", "\r\n+CPMS: 0,20,0,20,0,20\r\n\r\nOK\r\n");
  ExpectEcho("AT+CMGL=4", "\r\nOK\r\n");
}

TEST_F(AtModemTest, SilentSwallowsEverything) {
  modem_.SetSilent(true);
  EXPECT_EQ(Cmd("AT"), "");
  EXPECT_EQ(Cmd("ATE0"), "");
  modem_.SetSilent(false);
  EXPECT_EQ(Cmd("AT"), "\r\nOK\r\n");  // ATE0 was still executed
}

}  // namespace
}  // namespace osprey::smsgw::emulator
