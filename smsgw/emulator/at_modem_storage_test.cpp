// SM storage (AT+CPMS/+CMGL/+CMGR/+CMGD), incoming SMS injection with +CMTI, and status reports with
// +CDS/+CDSI (modems-and-sms.md §3 items 5, 8, 9).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smsgw/emulator/at_modem.hpp"

namespace osprey::smsgw::emulator {
namespace {

using namespace std::chrono_literals;

const Clock::TimePoint kStart =
    Clock::TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 11 / 29) + 9h);
constexpr std::string_view kSrrVector =
    "07915155000000F031000D91945111325476F80000FF18D9775D0E7A52A1A0F19B5C06A5E73A900C7783E164";
constexpr std::string_view kPlainVector =
    "07915155000000F011000B915155214365F70000FF17C8329BFD06D9D3619039BC2E83825450FB4D2EB701";
// SMS-DELIVER from +4915112345678, "Hi", SCTS 2026-11-29 09:00:00 +00, SMSC +15550000000 (22 TPDU octets).
constexpr std::string_view kHiDeliver =
    "07915155000000F0040D91945111325476F8000062119290000000"
    "02C834";

ModemConfig Config(std::size_t slots) {
  ModemConfig config;
  config.storage_slots = slots;
  return config;
}

class Fixture {
 public:
  explicit Fixture(ModemConfig config) : modem(config, clock) {
    EXPECT_EQ(Cmd("ATE0"), "ATE0\r\r\nOK\r\n");
    EXPECT_EQ(Cmd("AT+CMEE=1"), "\r\nOK\r\n");
  }
  std::string Cmd(std::string_view line) { return modem.Feed(std::string(line) + "\r"); }
  // Returns the PDU line of AT+CMGR=<index> (empty when the read failed).
  std::string ReadPdu(int index) {
    std::string out = Cmd("AT+CMGR=" + std::to_string(index));
    std::size_t first = out.find("\r\n", 2);
    if (first == std::string::npos || out.rfind("\r\n+CMGR: ", 0) != 0) return {};
    std::size_t end = out.find("\r\n", first + 2);
    return out.substr(first + 2, end - first - 2);
  }

  FakeClock clock{kStart};
  AtModem modem;
};

class AtModemStorageTest : public ::testing::Test, public Fixture {
 protected:
  AtModemStorageTest() : Fixture(Config(20)) {}
  static std::string Ok(std::string_view info) { return "\r\n" + std::string(info) + "\r\n\r\nOK\r\n"; }
  std::string Send(std::string_view pdu, std::size_t length) {
    EXPECT_EQ(Cmd("AT+CMGS=" + std::to_string(length)), "\r\n> ");
    return modem.Feed(std::string(pdu) + "\x1a");
  }
};

TEST_F(AtModemStorageTest, InjectStoresDeliverAndAnnouncesCmti) {
  ASSERT_EQ(Cmd("AT+CNMI=2,1,0,2,0"), "\r\nOK\r\n");
  Result<std::vector<int>> stored = modem.Inject("+4915112345678", "Hi");
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ(*stored, std::vector<int>{1});
  EXPECT_EQ(modem.Tick(), "\r\n+CMTI: \"SM\",1\r\n");
  EXPECT_EQ(modem.Tick(), "");
  EXPECT_EQ(Cmd("AT+CMGR=1"), "\r\n+CMGR: 0,,22\r\n" + std::string(kHiDeliver) + "\r\n\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CMGR=1"), "\r\n+CMGR: 1,,22\r\n" + std::string(kHiDeliver) + "\r\n\r\nOK\r\n");
}

TEST_F(AtModemStorageTest, CmtiFollowsTheNextFeedReply) {
  Cmd("AT+CNMI=2,3,0,2,0");
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi").ok());
  EXPECT_EQ(Cmd("AT"), "\r\nOK\r\n\r\n+CMTI: \"SM\",1\r\n");
}

TEST_F(AtModemStorageTest, NoCmtiWhenMtIsZero) {
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi").ok());
  EXPECT_EQ(modem.Tick(), "");
  EXPECT_EQ(modem.StoredCount(), 1u);
}

TEST_F(AtModemStorageTest, UnsolicitedWaitsWhileHostTypesPdu) {
  Cmd("AT+CNMI=2,1,0,2,0");
  EXPECT_EQ(Cmd("AT+CMGS=35"), "\r\n> ");
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi").ok());
  EXPECT_EQ(modem.Tick(), "");
  EXPECT_EQ(modem.Feed(std::string(kPlainVector) + "\x1a"), Ok("+CMGS: 1") + "\r\n+CMTI: \"SM\",1\r\n");
}

TEST_F(AtModemStorageTest, InjectsMultipartWithFreshReferences) {
  Cmd("AT+CNMI=2,1,0,2,0");
  std::string long_text(200, 'a');
  Result<std::vector<int>> first = modem.Inject("+4915112345678", long_text);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, (std::vector<int>{1, 2}));
  EXPECT_EQ(modem.Tick(), "\r\n+CMTI: \"SM\",1\r\n\r\n+CMTI: \"SM\",2\r\n");
  Result<std::vector<int>> second = modem.Inject("+4915112345678", "ж" + std::string(80, 'b'));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, (std::vector<int>{3, 4}));
  std::vector<sms::Deliver> parts;
  for (int index = 1; index <= 4; ++index) {
    Result<sms::Deliver> part = sms::DecodeDeliver(ReadPdu(index));
    ASSERT_TRUE(part.ok()) << index;
    ASSERT_TRUE(part->concat.has_value());
    parts.push_back(*part);
  }
  EXPECT_EQ(parts[0].first_octet, 0x44);
  EXPECT_EQ(parts[0].concat->reference, parts[1].concat->reference);
  EXPECT_NE(parts[0].concat->reference, parts[2].concat->reference);
  EXPECT_EQ(parts[0].text + parts[1].text, long_text);
  EXPECT_EQ(parts[2].coding.alphabet, sms::Alphabet::kUcs2);
  EXPECT_EQ(parts[2].text + parts[3].text, "ж" + std::string(80, 'b'));
  EXPECT_EQ(parts[3].concat->sequence, 2);
}

TEST_F(AtModemStorageTest, InjectUsesGivenTimeAndRejectsBadSender) {
  sms::Timestamp time{std::chrono::sys_days(std::chrono::year{2026} / 1 / 2) + 3h, 4};
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi", time).ok());
  Result<sms::Deliver> deliver = sms::DecodeDeliver(ReadPdu(1));
  ASSERT_TRUE(deliver.ok());
  EXPECT_EQ(deliver->scts, time);
  EXPECT_EQ(deliver->sender.value, "+4915112345678");
  Result<std::vector<int>> bad = modem.Inject("", "Hi");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
}

TEST(AtModemSmallStorageTest, FullStorageRejectsWholeMessage) {
  Fixture f(Config(2));
  ASSERT_TRUE(f.modem.Inject("+4915112345678", std::string(200, 'a')).ok());
  Result<std::vector<int>> full = f.modem.Inject("+4915112345678", "Hi");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(f.modem.StoredCount(), 2u);
  EXPECT_EQ(f.Cmd("AT+CPMS?"), "\r\n+CPMS: \"SM\",2,2,\"SM\",2,2,\"SM\",2,2\r\n\r\nOK\r\n");
}

TEST_F(AtModemStorageTest, CpmsReportsUsage) {
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi").ok());
  EXPECT_EQ(Cmd("AT+CPMS=?"), Ok("+CPMS: (\"SM\"),(\"SM\"),(\"SM\")"));
  EXPECT_EQ(Cmd("AT+CPMS?"), Ok("+CPMS: \"SM\",1,20,\"SM\",1,20,\"SM\",1,20"));
  EXPECT_EQ(Cmd("AT+CPMS=\"SM\""), Ok("+CPMS: 1,20,1,20,1,20"));
  EXPECT_EQ(Cmd("AT+CPMS=\"SM\",\"SM\",\"SM\""), Ok("+CPMS: 1,20,1,20,1,20"));
  EXPECT_EQ(Cmd("AT+CPMS=\"ME\""), "\r\n+CMS ERROR: 302\r\n");
}

TEST_F(AtModemStorageTest, CmglFiltersAndMarksRead) {
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi").ok());
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi").ok());
  ASSERT_FALSE(ReadPdu(1).empty());
  std::string entry2 = "+CMGL: 2,0,,22\r\n" + std::string(kHiDeliver);
  EXPECT_EQ(Cmd("AT+CMGL=0"), Ok(entry2));
  EXPECT_EQ(Cmd("AT+CMGL=0"), "\r\nOK\r\n");
  std::string both =
      "+CMGL: 1,1,,22\r\n" + std::string(kHiDeliver) + "\r\n+CMGL: 2,1,,22\r\n" + std::string(kHiDeliver);
  EXPECT_EQ(Cmd("AT+CMGL=1"), Ok(both));
  EXPECT_EQ(Cmd("AT+CMGL=4"), Ok(both));
  EXPECT_EQ(Cmd("AT+CMGL=5"), "\r\n+CMS ERROR: 302\r\n");
}

TEST_F(AtModemStorageTest, CmgrAndCmgdOnEmptySlotsAre321) {
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi").ok());
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi").ok());
  EXPECT_EQ(Cmd("AT+CMGR=3"), "\r\n+CMS ERROR: 321\r\n");
  EXPECT_EQ(Cmd("AT+CMGR=0"), "\r\n+CMS ERROR: 321\r\n");
  EXPECT_EQ(Cmd("AT+CMGR=21"), "\r\n+CMS ERROR: 321\r\n");
  EXPECT_EQ(Cmd("AT+CMGD=1"), "\r\nOK\r\n");
  EXPECT_EQ(Cmd("AT+CMGR=1"), "\r\n+CMS ERROR: 321\r\n");
  EXPECT_EQ(Cmd("AT+CMGD=1"), "\r\n+CMS ERROR: 321\r\n");
  EXPECT_EQ(modem.StoredCount(), 1u);
  EXPECT_EQ(Cmd("AT+CMGD=1,4"), "\r\nOK\r\n");
  EXPECT_EQ(modem.StoredCount(), 0u);
  ASSERT_EQ(*modem.Inject("+4915112345678", "Hi"), std::vector<int>{1});  // freed slots are reused
}

TEST_F(AtModemStorageTest, CmgdFlagOneDeletesReadOnly) {
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi").ok());
  ASSERT_TRUE(modem.Inject("+4915112345678", "Hi").ok());
  ASSERT_FALSE(ReadPdu(2).empty());
  EXPECT_EQ(Cmd("AT+CMGD=1,1"), "\r\nOK\r\n");
  EXPECT_EQ(modem.StoredCount(), 1u);
  EXPECT_FALSE(ReadPdu(1).empty());
}

// Status report for the §2 SRR vector: MR 01, recipient +4915112345678, SCTS = DT = 2026-11-29 09:00:00, ST
// 00.
constexpr std::string_view kReportNow =
    "07915155000000F006010D91945111325476F8621192900000006211929000000000";

TEST_F(AtModemStorageTest, ReportAtOnceAsCds) {
  Cmd("AT+CNMI=2,1,0,1,0");
  EXPECT_EQ(Send(kSrrVector, 36), Ok("+CMGS: 1") + "\r\n+CDS: 26\r\n" + std::string(kReportNow) + "\r\n");
  EXPECT_EQ(modem.Tick(), "");
}

TEST_F(AtModemStorageTest, NoReportWithoutSrr) {
  Cmd("AT+CNMI=2,1,0,1,0");
  EXPECT_EQ(Send(kPlainVector, 35), Ok("+CMGS: 1"));
  clock.Advance(1h);
  EXPECT_EQ(modem.Tick(), "");
}

TEST_F(AtModemStorageTest, DelayedReportWithConfiguredStatus) {
  Cmd("AT+CNMI=2,1,0,1,0");
  modem.SetReportDelay(30s);
  modem.SetReportStatus(0x46);
  EXPECT_EQ(Send(kSrrVector, 36), Ok("+CMGS: 1"));
  clock.Advance(29s);
  EXPECT_EQ(modem.Tick(), "");
  clock.Advance(1s);
  std::string out = modem.Tick();
  ASSERT_EQ(out.rfind("\r\n+CDS: 26\r\n", 0), 0u) << out;
  Result<sms::StatusReport> report = sms::DecodeStatusReport(out.substr(12, out.size() - 14));
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->message_reference, 1);
  EXPECT_EQ(report->recipient.value, "+4915112345678");
  EXPECT_EQ(report->service_centre_time.utc, kStart);
  EXPECT_EQ(report->discharge_time.utc, kStart + 30s);
  EXPECT_EQ(report->status, 0x46);
  EXPECT_EQ(modem.Tick(), "");
}

TEST_F(AtModemStorageTest, ReportStoredAsCdsiWhenDsIsTwo) {
  Cmd("AT+CNMI=2,1,0,2,0");
  EXPECT_EQ(Send(kSrrVector, 36), Ok("+CMGS: 1") + "\r\n+CDSI: \"SM\",1\r\n");
  EXPECT_EQ(Cmd("AT+CMGR=1"), "\r\n+CMGR: 0,,26\r\n" + std::string(kReportNow) + "\r\n\r\nOK\r\n");
}

TEST_F(AtModemStorageTest, ReportDroppedWhenDsIsZero) {
  EXPECT_EQ(Send(kSrrVector, 36), Ok("+CMGS: 1"));
  EXPECT_EQ(modem.Tick(), "");
  EXPECT_EQ(modem.StoredCount(), 0u);
}

}  // namespace
}  // namespace osprey::smsgw::emulator
