// GammuModem against Osprey's AT modem emulator on a pty (libgammu with connection "at", model "at"). One
// connected modem is shared by the suite because libgammu's init takes seconds; each test starts with an
// empty SIM storage and reconnects when an earlier test left the modem disconnected.
#include "smsgw/gammu/gammu_modem.hpp"

#include <gammu.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "smsgw/gammu/test_emulator.hpp"

namespace osprey::smsgw::gammu {
namespace {

using namespace std::chrono_literals;
using testing::TestEmulator;

constexpr char kRecipient[] = "+4915112345678";

worker::Configure ConfigFor(const std::string& device, int submit_timeout_ms = 5000) {
  worker::Configure config;
  config.modem_no = 3;
  config.device = device;
  config.connection = "at";
  config.model = "at";
  config.submit_timeout_ms = submit_timeout_ms;
  return config;
}

modem::OutgoingPart Part(std::string text, std::string coding = "standard") {
  modem::OutgoingPart part;
  part.message_id = 1;
  part.number = kRecipient;
  part.text = std::move(text);
  part.coding = std::move(coding);
  return part;
}

class GammuModemTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    GSM_InitLocales(nullptr);
    emulator_ = new TestEmulator();
    modem_ = new GammuModem();
  }
  static void TearDownTestSuite() {
    delete modem_;
    delete emulator_;
    modem_ = nullptr;
    emulator_ = nullptr;
  }

  void SetUp() override {
    emulator_->With([](emulator::AtModem& m) {
      m.SetSilent(false);
      m.SetReportStatus(0x00);
      return 0;
    });
    if (!modem_->connected()) {
      const Status status = modem_->Connect(ConfigFor(emulator_->path()));
      ASSERT_TRUE(status.ok()) << status.error().ToString();
    }
    ClearStorage();
    submits_before_ = emulator_->Submits().size();
    messages_before_ = emulator_->Messages().size();
  }

  void ClearStorage() {
    auto contents = modem_->Poll();
    ASSERT_TRUE(contents.ok()) << contents.error().ToString();
    for (const auto& in : contents->incoming) ASSERT_TRUE(modem_->Delete(in.key).ok());
    for (const auto& report : contents->reports) ASSERT_TRUE(modem_->Delete(report.key).ok());
    ASSERT_EQ(emulator_->With([](emulator::AtModem& m) { return m.StoredCount(); }), 0u);
  }

  // The submit records made since the test started.
  std::vector<emulator::SubmitRecord> NewSubmits() {
    auto all = emulator_->Submits();
    return {all.begin() + static_cast<std::ptrdiff_t>(submits_before_), all.end()};
  }
  std::vector<emulator::PhoneMessage> NewMessages() {
    auto all = emulator_->Messages();
    return {all.begin() + static_cast<std::ptrdiff_t>(messages_before_), all.end()};
  }

  // Sends one part and returns the emulator's record of it.
  emulator::SubmitRecord SendAndRecord(const modem::OutgoingPart& part,
                                       modem::SubmitOutcome* outcome = nullptr) {
    const auto result = modem_->Send(part);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.failure().message);
    auto records = NewSubmits();
    EXPECT_FALSE(records.empty());
    if (records.empty()) return {};
    if (result.ok()) {
      EXPECT_EQ(records.back().message_reference, result.value().message_reference);
      if (outcome != nullptr) *outcome = result.value();
    }
    return records.back();
  }

  static TestEmulator* emulator_;
  static GammuModem* modem_;
  std::size_t submits_before_ = 0;
  std::size_t messages_before_ = 0;
};

TestEmulator* GammuModemTest::emulator_ = nullptr;
GammuModem* GammuModemTest::modem_ = nullptr;

TEST_F(GammuModemTest, HealthAndIdentityMatchTheEmulator) {
  const emulator::ModemIdentity identity;
  const modem::ModemHealth health = modem_->Health();
  EXPECT_TRUE(health.online);
  EXPECT_EQ(health.imei, identity.imei);
  EXPECT_EQ(health.imsi, identity.imsi);
  EXPECT_EQ(health.sim_status, "Operational");
  EXPECT_EQ(health.signal_percent, 60);  // +CSQ: 20,99 (§1 item 22)
  // libgammu 1.42's GSM_GetNetworkInfo also asks AT+CGATT? and fails as a whole without it.
  SystemClock clock;
  emulator::AtModem probe({}, clock);
  if (probe.Feed("AT+CGATT?\r").find("+CGATT:") != std::string::npos) {
    EXPECT_EQ(health.registration, "Registered Home");
    EXPECT_EQ(health.network, identity.operator_name);
  } else {
    EXPECT_EQ(health.registration, "Unknown");
    EXPECT_EQ(health.network, "");
  }
  EXPECT_TRUE(health.last_error.empty());
  EXPECT_FALSE(modem_->model().empty());
}

TEST_F(GammuModemTest, ShortGsm7PartArrivesExactly) {
  modem::SubmitOutcome outcome;
  const auto record = SendAndRecord(Part("Your OTP code is: 287082"), &outcome);
  EXPECT_EQ(record.text, "Your OTP code is: 287082");
  EXPECT_EQ(record.alphabet, sms::Alphabet::kGsm7);
  EXPECT_EQ(record.destination, kRecipient);
  EXPECT_EQ(record.smsc, emulator::ModemIdentity{}.smsc);
  EXPECT_TRUE(record.length_matches);
  EXPECT_FALSE(record.concat.has_value());
  EXPECT_FALSE(record.status_report_request);
  EXPECT_EQ(record.message_class, -1);
  EXPECT_EQ(record.relative_vp, 255);
  EXPECT_FALSE(outcome.report_requested);
}

TEST_F(GammuModemTest, Gsm7EscapeCharactersArriveExactly) {
  const std::string text = "Price: 5€ [a] {b} ~|^\\ @£$ äöü ñ ß";
  const auto record = SendAndRecord(Part(text));
  EXPECT_EQ(record.alphabet, sms::Alphabet::kGsm7);
  EXPECT_EQ(record.text, text);
}

TEST_F(GammuModemTest, CyrillicUnicodePartArrivesAsUcs2) {
  const std::string text = "Ваш код: 287082 ✓";
  const auto record = SendAndRecord(Part(text, "unicode"));
  EXPECT_EQ(record.alphabet, sms::Alphabet::kUcs2);
  EXPECT_EQ(record.text, text);
}

TEST_F(GammuModemTest, NonGsmCharacterInStandardPartIsNotLost) {
  const std::string text = "Cześć ж ç € ü 👍";
  const auto record = SendAndRecord(Part(text, "standard"));
  EXPECT_EQ(record.alphabet, sms::Alphabet::kUcs2);
  EXPECT_EQ(record.text, text);
}

TEST_F(GammuModemTest, ThreePartsAreReassembledByTheRecipient) {
  const std::string p1(153, 'a'), p2(153, 'b'), p3 = "the end €";
  for (int i = 1; i <= 3; ++i) {
    auto part = Part(i == 1 ? p1 : i == 2 ? p2 : p3);
    part.part_no = i;
    part.total_parts = 3;
    part.concat_ref = 201;
    const auto record = SendAndRecord(part);
    ASSERT_TRUE(record.concat.has_value());
    EXPECT_EQ(record.concat->reference, 201);
    EXPECT_EQ(record.concat->total, 3);
    EXPECT_EQ(record.concat->sequence, i);
    EXPECT_FALSE(record.concat->reference_16bit);
  }
  const auto messages = NewMessages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].text, p1 + p2 + p3);
  EXPECT_EQ(messages[0].parts, 3u);
  EXPECT_EQ(messages[0].number, kRecipient);
}

TEST_F(GammuModemTest, FlashIsClassZeroAndValidityIsRelative) {
  auto part = Part("flash!");
  part.flash = true;
  part.validity_vp = 167;
  const auto record = SendAndRecord(part);
  EXPECT_EQ(record.message_class, 0);
  EXPECT_EQ(record.relative_vp, 167);
  EXPECT_EQ(record.text, "flash!");
}

TEST_F(GammuModemTest, RequestedReportComesBackFromPoll) {
  emulator_->With([](emulator::AtModem& m) {
    m.SetReportStatus(0x46);
    return 0;
  });
  auto part = Part("report me");
  part.request_report = true;
  modem::SubmitOutcome outcome;
  const auto record = SendAndRecord(part, &outcome);
  EXPECT_TRUE(record.status_report_request);
  EXPECT_TRUE(outcome.report_requested);

  auto contents = modem_->Poll();
  ASSERT_TRUE(contents.ok()) << contents.error().ToString();
  EXPECT_TRUE(contents->incoming.empty());
  ASSERT_EQ(contents->reports.size(), 1u);
  const auto& report = contents->reports[0].report;
  EXPECT_EQ(report.message_reference, outcome.message_reference);
  EXPECT_EQ(report.recipient, kRecipient);
  EXPECT_EQ(report.tp_status, 0x46);
  EXPECT_EQ(report.modem_no, 3);
  EXPECT_LT(std::chrono::abs(report.reported_at - std::chrono::system_clock::now()), 1h);
  EXPECT_TRUE(modem_->Delete(contents->reports[0].key).ok());
  EXPECT_EQ(emulator_->With([](emulator::AtModem& m) { return m.StoredCount(); }), 0u);
}

TEST_F(GammuModemTest, InjectedSingleSmsIsPolledAndDeleted) {
  const std::string text = "Привет, inbox!";
  ASSERT_TRUE(emulator_->With([&](emulator::AtModem& m) { return m.Inject("+15557654321", text).ok(); }));
  auto contents = modem_->Poll();
  ASSERT_TRUE(contents.ok()) << contents.error().ToString();
  ASSERT_EQ(contents->incoming.size(), 1u);
  const auto& in = contents->incoming[0];
  EXPECT_EQ(in.sms.text, text);
  EXPECT_EQ(in.sms.sender, "+15557654321");
  EXPECT_EQ(in.sms.coding, "unicode");
  EXPECT_EQ(in.sms.modem_no, 3);
  EXPECT_FALSE(in.sms.concat.has_value());
  EXPECT_LT(std::chrono::abs(in.sms.received_at - std::chrono::system_clock::now()), 1h);
  ASSERT_TRUE(modem_->Delete(in.key).ok());
  EXPECT_EQ(emulator_->With([](emulator::AtModem& m) { return m.StoredCount(); }), 0u);
  EXPECT_FALSE(modem_->Delete("bogus").ok());
}

TEST_F(GammuModemTest, InjectedThreePartSmsComesBackAsParts) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "Part text {" + std::to_string(i) + "} ";  // ~330 septets
  const auto slots = emulator_->With([&](emulator::AtModem& m) { return m.Inject("+15557654321", text); });
  ASSERT_TRUE(slots.ok());
  ASSERT_EQ(slots->size(), 3u);

  auto contents = modem_->Poll();
  ASSERT_TRUE(contents.ok()) << contents.error().ToString();
  ASSERT_EQ(contents->incoming.size(), 3u);
  std::map<int, std::string> by_seq;
  int ref = -1;
  for (const auto& in : contents->incoming) {
    ASSERT_TRUE(in.sms.concat.has_value());
    EXPECT_EQ(in.sms.concat->total, 3);
    EXPECT_EQ(in.sms.coding, "standard");
    if (ref < 0) ref = in.sms.concat->ref;
    EXPECT_EQ(in.sms.concat->ref, ref);
    by_seq[in.sms.concat->seq] = in.sms.text;
  }
  ASSERT_EQ(by_seq.size(), 3u);
  EXPECT_EQ(by_seq[1] + by_seq[2] + by_seq[3], text);
  for (const auto& in : contents->incoming) ASSERT_TRUE(modem_->Delete(in.key).ok());
  EXPECT_EQ(emulator_->With([](emulator::AtModem& m) { return m.StoredCount(); }), 0u);
}

TEST_F(GammuModemTest, CmsErrorIsATransientFailureWithItsCode) {
  emulator_->With([](emulator::AtModem& m) {
    m.FailNextSubmits(1, 38);
    return 0;
  });
  const auto failed = modem_->Send(Part("will fail"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.failure().error_class, modem::SubmitErrorClass::kTransient);
  EXPECT_EQ(failed.failure().cms_error, 38);
  EXPECT_TRUE(modem_->connected());
  // The next submit goes through again.
  EXPECT_EQ(SendAndRecord(Part("after failure")).text, "after failure");
}

TEST_F(GammuModemTest, PartsThatCannotBeOnePartArePermanentFailures) {
  const auto too_long = modem_->Send(Part(std::string(161, 'x')));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.failure().error_class, modem::SubmitErrorClass::kPermanent);
  auto bad_number = Part("hi");
  bad_number.number = "not a number";
  ASSERT_FALSE(modem_->Send(bad_number).ok());
  EXPECT_TRUE(NewSubmits().empty());
}

// Last: leaves the modem disconnected (SetUp of a later test reconnects).
TEST_F(GammuModemTest, SilentModemGivesUnknownWithinTheTimeout) {
  GammuModem modem;
  ASSERT_TRUE(modem_->connected());
  modem_->Disconnect();
  ASSERT_TRUE(modem.Connect(ConfigFor(emulator_->path(), 1000)).ok());
  emulator_->With([](emulator::AtModem& m) {
    m.SetSilent(true);
    return 0;
  });
  const auto start = std::chrono::steady_clock::now();
  const auto result = modem.Send(Part("into the void"));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().error_class, modem::SubmitErrorClass::kUnknown);
  EXPECT_LT(took, 15s);
  EXPECT_FALSE(modem.connected());
  EXPECT_FALSE(modem.Health().online);
  EXPECT_FALSE(modem.Health().last_error.empty());
}

}  // namespace
}  // namespace osprey::smsgw::gammu

namespace osprey::smsgw::gammu {
namespace {

// A SIM that asks for its PIN: none configured fails; a wrong PIN is refused and never tried again (three
// wrong PINs lock the SIM); the right PIN, once configured, unlocks it.
TEST(GammuModemPinTest, PinIsRequiredEnteredOnceAndNeverRetriedAfterRefusal) {
  GSM_InitLocales(nullptr);
  emulator::ModemConfig config;
  config.sim = emulator::SimState::kPinRequired;
  config.pin = "4321";
  testing::TestEmulator emulator(config);
  GammuModem modem;

  Status missing = modem.Connect(ConfigFor(emulator.path()));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(missing.error().message().find("none configured"), std::string::npos);
  EXPECT_FALSE(modem.connected());

  auto with_pin = ConfigFor(emulator.path());
  with_pin.pin = Secret("1234");
  Status refused = modem.Connect(with_pin);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("PIN refused"), std::string::npos);
  EXPECT_EQ(modem.last_error().find("1234"), std::string::npos);

  Status again = modem.Connect(with_pin);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message().find("not retrying"), std::string::npos);
  EXPECT_FALSE(modem.Health().online);

  auto right = ConfigFor(emulator.path());
  right.pin = Secret("4321");
  Status unlocked = modem.Connect(right);
  ASSERT_TRUE(unlocked.ok()) << unlocked.error().ToString();
  EXPECT_EQ(modem.Health().sim_status, "Operational");
  EXPECT_EQ(modem.last_error().find("4321"), std::string::npos);
}

}  // namespace
}  // namespace osprey::smsgw::gammu
