#include "smsgw/worker/protocol.hpp"

#include <gtest/gtest.h>

namespace osprey::smsgw::worker {
namespace {

TEST(WorkerProtocolTest, SubmitRoundTripsEveryField) {
  modem::OutgoingPart part;
  part.message_id = 77;
  part.part_no = 2;
  part.total_parts = 3;
  part.number = "+4915112345678";
  part.text = "Ünïcode €\n\"quoted\"";
  part.coding = "unicode";
  part.flash = true;
  part.validity_vp = 167;
  part.request_report = true;
  part.concat_ref = 77;
  const std::string line = Encode(GatewayMessage(Submit{9, part}));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto decoded = DecodeGatewayMessage(line);
  ASSERT_TRUE(decoded.ok());
  ASSERT_TRUE(decoded->has_value());
  const auto& submit = std::get<Submit>(**decoded);
  EXPECT_EQ(submit.id, 9);
  EXPECT_EQ(submit.part.message_id, 77);
  EXPECT_EQ(submit.part.part_no, 2);
  EXPECT_EQ(submit.part.total_parts, 3);
  EXPECT_EQ(submit.part.number, "+4915112345678");
  EXPECT_EQ(submit.part.text, part.text);
  EXPECT_EQ(submit.part.coding, "unicode");
  EXPECT_TRUE(submit.part.flash);
  EXPECT_EQ(submit.part.validity_vp, 167);
  EXPECT_TRUE(submit.part.request_report);
  EXPECT_EQ(submit.part.concat_ref, 77);
}

TEST(WorkerProtocolTest, SubmittedCarriesOutcomeOrClassedFailure) {
  auto ok = DecodeWorkerMessage(Encode(WorkerMessage(Submitted{1, modem::SubmitOutcome{42, true}})));
  ASSERT_TRUE(ok.ok() && ok->has_value());
  const auto& s = std::get<Submitted>(**ok);
  ASSERT_TRUE(s.result.ok());
  EXPECT_EQ(s.result.value().message_reference, 42);
  EXPECT_TRUE(s.result.value().report_requested);

  modem::SubmitFailure failure{modem::SubmitErrorClass::kUnknown, std::nullopt, "no answer"};
  auto bad = DecodeWorkerMessage(Encode(WorkerMessage(Submitted{2, failure})));
  ASSERT_TRUE(bad.ok() && bad->has_value());
  const auto& f = std::get<Submitted>(**bad).result;
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.failure().error_class, modem::SubmitErrorClass::kUnknown);
  EXPECT_FALSE(f.failure().cms_error.has_value());

  failure = {modem::SubmitErrorClass::kPermanent, 38, "network out of order"};
  auto cms = DecodeWorkerMessage(Encode(WorkerMessage(Submitted{3, failure})));
  ASSERT_TRUE(cms.ok() && cms->has_value());
  EXPECT_EQ(std::get<Submitted>(**cms).result.failure().cms_error, 38);
  EXPECT_EQ(std::get<Submitted>(**cms).result.failure().error_class, modem::SubmitErrorClass::kPermanent);
}

TEST(WorkerProtocolTest, IncomingKeepsConcatAndTime) {
  Incoming in;
  in.key = "SM:3";
  in.sms.modem_no = 2;
  in.sms.sender = "+15550001111";
  in.sms.text = "Привет";
  in.sms.coding = "unicode";
  in.sms.received_at = Clock::TimePoint(std::chrono::milliseconds(1700000000123));
  in.sms.concat = modem::IncomingConcat{200, 3, 2};
  auto decoded = DecodeWorkerMessage(Encode(WorkerMessage(in)));
  ASSERT_TRUE(decoded.ok() && decoded->has_value());
  const auto& got = std::get<Incoming>(**decoded);
  EXPECT_EQ(got.key, "SM:3");
  EXPECT_EQ(got.sms.text, "Привет");
  EXPECT_EQ(got.sms.received_at, in.sms.received_at);
  ASSERT_TRUE(got.sms.concat.has_value());
  EXPECT_EQ(got.sms.concat->ref, 200);
  EXPECT_EQ(got.sms.concat->total, 3);
  EXPECT_EQ(got.sms.concat->seq, 2);
}

TEST(WorkerProtocolTest, ConfigureCarriesThePinOnlyInsideTheMessage) {
  Configure c;
  c.device = "/dev/pts/7";
  c.pin = Secret("1234");
  auto decoded = DecodeGatewayMessage(Encode(GatewayMessage(std::move(c))));
  ASSERT_TRUE(decoded.ok() && decoded->has_value());
  const auto& got = std::get<Configure>(**decoded);
  EXPECT_EQ(got.device, "/dev/pts/7");
  EXPECT_TRUE(got.pin.Equals("1234"));
}

TEST(WorkerProtocolTest, BadLinesAreErrorsAndUnknownTypesAreIgnored) {
  EXPECT_FALSE(DecodeWorkerMessage("not json").ok());
  EXPECT_FALSE(DecodeWorkerMessage("[1,2]").ok());
  EXPECT_FALSE(DecodeWorkerMessage(R"({"type":"submitted"})").ok());
  EXPECT_FALSE(DecodeGatewayMessage(R"({"type":"submit","id":1})").ok());
  auto unknown = DecodeWorkerMessage(R"({"type":"future-thing","x":1})");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  auto hello = DecodeWorkerMessage(R"({"type":"hello","protocol":2,"pid":5})");
  ASSERT_TRUE(hello.ok() && hello->has_value());
  EXPECT_EQ(std::get<Hello>(**hello).protocol, 2);
}

}  // namespace
}  // namespace osprey::smsgw::worker
