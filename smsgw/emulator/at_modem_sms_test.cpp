// Submit (with the §2 vectors), reassembly, storage, injection, status reports and fault injection
// (modems-and-sms.md §3 items 5, 6, 8-10).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smsgw/emulator/at_modem.hpp"
#include "smsgw/sms/validity.hpp"

namespace osprey::smsgw::emulator {
namespace {

using namespace std::chrono_literals;

struct SpecVector {
  std::string_view pdu;
  std::string_view number;
  std::string_view text;
  bool srr;
  sms::Alphabet alphabet;
  std::size_t cmgs_length;
};

const SpecVector kVectors[] = {
    {"07915155000000F011000B915155214365F70000FF17C8329BFD06D9D3619039BC2E83825450FB4D2EB701", "+15551234567",
     "Hello via fake AT modem", false, sms::Alphabet::kGsm7, 35},
    {"07915155000000F031000D91945111325476F80000FF18D9775D0E7A52A1A0F19B5C06A5E73A900C7783E164",
     "+4915112345678", "Your OTP code is: 287082", true, sms::Alphabet::kGsm7, 36},
    {"07915155000000F011000D91945111325476F80008FF1A004B006F0064003A002000320038003700300038003200202713",
     "+4915112345678", "Kod: 287082 ✓", false, sms::Alphabet::kUcs2, 41},
};

const Clock::TimePoint kStart =
    Clock::TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 11 / 29) + 9h);

class AtModemSmsTest : public ::testing::Test {
 protected:
  explicit AtModemSmsTest(ModemConfig config = ModemConfig{}) : modem_(config, clock_) {
    modem_.SetSubmitCallback([this](const SubmitRecord& r) { submits_.push_back(r); });
    modem_.SetMessageCallback([this](const PhoneMessage& m) { messages_.push_back(m); });
    EXPECT_EQ(Cmd("ATE0"), "ATE0\r\r\nOK\r\n");
    EXPECT_EQ(Cmd("AT+CMEE=1"), "\r\nOK\r\n");
  }
  std::string Cmd(std::string_view line) { return modem_.Feed(std::string(line) + "\r"); }
  // AT+CMGS=<len>, prompt, PDU, Ctrl-Z; returns what followed the prompt.
  std::string Send(std::string_view pdu, std::size_t length) {
    EXPECT_EQ(Cmd("AT+CMGS=" + std::to_string(length)), "\r\n> ");
    return modem_.Feed(std::string(pdu) + "\x1a");
  }
  static std::string Ok(std::string_view info) { return "\r\n" + std::string(info) + "\r\n\r\nOK\r\n"; }

  FakeClock clock_{kStart};
  AtModem modem_;
  std::vector<SubmitRecord> submits_;
  std::vector<PhoneMessage> messages_;
};

TEST_F(AtModemSmsTest, AcceptsSpecVectorsByteForByte) {
  int mr = 0;
  for (const SpecVector& v : kVectors) {
    SCOPED_TRACE(std::string(v.text));
    EXPECT_EQ(Send(v.pdu, v.cmgs_length), Ok("+CMGS: " + std::to_string(++mr)));
    ASSERT_EQ(submits_.size(), static_cast<std::size_t>(mr));
    const SubmitRecord& r = submits_.back();
    EXPECT_EQ(r.smsc, "+15550000000");
    EXPECT_EQ(r.destination, v.number);
    EXPECT_EQ(r.text, v.text);
    EXPECT_EQ(r.message_reference, mr);
    EXPECT_EQ(r.status_report_request, v.srr);
    EXPECT_FALSE(r.udhi);
    EXPECT_EQ(r.vp_format, sms::VpFormat::kRelative);
    EXPECT_EQ(r.relative_vp, std::optional<std::uint8_t>(0xFF));
    EXPECT_EQ(r.alphabet, v.alphabet);
    EXPECT_EQ(r.message_class, -1);
    EXPECT_FALSE(r.concat.has_value());
    EXPECT_EQ(r.cmgs_length, v.cmgs_length);
    EXPECT_EQ(r.tpdu_length, v.cmgs_length);
    EXPECT_TRUE(r.length_matches);
    EXPECT_EQ(r.cms_error, 0);
    EXPECT_EQ(r.time, kStart);
    ASSERT_EQ(messages_.size(), static_cast<std::size_t>(mr));
    EXPECT_EQ(messages_.back().number, v.number);
    EXPECT_EQ(messages_.back().text, v.text);
    EXPECT_EQ(messages_.back().parts, 1u);
    EXPECT_EQ(messages_.back().validity, sms::TpVpToDuration(0xFF));
  }
}

TEST_F(AtModemSmsTest, EchoesPduWhenEchoIsOn) {
  Cmd("ATE1");
  const SpecVector& v = kVectors[0];
  EXPECT_EQ(Cmd("AT+CMGS=35"), "AT+CMGS=35\r\r\n> ");
  EXPECT_EQ(modem_.Feed(std::string(v.pdu) + "\x1a"), std::string(v.pdu) + Ok("+CMGS: 1"));
}

TEST_F(AtModemSmsTest, RecordsLengthMismatchButAccepts) {
  EXPECT_EQ(Send(kVectors[0].pdu, 34), Ok("+CMGS: 1"));
  ASSERT_EQ(submits_.size(), 1u);
  EXPECT_FALSE(submits_[0].length_matches);
  EXPECT_EQ(submits_[0].cmgs_length, 34u);
  EXPECT_EQ(submits_[0].tpdu_length, 35u);
}

TEST_F(AtModemSmsTest, PduSplitByLineBreaksStillDecodes) {
  std::string pdu(kVectors[0].pdu);
  EXPECT_EQ(Cmd("AT+CMGS=35"), "\r\n> ");
  EXPECT_EQ(modem_.Feed(pdu.substr(0, 20) + "\r\n"), "");
  EXPECT_EQ(modem_.Feed(pdu.substr(20) + "\x1a"), Ok("+CMGS: 1"));
}

TEST_F(AtModemSmsTest, EscCancelsWithOkAndNoRecord) {
  EXPECT_EQ(Cmd("AT+CMGS=35"), "\r\n> ");
  EXPECT_EQ(modem_.Feed("07915155\x1b"), "\r\nOK\r\n");
  EXPECT_TRUE(submits_.empty());
  EXPECT_EQ(Send(kVectors[0].pdu, 35), Ok("+CMGS: 1"));
}

TEST_F(AtModemSmsTest, MalformedPduIs304) {
  EXPECT_EQ(Send("07915155000000F0110", 10), "\r\n+CMS ERROR: 304\r\n");
  EXPECT_EQ(Send("ZZ", 1), "\r\n+CMS ERROR: 304\r\n");
  EXPECT_TRUE(submits_.empty());
  EXPECT_EQ(Cmd("AT+CMGS=0"), "\r\n+CMS ERROR: 304\r\n");
}

TEST_F(AtModemSmsTest, TextModeIs302) {
  Cmd("AT+CMGF=1");
  EXPECT_EQ(Cmd("AT+CMGS=35"), "\r\n+CMS ERROR: 302\r\n");
  Cmd("AT+CMEE=0");
  EXPECT_EQ(Cmd("AT+CMGS=35"), "\r\nERROR\r\n");
}

TEST_F(AtModemSmsTest, MessageReferenceWrapsAt256) {
  for (int i = 1; i <= 256; ++i) {
    ASSERT_EQ(Send(kVectors[0].pdu, 35), Ok("+CMGS: " + std::to_string(i % 256)));
  }
  EXPECT_EQ(Send(kVectors[0].pdu, 35), Ok("+CMGS: 1"));
}

std::string SubmitPart(std::string_view text, std::uint16_t ref, std::uint8_t total, std::uint8_t seq,
                       std::size_t* length) {
  sms::SubmitRequest request;
  request.smsc = {sms::kToaInternational, "+15550000000"};
  request.destination = {sms::kToaInternational, "+4915112345678"};
  request.text = std::string(text);
  request.relative_vp = 167;
  request.concat = sms::Concat{ref, total, seq, false};
  Result<std::string> hex = sms::EncodeSubmit(request);
  EXPECT_TRUE(hex.ok());
  Result<sms::Submit> decoded = sms::DecodeSubmit(*hex);
  EXPECT_TRUE(decoded.ok());
  *length = decoded->tpdu_length;
  return *hex;
}

TEST_F(AtModemSmsTest, ReassemblesConcatenatedPartsInAnyOrder) {
  std::size_t len1 = 0, len2 = 0, len3 = 0;
  std::string p1 = SubmitPart("Hello ", 7, 2, 1, &len1);
  std::string p2 = SubmitPart("world", 7, 2, 2, &len2);
  std::string other = SubmitPart("other ", 8, 2, 1, &len3);
  EXPECT_EQ(Send(p2, len2), Ok("+CMGS: 1"));
  EXPECT_EQ(Send(other, len3), Ok("+CMGS: 2"));
  EXPECT_TRUE(messages_.empty());
  clock_.Advance(3s);
  EXPECT_EQ(Send(p1, len1), Ok("+CMGS: 3"));
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_EQ(messages_[0].text, "Hello world");
  EXPECT_EQ(messages_[0].parts, 2u);
  EXPECT_EQ(messages_[0].number, "+4915112345678");
  EXPECT_EQ(messages_[0].validity, std::chrono::minutes(24 * 60));
  EXPECT_EQ(messages_[0].time, kStart + 3s);
  ASSERT_EQ(submits_.size(), 3u);
  EXPECT_TRUE(submits_[0].udhi);
  EXPECT_EQ(submits_[0].concat, (sms::Concat{7, 2, 2, false}));
}

TEST_F(AtModemSmsTest, FailsNextSubmitsThenRecovers) {
  modem_.FailNextSubmits(2, 42);
  EXPECT_EQ(Send(kVectors[0].pdu, 35), "\r\n+CMS ERROR: 42\r\n");
  EXPECT_EQ(Send(kVectors[0].pdu, 35), "\r\n+CMS ERROR: 42\r\n");
  EXPECT_EQ(Send(kVectors[0].pdu, 35), Ok("+CMGS: 1"));
  ASSERT_EQ(submits_.size(), 3u);
  EXPECT_EQ(submits_[0].cms_error, 42);
  EXPECT_FALSE(submits_[0].message_reference.has_value());
  EXPECT_EQ(messages_.size(), 1u);  // refused submits never reach the phone
}

TEST_F(AtModemSmsTest, OffNetworkSubmitsFailWith331) {
  modem_.SetOffNetwork(true);
  EXPECT_EQ(Send(kVectors[0].pdu, 35), "\r\n+CMS ERROR: 331\r\n");
  modem_.SetOffNetwork(false);
  EXPECT_EQ(Send(kVectors[0].pdu, 35), Ok("+CMGS: 1"));
}

TEST_F(AtModemSmsTest, SilentSubmitIsStillProcessed) {
  modem_.SetSilent(true);
  EXPECT_EQ(Cmd("AT+CMGS=35"), "");
  EXPECT_EQ(modem_.Feed(std::string(kVectors[0].pdu) + "\x1a"), "");
  modem_.SetSilent(false);
  ASSERT_EQ(submits_.size(), 1u);
  EXPECT_EQ(Send(kVectors[0].pdu, 35), Ok("+CMGS: 2"));
}

TEST_F(AtModemSmsTest, FailsEveryNthSubmit) {
  modem_.FailEveryNth(3, 38);
  std::vector<std::string> answers;
  for (int i = 0; i < 7; ++i) answers.push_back(Send(kVectors[0].pdu, 35));
  EXPECT_EQ(answers[0], Ok("+CMGS: 1"));
  EXPECT_EQ(answers[1], Ok("+CMGS: 2"));
  EXPECT_EQ(answers[2], "\r\n+CMS ERROR: 38\r\n");
  EXPECT_EQ(answers[3], Ok("+CMGS: 3"));
  EXPECT_EQ(answers[4], Ok("+CMGS: 4"));
  EXPECT_EQ(answers[5], "\r\n+CMS ERROR: 38\r\n");
  EXPECT_EQ(answers[6], Ok("+CMGS: 5"));
  EXPECT_EQ(messages_.size(), 5u);
  modem_.FailEveryNth(0, 38);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Send(kVectors[0].pdu, 35), Ok("+CMGS: " + std::to_string(6 + i)));
}

TEST_F(AtModemSmsTest, FailNextTakesPrecedenceOverFailEvery) {
  modem_.FailEveryNth(2, 42);
  modem_.FailNextSubmits(1, 27);
  EXPECT_EQ(Send(kVectors[0].pdu, 35), "\r\n+CMS ERROR: 27\r\n");
  EXPECT_EQ(Send(kVectors[0].pdu, 35), Ok("+CMGS: 1"));
  EXPECT_EQ(Send(kVectors[0].pdu, 35), "\r\n+CMS ERROR: 42\r\n");
}

TEST_F(AtModemSmsTest, LatencyHoldsAnswerUntilTickAndBuffersInput) {
  modem_.SetSubmitLatency(500ms);
  EXPECT_EQ(Cmd("AT+CMGS=35"), "\r\n> ");
  EXPECT_EQ(modem_.Feed(std::string(kVectors[0].pdu) + "\x1a"), "");
  ASSERT_EQ(submits_.size(), 1u);  // the submit itself happened at the 0x1A
  EXPECT_EQ(messages_.size(), 1u);
  EXPECT_EQ(Cmd("AT"), "");  // buffered, not answered before the submit answer
  ASSERT_TRUE(modem_.Inject("+4915112345678", "hi").ok());
  Cmd("AT+CNMI=2,1,0,2,0");  // still buffered: the +CMTI above was queued with CNMI mt 0
  clock_.Advance(499ms);
  EXPECT_EQ(modem_.Tick(), "");
  clock_.Advance(1ms);
  EXPECT_EQ(modem_.Tick(), Ok("+CMGS: 1") + "\r\nOK\r\n\r\nOK\r\n");
  EXPECT_EQ(modem_.Tick(), "");
}

TEST_F(AtModemSmsTest, LatencyAppliesToErrorsAndHoldsUnsolicitedOutput) {
  Cmd("AT+CNMI=2,1,0,2,0");
  modem_.SetSubmitLatency(100ms);
  modem_.FailNextSubmits(1, 38);
  EXPECT_EQ(Cmd("AT+CMGS=35"), "\r\n> ");
  EXPECT_EQ(modem_.Feed(std::string(kVectors[0].pdu) + "\x1a"), "");
  ASSERT_TRUE(modem_.Inject("+4915112345678", "hi").ok());
  EXPECT_EQ(modem_.Tick(), "");
  clock_.Advance(100ms);
  EXPECT_EQ(modem_.Tick(), "\r\n+CMS ERROR: 38\r\n\r\n+CMTI: \"SM\",1\r\n");
  modem_.SetSubmitLatency(0ms);
  EXPECT_EQ(Send(kVectors[0].pdu, 35), Ok("+CMGS: 1"));
}

TEST_F(AtModemSmsTest, SwallowedRepliesAreRecordedButNeverAnswered) {
  modem_.SwallowNextReplies(2);
  modem_.FailNextSubmits(1, 38);
  EXPECT_EQ(Send(kVectors[0].pdu, 35), "\r\n+CMS ERROR: 38\r\n");  // refused submits are not swallowed
  EXPECT_EQ(Send(kVectors[0].pdu, 35), "");
  clock_.Advance(10s);
  EXPECT_EQ(modem_.Tick(), "");
  EXPECT_EQ(Send(kVectors[1].pdu, 36), "");
  EXPECT_EQ(Cmd("AT"), "\r\nOK\r\n");  // back in command mode
  EXPECT_EQ(Send(kVectors[0].pdu, 35), Ok("+CMGS: 3"));
  ASSERT_EQ(submits_.size(), 4u);
  EXPECT_FALSE(submits_[0].reply_swallowed);
  EXPECT_TRUE(submits_[1].reply_swallowed);
  EXPECT_EQ(submits_[1].message_reference, 1);
  EXPECT_TRUE(submits_[2].reply_swallowed);
  EXPECT_EQ(submits_[2].message_reference, 2);
  EXPECT_FALSE(submits_[3].reply_swallowed);
  EXPECT_EQ(messages_.size(), 3u);  // the phone got the swallowed ones
}

TEST_F(AtModemSmsTest, InjectCanForceUcs2) {
  ASSERT_TRUE(modem_.Inject("+4915112345678", "plain", std::nullopt, sms::RequestedEncoding::kUnicode).ok());
  std::string listing = Cmd("AT+CMGL=4");
  std::size_t pdu_start = listing.find("\r\n", listing.find("+CMGL:")) + 2;
  std::string pdu = listing.substr(pdu_start, listing.find("\r\n", pdu_start) - pdu_start);
  Result<sms::Deliver> deliver = sms::DecodeDeliver(pdu);
  ASSERT_TRUE(deliver.ok()) << pdu;
  EXPECT_EQ(deliver->coding.alphabet, sms::Alphabet::kUcs2);
  EXPECT_EQ(deliver->text, "plain");
}

}  // namespace
}  // namespace osprey::smsgw::emulator
