#include "mfa/system/system_config.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "libs/core/src/test_keys.hpp"
#include "libs/sql/src/test_db.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/sql/rows.hpp"

namespace osprey::mfa::system {
namespace {

crypto::KeyRing TestRing() { return crypto::testing::RandomRing("k1"); }

class SystemConfigTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    auto applied = sql::ApplyMigrations(*db_, SystemMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    config_ = std::make_unique<SystemConfig>(*db_, clock_, sealer_);
  }

  std::string StoredValue(const std::string& key) {
    auto session = db_->Acquire();
    std::string value;
    (*session).get() << "SELECT value FROM mfa_config WHERE name = :n", soci::use(key, "n"),
        soci::into(value);
    return value;
  }

  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(1'700'000'000))};
  crypto::Sealer sealer_{TestRing()};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<SystemConfig> config_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(SystemConfigTest);

TEST(IsTrueTest, FollowsSpecSection1_6) {
  struct Case {
    const char* value;
    bool is_true;
    bool config_is_true;
  };
  const Case cases[] = {{"1", true, true},       {"true", true, true},  {"True", true, true},
                        {"TRUE", true, true},    {"tRuE", false, true}, {"yes", false, false},
                        {"on", false, false},    {"0", false, false},   {"", false, false},
                        {"False", false, false}, {" 1", false, false}};
  for (const auto& c : cases) {
    EXPECT_EQ(IsTrue(c.value), c.is_true) << c.value;
    EXPECT_EQ(ConfigIsTrue(c.value), c.config_is_true) << c.value;
  }
}

TEST(CanonicalDefaultNameTest, MatchesTheFiveNamesCaseInsensitively) {
  EXPECT_EQ(CanonicalDefaultName("defaultotplen"), "DefaultOtpLen");
  EXPECT_EQ(CanonicalDefaultName("DEFAULTMAXFAILCOUNT"), "DefaultMaxFailCount");
  EXPECT_EQ(CanonicalDefaultName("DefaultSyncWindow"), "DefaultSyncWindow");
  EXPECT_EQ(CanonicalDefaultName("defaultcountwindow"), "DefaultCountWindow");
  EXPECT_EQ(CanonicalDefaultName("defaultresetfailcount"), "DefaultResetFailCount");
  EXPECT_FALSE(CanonicalDefaultName("DefaultChallengeValidityTime").has_value());
  EXPECT_FALSE(CanonicalDefaultName("").has_value());
}

TEST_P(SystemConfigTest, DefaultsOfSection4ApplyToUnsetKeys) {
  struct Case {
    const char* key;
    bool as_bool;
    std::int64_t as_int;
    const char* as_string;
  };
  const Case cases[] = {
      {"PrependPin", true, -1, "True"},
      {"splitAtSign", true, -1, "True"},
      {"IncFailCountOnFalsePin", true, -1, "True"},
      {"ReturnSamlAttributes", true, -1, "True"},
      {"ReturnSamlAttributesOnFail", false, -1, "False"},
      {"ResetFailcounterOnPIN", false, -1, "False"},
      {"failcounter_clear_timeout", false, 0, "0"},
      {"AutoResync", false, -1, "False"},
      {"AutoResyncTimeout", false, 300, "300"},
      {"DefaultChallengeValidityTime", false, 120, "120"},
      {"hotp.hashlib", false, -1, "sha1"},
      {"totp.hashlib", false, -1, "sha1"},
      {"totp.timeStep", false, 30, "30"},
      {"totp.timeWindow", false, 180, "180"},
      {"sms.providerTimeout", false, 300, "300"},
      {"sms.concurrent_challenges", false, -1, "False"},
      {"DefaultOtpLen", false, 6, "6"},
      {"DefaultCountWindow", false, 10, "10"},
      {"DefaultMaxFailCount", false, 10, "10"},
      {"DefaultSyncWindow", false, 1000, "1000"},
      {"no_auth_counter", false, -1, "fb"},
      {"DefaultResetFailCount", false, -1, "fb"},
      {"sms.identifier", false, -1, "fb"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(config_->GetBool(c.key), c.as_bool) << c.key;
    EXPECT_EQ(config_->GetInt(c.key, -1), c.as_int) << c.key;
    EXPECT_EQ(config_->GetOr(c.key, "fb"), c.as_string) << c.key;
    EXPECT_FALSE(config_->Get(c.key).has_value()) << c.key;
  }
  EXPECT_TRUE(config_->GetBool("unknown", true));
  EXPECT_FALSE(config_->GetBool("unknown", false));
}

TEST_P(SystemConfigTest, SetReportsInsertThenUpdateAndStoredValuesWin) {
  auto first = config_->Set("PrependPin", "False");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(*first, "insert");
  EXPECT_EQ(*config_->Set("PrependPin", "false"), "update");
  EXPECT_FALSE(config_->GetBool("PrependPin"));
  EXPECT_EQ(config_->Get("PrependPin"), "false");
  ASSERT_TRUE(config_->Set("splitAtSign", "TrUe").ok());  // config reads lower-case first
  EXPECT_TRUE(config_->GetBool("splitAtSign"));
  ASSERT_TRUE(config_->Set("IncFailCountOnFalsePin", "yes").ok());
  EXPECT_FALSE(config_->GetBool("IncFailCountOnFalsePin"));
}

TEST_P(SystemConfigTest, GetIntParsesBlanksAndFloatsAndFallsBackOnGarbage) {
  ASSERT_TRUE(config_->Set("DefaultOtpLen", " 8 ").ok());
  EXPECT_EQ(config_->GetInt("DefaultOtpLen", 0), 8);
  ASSERT_TRUE(config_->Set("DefaultOtpLen", "7.9").ok());
  EXPECT_EQ(config_->GetInt("DefaultOtpLen", 0), 7);
  ASSERT_TRUE(config_->Set("DefaultOtpLen", "eight").ok());
  EXPECT_EQ(config_->GetInt("DefaultOtpLen", 0), 6);  // the §4 default
  ASSERT_TRUE(config_->Set("custom", "x").ok());
  EXPECT_EQ(config_->GetInt("custom", 42), 42);
}

TEST_P(SystemConfigTest, TimestampIsWrittenOnEveryChange) {
  auto all = config_->All();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->at("__timestamp__"), "0");
  ASSERT_TRUE(config_->Set("a", "1").ok());
  EXPECT_EQ(StoredValue("__timestamp__"), "1700000000");
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(*config_->Delete("a"));
  EXPECT_EQ(StoredValue("__timestamp__"), "1700000005");
  clock_.Advance(std::chrono::seconds(5));
  EXPECT_FALSE(*config_->Delete("a"));  // nothing changed
  EXPECT_EQ(StoredValue("__timestamp__"), "1700000005");
  EXPECT_EQ(config_->All()->at("__timestamp__"), "1700000005");
}

TEST_P(SystemConfigTest, AllShowsStoredKeysTheFourTrueDefaultsAndHidesSealedValues) {
  ASSERT_TRUE(config_->Set("PrependPin", "False").ok());
  ASSERT_TRUE(config_->Set("sms.identifier", "gw1", std::string("public"), std::string("gateway")).ok());
  ASSERT_TRUE(config_->Set("ldap.secret", "hunter2", std::string("password")).ok());
  auto all = config_->All();
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  EXPECT_EQ(all->at("PrependPin"), "False");
  EXPECT_EQ(all->at("splitAtSign"), "True");
  EXPECT_EQ(all->at("IncFailCountOnFalsePin"), "True");
  EXPECT_EQ(all->at("ReturnSamlAttributes"), "True");
  EXPECT_EQ(all->at("sms.identifier"), "gw1");
  EXPECT_EQ(all->at("ldap.secret"), "__sealed__");
  EXPECT_EQ(all->count("DefaultOtpLen"), 0u);  // other defaults are not shown
  EXPECT_EQ(all->size(), 7u);

  auto items = config_->Items();
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(items->at("sms.identifier").type, "public");
  EXPECT_EQ(items->at("sms.identifier").description, "gateway");
  EXPECT_EQ(items->at("ldap.secret").value, "hunter2");
  EXPECT_EQ(items->at("ldap.secret").type, "password");
}

TEST_P(SystemConfigTest, PasswordValuesAreSealedAtRestUnderTheirKeyName) {
  ASSERT_TRUE(config_->Set("ldap.secret", "hunter2", std::string("password")).ok());
  const std::string stored = StoredValue("ldap.secret");
  EXPECT_EQ(stored.find("hunter2"), std::string::npos);
  EXPECT_TRUE(sealer_.Open(stored, "ldap.secret").ok());
  EXPECT_FALSE(sealer_.Open(stored, "other.key").ok());
  EXPECT_EQ(config_->Get("ldap.secret"), "hunter2");
  // An update without a type keeps the password type, so the new value is sealed as well.
  ASSERT_TRUE(config_->Set("ldap.secret", "s3cret").ok());
  EXPECT_EQ(StoredValue("ldap.secret").find("s3cret"), std::string::npos);
  EXPECT_EQ(config_->Get("ldap.secret"), "s3cret");
  // A value copied into another key does not open there and is left out rather than shown.
  {
    auto session = db_->Acquire();
    const std::string copy = StoredValue("ldap.secret");
    (*session).get() << "INSERT INTO mfa_config (name, value, type, description) VALUES ('stolen', :v, "
                        "'password', '')",
        soci::use(copy, "v");
  }
  config_->Invalidate();
  EXPECT_FALSE(config_->Get("stolen").has_value());
}

TEST_P(SystemConfigTest, DescriptionAndTypeAreKeptWhenNotGiven) {
  ASSERT_TRUE(config_->Set("k", "v", std::string("public"), std::string("about k")).ok());
  ASSERT_TRUE(config_->Set("k", "w").ok());
  auto items = config_->Items();
  EXPECT_EQ(items->at("k").value, "w");
  EXPECT_EQ(items->at("k").type, "public");
  EXPECT_EQ(items->at("k").description, "about k");
}

TEST_P(SystemConfigTest, DeleteReportsWhetherTheKeyWasStored) {
  EXPECT_FALSE(*config_->Delete("nothing"));
  ASSERT_TRUE(config_->Set("DefaultOtpLen", "8").ok());
  EXPECT_EQ(config_->GetInt("DefaultOtpLen", 0), 8);
  EXPECT_TRUE(*config_->Delete("DefaultOtpLen"));
  EXPECT_EQ(config_->GetInt("DefaultOtpLen", 0), 6);
  EXPECT_FALSE(config_->Get("DefaultOtpLen").has_value());
}

TEST_P(SystemConfigTest, AnotherProcessesWriteIsSeenAfterTheReloadInterval) {
  SystemConfig other(*db_, clock_, sealer_);    // stands for the CLI process
  EXPECT_TRUE(config_->GetBool("PrependPin"));  // snapshot loaded
  ASSERT_TRUE(other.Set("PrependPin", "False").ok());
  EXPECT_TRUE(config_->GetBool("PrependPin"));  // within the interval: the snapshot still answers
  clock_.Advance(std::chrono::milliseconds(1000));
  EXPECT_FALSE(config_->GetBool("PrependPin"));

  // A snapshot loaded in the second of a change is re-checked: a second write in that same second does not
  // move the timestamp but is still seen.
  clock_.Advance(std::chrono::seconds(10));
  ASSERT_TRUE(other.Set("PrependPin", "True").ok());
  config_->Invalidate();
  EXPECT_TRUE(config_->GetBool("PrependPin"));  // loaded in the second of the write
  ASSERT_TRUE(other.Set("PrependPin", "0").ok());
  clock_.Advance(std::chrono::milliseconds(1000));
  EXPECT_FALSE(config_->GetBool("PrependPin"));
}

TEST_P(SystemConfigTest, LocalWritesAreSeenImmediately) {
  EXPECT_EQ(config_->GetInt("DefaultOtpLen", 0), 6);
  ASSERT_TRUE(config_->Set("DefaultOtpLen", "8").ok());
  EXPECT_EQ(config_->GetInt("DefaultOtpLen", 0), 8);
}

TEST_P(SystemConfigTest, EmptyKeyIsRejected) {
  auto r = config_->Set("", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace osprey::mfa::system
