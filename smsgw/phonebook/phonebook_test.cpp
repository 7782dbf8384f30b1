#include "smsgw/phonebook/phonebook.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "libs/sql/src/test_db.hpp"
#include "osprey/sql/migrations.hpp"
#include "smsgw/phonebook/migrations.hpp"

namespace osprey::smsgw::phonebook {
namespace {

constexpr std::int64_t kAlice = 1, kBob = 2;
constexpr char kBlank[] = "This value should not be blank.";
constexpr char kInvalidChoice[] = "The value you selected is not a valid choice.";

class PhonebookTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    auto applied = sql::ApplyMigrations(*db_, PhonebookMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    book_ = std::make_unique<Phonebook>(*db_);
  }

  Contact AddContact(std::int64_t owner, const std::string& name, const std::string& number,
                     bool is_public = false) {
    auto added = book_->AddContact(owner, {name, number, is_public});
    EXPECT_TRUE(added.ok()) << added.error().ToString();
    EXPECT_TRUE(added.ok() && std::holds_alternative<Contact>(*added)) << name;
    return added.ok() && std::holds_alternative<Contact>(*added) ? std::get<Contact>(*added) : Contact{};
  }
  Group AddGroup(std::int64_t owner, const std::string& name, bool is_public = false) {
    auto added = book_->AddGroup(owner, {name, is_public});
    EXPECT_TRUE(added.ok() && std::holds_alternative<Group>(*added)) << name;
    return added.ok() && std::holds_alternative<Group>(*added) ? std::get<Group>(*added) : Group{};
  }
  std::vector<Contact> AddMembers(std::int64_t group, std::vector<std::int64_t> ids, Viewer viewer = {}) {
    auto added = book_->AddMembers(group, ids, viewer);
    EXPECT_TRUE(added.ok()) << added.error().ToString();
    EXPECT_TRUE(added.ok() && std::holds_alternative<std::vector<Contact>>(*added));
    return added.ok() && std::holds_alternative<std::vector<Contact>>(*added)
               ? std::get<std::vector<Contact>>(*added)
               : std::vector<Contact>{};
  }
  static std::vector<std::int64_t> Ids(const std::vector<Contact>& contacts) {
    std::vector<std::int64_t> ids;
    for (const Contact& c : contacts) ids.push_back(c.id);
    return ids;
  }

  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<Phonebook> book_;
};

TEST_P(PhonebookTest, ContactCrudRoundTrips) {
  const Contact john = AddContact(kAlice, "John", "+48 123-456-789");
  EXPECT_GT(john.id, 0);
  EXPECT_EQ(john, (Contact{john.id, kAlice, "John", "+48 123-456-789", false}));
  EXPECT_EQ(*book_->GetContact(john.id, kAlice), john);

  auto updated = book_->UpdateContact(john.id, {std::nullopt, "+4915112345678", true}, kAlice);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  const Contact expected{john.id, kAlice, "John", "+4915112345678", true};
  EXPECT_EQ(std::get<Contact>(*updated), expected);
  EXPECT_EQ(*book_->GetContact(john.id, std::nullopt), expected);

  ASSERT_TRUE(book_->RemoveContact(john.id, kAlice).ok());
  EXPECT_EQ(book_->GetContact(john.id, kAlice).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(book_->RemoveContact(john.id, kAlice).error().code(), ErrorCode::kNotFound);
}

TEST_P(PhonebookTest, FieldChecksUseSmsEagleTexts) {
  struct Case {
    const char* why;
    ContactFields fields;
    FieldErrors expected;
  } cases[] = {
      {"no name", {std::nullopt, "+48123", false}, {{"name", kBlank}}},
      {"blank name", {" \t", "+48123", false}, {{"name", kBlank}}},
      {"long name",
       {std::string(256, 'x'), "", false},
       {{"name", "This value is too long. It should have 255 characters or less."}}},
      {"bad number", {"John", "12a", false}, {{"number", "Invalid phone number."}}},
      {"both", {"", "+", false}, {{"name", kBlank}, {"number", "Invalid phone number."}}},
  };
  for (const Case& c : cases) {
    auto added = book_->AddContact(kAlice, c.fields);
    ASSERT_TRUE(added.ok()) << c.why;
    ASSERT_TRUE(std::holds_alternative<FieldErrors>(*added)) << c.why;
    EXPECT_EQ(std::get<FieldErrors>(*added), c.expected) << c.why;
  }
  EXPECT_TRUE(book_->ListContacts(std::nullopt)->empty());
  // A contact without a number is allowed: sending to it fails per recipient (smseagle-api.md §5).
  EXPECT_EQ(AddContact(kAlice, "No number", "").number, "");
  auto group = book_->AddGroup(kAlice, {" ", std::nullopt});
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(std::get<FieldErrors>(*group), (FieldErrors{{"name", kBlank}}));
}

// Validation comes before the id lookup (400 before 404).
TEST_P(PhonebookTest, UpdateChecksFieldsBeforeTheId) {
  auto bad = book_->UpdateContact(999, {"", std::nullopt, std::nullopt}, kAlice);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(std::get<FieldErrors>(*bad), (FieldErrors{{"name", kBlank}}));
  EXPECT_EQ(book_->UpdateContact(999, {"x", std::nullopt, std::nullopt}, kAlice).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(book_->UpdateGroup(999, {"x", std::nullopt}, kAlice).error().code(), ErrorCode::kNotFound);
}

TEST_P(PhonebookTest, ScopingByOwnerPublicAndAllResources) {
  const Contact mine = AddContact(kAlice, "Mine", "+48111");
  const Contact shared = AddContact(kAlice, "Shared", "+48222", true);
  const Contact bobs = AddContact(kBob, "Bobs", "+48333");
  EXPECT_EQ(Ids(*book_->ListContacts(kAlice)), (std::vector<std::int64_t>{mine.id, shared.id}));
  EXPECT_EQ(Ids(*book_->ListContacts(kBob)), (std::vector<std::int64_t>{shared.id, bobs.id}));
  EXPECT_EQ(Ids(*book_->ListContacts(std::nullopt)),
            (std::vector<std::int64_t>{mine.id, shared.id, bobs.id}));

  EXPECT_EQ(book_->GetContact(mine.id, kBob).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(book_->GetContact(shared.id, kBob).ok());
  // Public entries are readable, not writable, by others.
  EXPECT_EQ(book_->UpdateContact(shared.id, {"Hijacked", std::nullopt, std::nullopt}, kBob).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(book_->RemoveContact(shared.id, kBob).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(book_->GetContact(shared.id, kAlice)->name, "Shared");
  // All resources: may change anyone's entry.
  EXPECT_TRUE(book_->UpdateContact(bobs.id, {"Bob's", std::nullopt, std::nullopt}, std::nullopt).ok());
  EXPECT_TRUE(book_->RemoveContact(bobs.id, std::nullopt).ok());

  const Group private_group = AddGroup(kAlice, "Private");
  const Group public_group = AddGroup(kAlice, "Public", true);
  EXPECT_EQ(book_->ListGroups(kBob)->size(), 1u);
  EXPECT_EQ(book_->GetGroup(private_group.id, kBob).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(book_->RemoveGroup(public_group.id, kBob).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(*book_->GetGroup(public_group.id, kBob), public_group);
}

TEST_P(PhonebookTest, MembershipIsOrderedIdempotentAndCascades) {
  const Contact a = AddContact(kAlice, "A", "+48111");
  const Contact b = AddContact(kAlice, "B", "+48222");
  const Contact c = AddContact(kAlice, "C", "+48333");
  const Group g = AddGroup(kAlice, "G");
  EXPECT_EQ(Ids(AddMembers(g.id, {c.id, a.id}, kAlice)), (std::vector<std::int64_t>{a.id, c.id}));
  EXPECT_EQ(Ids(AddMembers(g.id, {a.id, b.id, b.id}, kAlice)), (std::vector<std::int64_t>{a.id, b.id, c.id}));

  auto removed = book_->RemoveMembers(g.id, {b.id}, kAlice);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(Ids(std::get<std::vector<Contact>>(*removed)), (std::vector<std::int64_t>{a.id, c.id}));

  ASSERT_TRUE(book_->RemoveContact(a.id, kAlice).ok());  // leaves every group
  EXPECT_EQ(Ids(*book_->Members(g.id, kAlice)), (std::vector<std::int64_t>{c.id}));
  ASSERT_TRUE(book_->RemoveGroup(g.id, kAlice).ok());  // the contacts stay
  EXPECT_EQ(book_->Members(g.id, kAlice).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(book_->GetContact(c.id, kAlice).ok());
}

TEST_P(PhonebookTest, MembershipErrors) {
  const Contact mine = AddContact(kAlice, "A", "+48111");
  const Contact bobs = AddContact(kBob, "B", "+48222");
  const Group g = AddGroup(kAlice, "G", true);
  auto empty = book_->AddMembers(g.id, {}, kAlice);
  EXPECT_EQ(std::get<FieldErrors>(*empty), (FieldErrors{{"contacts", kBlank}}));
  for (const std::int64_t id : {bobs.id, std::int64_t{999}}) {
    auto invalid = book_->AddMembers(g.id, {mine.id, id}, kAlice);
    ASSERT_TRUE(invalid.ok());
    EXPECT_EQ(std::get<FieldErrors>(*invalid), (FieldErrors{{"contacts", kInvalidChoice}})) << id;
  }
  EXPECT_TRUE(book_->Members(g.id, kAlice)->empty());  // nothing was added
  // Bob may read the public group but not change it; unknown groups are 404 as well.
  EXPECT_EQ(book_->AddMembers(g.id, {bobs.id}, kBob).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(book_->AddMembers(999, {mine.id}, kAlice).error().code(), ErrorCode::kNotFound);
}

TEST_P(PhonebookTest, DirectoryResolvesWithTheViewersScope) {
  const Contact mine = AddContact(kAlice, "Twin", "+48111");
  const Contact later_twin = AddContact(kAlice, "Twin", "+48222", true);
  const Contact bobs = AddContact(kBob, "Bobs", "+48333");
  const Group g = AddGroup(kAlice, "Team", true);
  AddMembers(g.id, {later_twin.id, mine.id, bobs.id});

  const send::RecipientDirectory& dir = *book_;
  auto found = dir.FindContact(mine.id, kAlice);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->number, "+48111");
  EXPECT_FALSE(dir.FindContact(mine.id, kBob)->has_value());
  EXPECT_FALSE(dir.FindContact(12345, std::nullopt)->has_value());

  auto members = dir.GroupMembers(g.id, kBob);  // Alice's private contact is left out
  ASSERT_TRUE(members.ok() && members->has_value());
  ASSERT_EQ((*members)->size(), 2u);
  EXPECT_EQ((**members)[0].id, later_twin.id);
  EXPECT_EQ((**members)[1].id, bobs.id);
  EXPECT_EQ((*dir.GroupMembers(g.id, std::nullopt))->size(), 3u);
  EXPECT_FALSE(dir.GroupMembers(999, std::nullopt)->has_value());

  EXPECT_EQ(*dir.FindContactByName("Twin", kAlice), mine.id);
  EXPECT_EQ(*dir.FindContactByName("Twin", kBob), later_twin.id);
  EXPECT_FALSE(dir.FindContactByName("twin", kAlice)->has_value());
  EXPECT_EQ(*dir.FindGroupByName("Team", kBob), g.id);
  EXPECT_FALSE(dir.FindGroupByName("Nobody", std::nullopt)->has_value());
}

OSPREY_INSTANTIATE_FOR_ENGINES(PhonebookTest);

}  // namespace
}  // namespace osprey::smsgw::phonebook
