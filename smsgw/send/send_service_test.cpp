#include "smsgw/send/send_service.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "smsgw/queue/queue_test_support.hpp"

namespace osprey::smsgw::send {
namespace {

using queue::Folder;
using queue::testing::kStart;

SendRequest Valid() {
  SendRequest r;
  r.to = {"+48123456789"};
  r.text = "Hello";
  return r;
}

class SendServiceTest : public queue::testing::QueueTest {
 protected:
  void SetUp() override {
    QueueTest::SetUp();
    if (IsSkipped()) return;
    sender_ = std::make_unique<SendService>(*store_, clock_);
  }
  SendOutcome Send(const SendRequest& r) {
    auto outcome = sender_->Send(7, r);
    EXPECT_TRUE(outcome.ok()) << outcome.error().ToString();
    return outcome.ok() ? *outcome : SendOutcome{};
  }

  FakeClock clock_{kStart};
  std::unique_ptr<SendService> sender_;
};

TEST_P(SendServiceTest, RejectsInvalidFieldsTogether) {
  struct Case {
    const char* why;
    std::function<void(SendRequest&)> change;
    FieldErrors expected;
  } cases[] = {
      {"no recipient",
       [](SendRequest& r) { r.to.clear(); },
       {{"recipients", "One of parameters: to, contacts, groups is required."}}},
      {"text missing", [](SendRequest& r) { r.text.reset(); }, {{"text", "This value should not be blank."}}},
      {"text blank", [](SendRequest& r) { r.text = " \t\n"; }, {{"text", "This value should not be blank."}}},
      {"text too long",
       [](SendRequest& r) { r.text = std::string(1531, 'a'); },
       {{"text", "Message is too long."}}},
      {"bad encoding",
       [](SendRequest& r) { r.encoding = "utf8"; },
       {{"encoding", "The value you selected is not a valid choice."}}},
      {"bad validity",
       [](SendRequest& r) { r.validity = "3h"; },
       {{"validity", "The value you selected is not a valid choice."}}},
      {"priority",
       [](SendRequest& r) { r.priority = 10; },
       {{"priority", "This value should be between 0 and 9."}}},
      {"date", [](SendRequest& r) { r.date = "tomorrow"; }, {{"date", "Wrong date format."}}},
      {"window", [](SendRequest& r) { r.send_after = "25:00"; }, {{"send_after", "Wrong time format."}}},
      {"oid",
       [](SendRequest& r) { r.oid = std::string(37, 'x'); },
       {{"oid", "This value is too long. It should have 36 characters or less."}}},
      {"modem 0", [](SendRequest& r) { r.modem_no = 0; }, {{"modem_no", "Incorrect modem number."}}},
      {"modem 9", [](SendRequest& r) { r.modem_no = 9; }, {{"modem_no", "Incorrect modem number."}}},
      {"contacts (no phonebook)",
       [](SendRequest& r) { r.contacts = {1}; },
       {{"contacts", "The value you selected is not a valid choice."}}},
      {"groups (no phonebook)",
       [](SendRequest& r) { r.groups = {1}; },
       {{"groups", "The value you selected is not a valid choice."}}},
      {"every number invalid",
       [](SendRequest& r) {
         r.to = {"abc", "12a"};
       },
       {{"to", "Invalid phone number."}}},
      {"transport error kept",
       [](SendRequest& r) { r.undecodable["flash"] = "bad type"; },
       {{"flash", "bad type"}}},
      {"several at once",
       [](SendRequest& r) {
         r.to.clear();
         r.text = "";
         r.priority = -1;
       },
       {{"recipients", "One of parameters: to, contacts, groups is required."},
        {"text", "This value should not be blank."},
        {"priority", "This value should be between 0 and 9."}}},
  };
  for (const Case& c : cases) {
    SendRequest r = Valid();
    c.change(r);
    SendOutcome outcome = Send(r);
    EXPECT_EQ(outcome.rejected, c.expected) << c.why;
    EXPECT_TRUE(outcome.recipients.empty()) << c.why;
  }
  EXPECT_EQ(CountIn(Folder::kOutbox), 0);
}

TEST_P(SendServiceTest, QueuesOneMessagePerRecipientInOrder) {
  SendRequest r = Valid();
  r.to = {"+48 123-456-789", "abc", "+48123456789"};
  r.priority = 5;
  r.modem_no = 1;
  r.flash = true;
  r.oid = "order-1";
  SendOutcome outcome = Send(r);
  ASSERT_TRUE(outcome.rejected.empty());
  ASSERT_EQ(outcome.recipients.size(), 3u);
  EXPECT_EQ(outcome.recipients[0].number, "+48 123-456-789");
  ASSERT_TRUE(outcome.recipients[0].id && outcome.recipients[2].id);
  EXPECT_GT(*outcome.recipients[0].id, 0);
  EXPECT_GT(*outcome.recipients[2].id, *outcome.recipients[0].id);
  EXPECT_FALSE(outcome.recipients[1].id);
  EXPECT_EQ(outcome.recipients[1].error, "Invalid phone number.");
  auto list = store_->List(Folder::kOutbox, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  for (const auto& m : *list) {
    EXPECT_EQ(m.owner_id, 7);
    EXPECT_EQ(m.text, "Hello");
    EXPECT_EQ(m.priority, 5);
    EXPECT_TRUE(m.flash);
    EXPECT_EQ(m.oid, "order-1");
    EXPECT_EQ(m.modem_no, 1);
    EXPECT_EQ(m.coding, "standard");
  }
}

TEST_P(SendServiceTest, NonGsmTextFallsBackToUnicodeAndSplits) {
  SendRequest r = Valid();
  r.text = std::string(100, 'a') + "\xC5\x82";  // 'ł' is not GSM-7: 101 UCS-2 units, two parts
  SendOutcome outcome = Send(r);
  ASSERT_TRUE(outcome.rejected.empty());
  auto m = Only(Folder::kOutbox);
  EXPECT_EQ(m.coding, "unicode");
  EXPECT_EQ(m.total_parts, 2);
  EXPECT_EQ(m.text, *r.text);
}

TEST_P(SendServiceTest, TestModeStoresNothingAndAnswersIdZero) {
  SendRequest r = Valid();
  r.to = {"+48123456789", "+48987654321"};
  r.test = true;
  SendOutcome outcome = Send(r);
  ASSERT_TRUE(outcome.rejected.empty());
  ASSERT_EQ(outcome.recipients.size(), 2u);
  for (const auto& item : outcome.recipients) EXPECT_EQ(item.id, 0);
  EXPECT_EQ(CountIn(Folder::kOutbox), 0);
}

OSPREY_INSTANTIATE_FOR_ENGINES(SendServiceTest);

}  // namespace
}  // namespace osprey::smsgw::send
