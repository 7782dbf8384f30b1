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
    auto outcome = sender_->Send(Sender{7, false}, r);
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

// A directory with contacts 1 (+48111, owner 7), 2 (no number, owner 7), 3 (+48333, owner 8); group 10 =
// {3, 1} (owner 7), group 11 empty (owner 7), group 12 = {1} (owner 8). A viewer sees its own entries only;
// nullopt sees all. The last viewer asked is recorded.
class FakeDirectory final : public RecipientDirectory {
 public:
  Result<std::optional<DirectoryContact>> FindContact(std::int64_t id,
                                                      std::optional<std::int64_t> viewer) const override {
    last_viewer = viewer;
    if (fail) return Error(ErrorCode::kUnavailable, "directory down");
    for (const auto& [c, owner] : contacts_) {
      if (c.id == id && Visible(owner, viewer)) return std::optional<DirectoryContact>(c);
    }
    return std::optional<DirectoryContact>();
  }
  Result<std::optional<std::vector<DirectoryContact>>> GroupMembers(
      std::int64_t id, std::optional<std::int64_t> viewer) const override {
    using Out = std::optional<std::vector<DirectoryContact>>;
    last_viewer = viewer;
    const std::pair<std::int64_t, std::vector<std::int64_t>> groups[] = {{10, {1, 3}}, {11, {}}};
    if (id == 12 && Visible(8, viewer)) return Out(std::vector<DirectoryContact>{contacts_[0].first});
    for (const auto& [gid, members] : groups) {
      if (gid != id || !Visible(7, viewer)) continue;
      std::vector<DirectoryContact> out;
      for (std::int64_t m : members) out.push_back(contacts_[m - 1].first);
      return Out(out);
    }
    return Out();
  }
  Result<std::optional<std::int64_t>> FindContactByName(std::string_view,
                                                        std::optional<std::int64_t>) const override {
    return std::optional<std::int64_t>();
  }
  Result<std::optional<std::int64_t>> FindGroupByName(std::string_view,
                                                      std::optional<std::int64_t>) const override {
    return std::optional<std::int64_t>();
  }

  bool fail = false;
  mutable std::optional<std::int64_t> last_viewer = -1;

 private:
  static bool Visible(std::int64_t owner, std::optional<std::int64_t> viewer) {
    return !viewer || *viewer == owner;
  }
  const std::vector<std::pair<DirectoryContact, std::int64_t>> contacts_ = {
      {{1, "One", "+48111"}, 7}, {{2, "Blank", ""}, 7}, {{3, "Three", "+48333"}, 8}};
};

class SendWithDirectoryTest : public SendServiceTest {
 protected:
  void SetUp() override {
    SendServiceTest::SetUp();
    if (IsSkipped()) return;
    SendOptions options;
    options.directory = &directory_;
    sender_ = std::make_unique<SendService>(*store_, clock_, options);
  }
  SendOutcome SendAs(const Sender& who, const SendRequest& r) {
    auto outcome = sender_->Send(who, r);
    EXPECT_TRUE(outcome.ok()) << outcome.error().ToString();
    return outcome.ok() ? *outcome : SendOutcome{};
  }
  static std::vector<std::string> Numbers(const SendOutcome& outcome) {
    std::vector<std::string> numbers;
    for (const auto& item : outcome.recipients) numbers.push_back(item.number);
    return numbers;
  }

  FakeDirectory directory_;
};

TEST_P(SendWithDirectoryTest, OrderIsToThenContactsThenGroupMembersWithDuplicates) {
  SendRequest r = Valid();
  r.to = {"+48999"};
  r.contacts = {2, 1};
  r.groups = {10, 12};
  SendOutcome outcome = SendAs(Sender{7, true}, r);
  ASSERT_TRUE(outcome.rejected.empty());
  EXPECT_EQ(Numbers(outcome),
            (std::vector<std::string>{"+48999", "", "+48111", "+48111", "+48333", "+48111"}));
  EXPECT_FALSE(outcome.recipients[1].id);  // the contact without a number
  EXPECT_EQ(outcome.recipients[1].error, "Invalid phone number.");
  EXPECT_EQ(CountIn(Folder::kOutbox), 5);
  EXPECT_EQ(directory_.last_viewer, std::nullopt);
}

TEST_P(SendWithDirectoryTest, ResolvesInTheSendersScope) {
  SendRequest r = Valid();
  r.to.clear();
  r.contacts = {1};
  r.groups = {10};
  SendOutcome own = SendAs(Sender{7, false}, r);
  EXPECT_EQ(directory_.last_viewer, 7);
  ASSERT_TRUE(own.rejected.empty());
  EXPECT_EQ(Numbers(own), (std::vector<std::string>{"+48111", "+48111", "+48333"}));

  SendOutcome other = SendAs(Sender{8, false}, r);  // contact 1 and group 10 belong to user 7
  EXPECT_EQ(other.rejected, (FieldErrors{{"contacts", "The value you selected is not a valid choice."},
                                         {"groups", "The value you selected is not a valid choice."}}));
  EXPECT_EQ(CountIn(Folder::kOutbox), 3);
}

TEST_P(SendWithDirectoryTest, RejectsUnknownIdsEmptyGroupsAndNumberlessContacts) {
  struct Case {
    const char* why;
    std::vector<std::int64_t> contacts, groups;
    FieldErrors expected;
  } cases[] = {
      {"unknown contact", {1, 99}, {}, {{"contacts", "The value you selected is not a valid choice."}}},
      {"unknown group", {}, {10, 99}, {{"groups", "The value you selected is not a valid choice."}}},
      {"only an empty group", {}, {11}, {{"groups", "This value should not be blank."}}},
      {"only a contact without number", {2}, {11}, {{"to", "Invalid phone number."}}},
  };
  for (const Case& c : cases) {
    SendRequest r = Valid();
    r.to.clear();
    r.contacts = c.contacts;
    r.groups = c.groups;
    SendOutcome outcome = SendAs(Sender{7, false}, r);
    EXPECT_EQ(outcome.rejected, c.expected) << c.why;
    EXPECT_TRUE(outcome.recipients.empty()) << c.why;
  }
  EXPECT_EQ(CountIn(Folder::kOutbox), 0);
}

TEST_P(SendWithDirectoryTest, DirectoryFailureIsAnErrorAndStoresNothing) {
  directory_.fail = true;
  SendRequest r = Valid();
  r.contacts = {1};
  auto outcome = sender_->Send(Sender{7, false}, r);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(CountIn(Folder::kOutbox), 0);
}

OSPREY_INSTANTIATE_FOR_ENGINES(SendServiceTest);
OSPREY_INSTANTIATE_FOR_ENGINES(SendWithDirectoryTest);

}  // namespace
}  // namespace osprey::smsgw::send
