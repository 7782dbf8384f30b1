#include "mfa/smtp/smtp_server_store.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "libs/core/src/test_keys.hpp"
#include "libs/sql/src/test_db.hpp"
#include "osprey/sql/rows.hpp"

namespace osprey::mfa::smtp {
namespace {

class SmtpServerStoreTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    auto applied = sql::ApplyMigrations(*db_, SmtpServerMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    store_ = std::make_unique<SmtpServerStore>(*db_, sealer_);
  }

  static SmtpServer Server(const std::string& identifier, const std::string& password) {
    SmtpServer s;
    s.identifier = identifier;
    s.server = "mail.example.test";
    s.port = 587;
    s.username = "otp";
    s.password = Secret(password);
    s.sender = "otp@example.test";
    s.tls = true;
    s.description = "relay";
    s.timeout = 7;
    s.enqueue_job = true;
    return s;
  }

  std::string Column(const std::string& sql) {
    auto session = db_->Acquire();
    std::string value;
    (*session).get() << sql, soci::into(value);
    return value;
  }

  crypto::Sealer sealer_{crypto::testing::RandomRing("k1")};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<SmtpServerStore> store_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(SmtpServerStoreTest);

TEST_P(SmtpServerStoreTest, PutFindRoundTripsEveryFieldAndSealsThePassword) {
  auto id = store_->Put(Server("relay1", "s3cret-pw"));
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_EQ(*id, 1);
  auto found = store_->Find("relay1");
  ASSERT_TRUE(found.ok() && found->has_value());
  const SmtpServer& s = **found;
  EXPECT_EQ(s.id, 1);
  EXPECT_EQ(s.identifier, "relay1");
  EXPECT_EQ(s.server, "mail.example.test");
  EXPECT_EQ(s.port, 587);
  EXPECT_EQ(s.username, "otp");
  EXPECT_EQ(s.password.view(), "s3cret-pw");
  EXPECT_EQ(s.sender, "otp@example.test");
  EXPECT_TRUE(s.tls);
  EXPECT_EQ(s.description, "relay");
  EXPECT_EQ(s.timeout, 7);
  EXPECT_TRUE(s.enqueue_job);
  const std::string stored = Column("SELECT sealed_password FROM mfa_smtpserver");
  EXPECT_EQ(stored.find("s3cret"), std::string::npos);
  EXPECT_TRUE(stored.starts_with("v1:"));
  EXPECT_FALSE(store_->Find("RELAY1")->has_value());  // identifiers match exactly
}

TEST_P(SmtpServerStoreTest, PutOverwritesByIdentifierAndKeepsTheId) {
  ASSERT_TRUE(store_->Put(Server("a", "pw-a")).ok());
  ASSERT_TRUE(store_->Put(Server("b", "pw-b")).ok());
  SmtpServer changed;
  changed.identifier = "a";
  changed.server = "10.0.0.1";
  auto id = store_->Put(changed);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 1);
  auto found = store_->Find("a");
  ASSERT_TRUE(found.ok() && found->has_value());
  const SmtpServer& a = **found;
  EXPECT_EQ(a.server, "10.0.0.1");
  EXPECT_EQ(a.port, 25);
  EXPECT_EQ(a.username, "");
  EXPECT_TRUE(a.password.empty());
  EXPECT_FALSE(a.tls);
  EXPECT_EQ(a.timeout, 10);
  EXPECT_FALSE(a.enqueue_job);
  EXPECT_EQ(Column("SELECT sealed_password FROM mfa_smtpserver WHERE identifier = 'a'"), "");
  auto list = store_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].identifier, "a");
  EXPECT_EQ((*list)[1].identifier, "b");
  EXPECT_EQ((*list)[1].password.view(), "pw-b");
}

TEST_P(SmtpServerStoreTest, RemoveReturnsTheIdOrNothing) {
  ASSERT_TRUE(store_->Put(Server("a", "")).ok());
  auto removed = store_->Remove("a");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, std::optional<std::int64_t>(1));
  EXPECT_FALSE(store_->Remove("a")->has_value());
  EXPECT_TRUE(store_->List()->empty());
}

TEST_P(SmtpServerStoreTest, RejectsInvalidDefinitions) {
  struct Case {
    const char* why;
    void (*change)(SmtpServer&);
  };
  const Case cases[] = {
      {"empty identifier", [](SmtpServer& s) { s.identifier.clear(); }},
      {"empty server", [](SmtpServer& s) { s.server.clear(); }},
      {"port 0", [](SmtpServer& s) { s.port = 0; }},
      {"port 65536", [](SmtpServer& s) { s.port = 65536; }},
      {"timeout 0", [](SmtpServer& s) { s.timeout = 0; }},
  };
  for (const Case& c : cases) {
    SmtpServer s = Server("x", "pw");
    c.change(s);
    auto id = store_->Put(s);
    ASSERT_FALSE(id.ok()) << c.why;
    EXPECT_EQ(id.error().code(), ErrorCode::kInvalidArgument) << c.why;
  }
  EXPECT_TRUE(store_->List()->empty());
}

// A sealed password copied to another definition does not open there, and the error does not show it.
TEST_P(SmtpServerStoreTest, ASealedPasswordOpensOnlyUnderItsIdentifier) {
  ASSERT_TRUE(store_->Put(Server("a", "pw-a")).ok());
  ASSERT_TRUE(store_->Put(Server("b", "pw-b")).ok());
  {
    auto session = db_->Acquire();
    (*session).get()
        << "UPDATE mfa_smtpserver SET sealed_password = (SELECT sealed_password FROM mfa_smtpserver "
           "WHERE identifier = 'a') WHERE identifier = 'b'";
  }
  auto b = store_->Find("b");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code(), ErrorCode::kCorrupted);
  EXPECT_EQ(b.error().message().find("pw-"), std::string::npos);
  EXPECT_FALSE(store_->List().ok());
}

}  // namespace
}  // namespace osprey::mfa::smtp
