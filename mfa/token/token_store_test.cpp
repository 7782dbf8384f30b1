#include "mfa/token/token_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "mfa/token/test_tokens.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::token {
namespace {

class TokenStoreTest : public testing::TokensTest {};
OSPREY_INSTANTIATE_FOR_ENGINES(TokenStoreTest);

TEST_P(TokenStoreTest, CreateGetRoundTripsEveryField) {
  TokenRecord r;
  r.serial = "OATH0001";
  r.tokentype = "hotp";
  r.description = "desc";
  r.otplen = 8;
  r.maxfail = 5;
  r.failcount = 2;
  r.count = 5'000'000'000LL;  // beyond 32 bits
  r.count_window = 7;
  r.sync_window = 99;
  r.user_id = alice_.info.uid;
  r.resolver = "res1";
  r.user_realm = "realm1";
  r.realms = {"realm1", "other"};
  r.info = {{"hashlib", "sha256"}, {"tokenkind", "software"}};
  auto id = store_->Create(r, RfcKey(), Secret("1234"));
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  TokenRecord got = GetOrDie("OATH0001");
  EXPECT_EQ(got.id, *id);
  EXPECT_EQ(got.tokentype, "hotp");
  EXPECT_EQ(got.description, "desc");
  EXPECT_EQ(got.otplen, 8);
  EXPECT_EQ(got.maxfail, 5);
  EXPECT_EQ(got.failcount, 2);
  EXPECT_EQ(got.count, 5'000'000'000LL);
  EXPECT_EQ(got.count_window, 7);
  EXPECT_EQ(got.sync_window, 99);
  EXPECT_TRUE(got.active);
  EXPECT_FALSE(got.revoked);
  EXPECT_FALSE(got.locked);
  EXPECT_EQ(got.user_id, alice_.info.uid);
  EXPECT_EQ(got.user_realm, "realm1");
  EXPECT_EQ(got.realms, (std::vector<std::string>{"other", "realm1"}));
  EXPECT_EQ(got.info, r.info);
  // The seed is sealed to the serial, the PIN hashed: neither is stored in clear.
  EXPECT_EQ(got.sealed_key.find(testing::kRfcKeyHex), std::string::npos);
  auto key = store_->OpenKey(got);
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(key->Equals(RfcKey()));
  EXPECT_TRUE(store_->CheckPin(got, "1234"));
  EXPECT_FALSE(store_->CheckPin(got, "12345"));
  EXPECT_FALSE(store_->CheckPin(got, ""));
  TokenRecord moved = got;
  moved.serial = "OTHER";
  EXPECT_FALSE(store_->OpenKey(moved).ok());
  EXPECT_FALSE(store_->CheckPin(moved, "1234"));
}

TEST_P(TokenStoreTest, UnknownSerialAndDuplicates) {
  auto none = store_->Get("NOPE");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  AddHotp("T1");
  TokenRecord dup;
  dup.serial = "T1";
  dup.tokentype = "hotp";
  EXPECT_EQ(store_->Create(dup, RfcKey(), std::nullopt).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(*store_->SerialExists("T1"));
  EXPECT_FALSE(*store_->SerialExists("T2"));
  EXPECT_EQ(store_->Delete("T2").error().code(), ErrorCode::kNotFound);
  TokenRecord ghost;
  ghost.serial = "T2";
  EXPECT_EQ(store_->Save(ghost).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->SetPin("T2", Secret("x")).error().code(), ErrorCode::kNotFound);
}

// Enrolment runs concurrently (admin scripts, the benchmark's 32 connections): on PostgreSQL, serializable
// transactions inserting neighbouring serials conflicted on the index pages and were abandoned after the
// retries. Every create must succeed, and a race on one serial must give exactly one token.
TEST_P(TokenStoreTest, ConcurrentCreatesAllSucceedAndOneSerialWinsOnce) {
  constexpr int kThreads = 32, kEach = 8;
  sql::DatabaseOptions options;
  options.pool_size = 8;  // as osprey serve: eight transactions at once
  auto db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  TokenStore store(*db, sealer_, hasher_, clock_);
  std::atomic<int> failed{0}, created_same{0}, exists_same{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        TokenRecord r;
        r.serial = "C" + std::to_string(t) + "-" + std::to_string(i);
        r.tokentype = "hotp";
        r.info = {{"hashlib", "sha1"}, {"tokenkind", "software"}};
        r.realms = {"realm1"};
        if (!store.Create(r, RfcKey(), Secret("1234")).ok()) ++failed;
      }
      TokenRecord same;
      same.serial = "SAME";
      same.tokentype = "hotp";
      auto id = store.Create(same, RfcKey(), std::nullopt);
      if (id.ok()) {
        ++created_same;
      } else if (id.error().code() == ErrorCode::kAlreadyExists) {
        ++exists_same;
      } else {
        ++failed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(created_same.load(), 1);
  EXPECT_EQ(exists_same.load(), kThreads - 1);
  EXPECT_EQ(*store.CountOfType("hotp"), kThreads * kEach + 1);
}

TEST_P(TokenStoreTest, TokenWithoutPinMatchesOnlyTheEmptyPin) {
  TokenRecord r = GetOrDie(AddHotp("T1").serial);
  EXPECT_TRUE(store_->CheckPin(r, ""));
  EXPECT_FALSE(store_->CheckPin(r, "x"));
  ASSERT_TRUE(store_->SetPin("T1", Secret("pin")).ok());
  r = GetOrDie("T1");
  EXPECT_TRUE(store_->CheckPin(r, "pin"));
  ASSERT_TRUE(store_->SetPin("T1", std::nullopt).ok());
  EXPECT_TRUE(store_->CheckPin(GetOrDie("T1"), ""));
}

TEST_P(TokenStoreTest, ListOwnedSortsByTypeThenSerialAndCarriesDetails) {
  AddHotp("B", &alice_);
  AddHotp("A", &alice_);
  TokenRecord t;
  t.serial = "0TOTP";
  t.tokentype = "totp";
  t.user_id = alice_.info.uid;
  t.resolver = "res1";
  t.info = {{"timeStep", "30"}};
  ASSERT_TRUE(store_->Create(t, RfcKey(), std::nullopt).ok());
  AddHotp("C", &bob_);
  auto owned = store_->ListOwned("res1", alice_.info.uid);
  ASSERT_TRUE(owned.ok()) << owned.error().ToString();
  ASSERT_EQ(owned->size(), 3u);
  EXPECT_EQ((*owned)[0].serial, "A");
  EXPECT_EQ((*owned)[1].serial, "B");
  EXPECT_EQ((*owned)[2].serial, "0TOTP");
  EXPECT_EQ((*owned)[0].info.at("hashlib"), "sha1");
  EXPECT_EQ((*owned)[0].realms, std::vector<std::string>{"realm1"});
  EXPECT_EQ((*owned)[2].Info("timeStep"), "30");
  EXPECT_TRUE(store_->ListOwned("res1", "nobody")->empty());
}

TEST_P(TokenStoreTest, SaveReplacesManagementFieldsInfoAndRealms) {
  TokenRecord r = GetOrDie(AddHotp("T1", &alice_).serial);
  r.description = "new";
  r.active = false;
  r.revoked = true;
  r.locked = true;
  r.failcount = 3;
  r.info.erase("tokenkind");
  r.info["x"] = "y";
  r.realms = {};
  r.user_id.clear();
  ASSERT_TRUE(store_->Save(r).ok());
  TokenRecord got = GetOrDie("T1");
  EXPECT_EQ(got.description, "new");
  EXPECT_FALSE(got.active);
  EXPECT_TRUE(got.revoked);
  EXPECT_TRUE(got.locked);
  EXPECT_EQ(got.failcount, 3);
  EXPECT_EQ(got.info, (std::map<std::string, std::string>{{"hashlib", "sha1"}, {"x", "y"}}));
  EXPECT_TRUE(got.realms.empty());
  EXPECT_TRUE(got.user_id.empty());
  EXPECT_TRUE(store_->OpenKey(got).ok());  // the key is untouched by Save
}

TEST_P(TokenStoreTest, ApplyInIsACompareAndSetOnTheCounter) {
  TokenRecord r = AddHotp("T1");
  TokenUpdate u;
  u.id = r.id;
  u.expected_count = 0;
  u.count = 1;
  u.failcount = 0;
  u.info = {{"timeShift", "-3"}};
  u.count_auth_delta = 1;
  u.count_auth_success_delta = 1;
  bool first = false, second = false;
  ASSERT_TRUE(sql::RunTransaction(*db_, "t", [&](soci::session& s) { first = store_->ApplyIn(s, u); }).ok());
  ASSERT_TRUE(sql::RunTransaction(*db_, "t", [&](soci::session& s) { second = store_->ApplyIn(s, u); }).ok());
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  TokenRecord got = GetOrDie("T1");
  EXPECT_EQ(got.count, 1);
  EXPECT_EQ(got.count_auth, 1);
  EXPECT_EQ(got.count_auth_success, 1);
  EXPECT_EQ(got.Info("timeShift"), "-3");
}

TEST_P(TokenStoreTest, ConcurrentApplyInAcceptsOnce) {
  TokenRecord r = AddHotp("T1");
  std::atomic<int> applied{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      TokenUpdate u;
      u.id = r.id;
      u.expected_count = 0;
      u.count = 1;
      bool ok = false;
      Status st = sql::RunTransaction(*db_, "t", [&](soci::session& s) { ok = store_->ApplyIn(s, u); });
      if (st.ok() && ok) ++applied;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(applied.load(), 1);
}

TEST_P(TokenStoreTest, FailCounterStopsAtMaxfailAndRecordsTheTime) {
  TokenRecord r = AddHotp("T1");
  ASSERT_EQ(r.maxfail, 10);
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(
        sql::RunTransaction(*db_, "t", [&](soci::session& s) { store_->IncrementFailIn(s, r, true); }).ok());
    if (i == 8) {
      EXPECT_EQ(GetOrDie("T1").Info("failcounter_exceeded"), "");
    }
  }
  TokenRecord got = GetOrDie("T1");
  EXPECT_EQ(got.failcount, 10);
  EXPECT_EQ(got.count_auth, 12);
  EXPECT_NE(got.Info("failcounter_exceeded"), "");
  EXPECT_EQ(got.Info("failcounter_exceeded").substr(0, 4), "2023");  // the fake clock's year
  ASSERT_TRUE(
      sql::RunTransaction(*db_, "t", [&](soci::session& s) { store_->IncrementFailIn(s, r, false); }).ok());
  EXPECT_EQ(GetOrDie("T1").count_auth, 12);
  ASSERT_TRUE(sql::RunTransaction(*db_, "t", [&](soci::session& s) { store_->ResetFailIn(s, r.id); }).ok());
  got = GetOrDie("T1");
  EXPECT_EQ(got.failcount, 0);
  EXPECT_EQ(got.Info("failcounter_exceeded"), "");
}

TEST_P(TokenStoreTest, ChallengesAreFoundBumpedPurgedAndDeleted) {
  AddHotp("T1");
  AddHotp("T2");
  const Clock::TimePoint now = clock_.Now();
  Challenge c;
  c.transaction_id = "01234567890123456789";
  c.serial = "T1";
  c.challenge = "please enter otp: ";
  c.created = now;
  c.expiration = now + std::chrono::seconds(120);
  ASSERT_TRUE(store_->CreateChallenge(c).ok());
  c.serial = "T2";
  ASSERT_TRUE(store_->CreateChallenge(c).ok());
  Challenge old = c;
  old.transaction_id = "99999999999999999999";
  old.serial = "T1";
  old.expiration = now - std::chrono::seconds(1);
  ASSERT_TRUE(store_->CreateChallenge(old).ok());

  auto found = store_->FindChallenges("T1", c.transaction_id);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].challenge, "please enter otp: ");
  EXPECT_EQ((*found)[0].expiration, now + std::chrono::seconds(120));
  EXPECT_EQ((*found)[0].received_count, 0);
  ASSERT_TRUE(sql::RunTransaction(*db_, "t", [&](soci::session& s) {
                store_->BumpReceivedIn(s, (*found)[0].id);
                store_->PurgeExpiredIn(s, "T1", now);
              }).ok());
  EXPECT_EQ((*store_->FindChallenges("T1", c.transaction_id))[0].received_count, 1);
  EXPECT_TRUE(store_->FindChallenges("T1", old.transaction_id)->empty());
  ASSERT_TRUE(sql::RunTransaction(*db_, "t", [&](soci::session& s) {
                store_->DeleteChallengesIn(s, c.transaction_id);
              }).ok());
  EXPECT_TRUE(store_->FindChallenges("T1", c.transaction_id)->empty());
  EXPECT_TRUE(store_->FindChallenges("T2", c.transaction_id)->empty());
}

// Each new challenge purges its token's expired ones: by index, not by visiting every challenge of the token
// (SQLite; PostgreSQL plans by its statistics).
TEST_P(TokenStoreTest, ChallengePurgeAndLookupUseTheirIndexes) {
  if (engine() != sql::Engine::kSqlite) GTEST_SKIP() << "SQLite's query plan";
  auto plan = [&](const std::string& query) {
    std::string out;
    auto s = db_->Acquire();
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return out;
    soci::rowset<soci::row> rows = (s->get().prepare << "EXPLAIN QUERY PLAN " + query);
    for (const soci::row& row : rows) out += row.get<std::string>(3) + "\n";
    return out;
  };
  EXPECT_NE(plan("DELETE FROM mfa_challenge WHERE serial = 'T1' AND expiration_ms < 5")
                .find("mfa_challenge_serial_exp (serial=? AND expiration_ms<?)"),
            std::string::npos);
  EXPECT_NE(plan("SELECT id FROM mfa_challenge WHERE serial = 'T1' AND transaction_id = '1' ORDER BY id")
                .find("mfa_challenge_tid (transaction_id=?)"),
            std::string::npos);
}

TEST_P(TokenStoreTest, DeleteRemovesInfoRealmsAndChallenges) {
  AddHotp("T1", &alice_);
  Challenge c;
  c.transaction_id = "1";
  c.serial = "T1";
  c.created = c.expiration = clock_.Now();
  ASSERT_TRUE(store_->CreateChallenge(c).ok());
  ASSERT_TRUE(store_->Delete("T1").ok());
  EXPECT_FALSE(store_->Get("T1")->has_value());
  EXPECT_TRUE(store_->FindChallenges("T1", "1")->empty());
  AddHotp("T1");  // the serial is free again, with no leftover info or realms
  TokenRecord again = GetOrDie("T1");
  EXPECT_TRUE(again.realms.empty());
}

TEST_P(TokenStoreTest, ListFiltersSortsAndPages) {
  for (int i = 0; i < 20; ++i) {
    char serial[16];
    std::snprintf(serial, sizeof serial, "OATH%04d", i);
    AddHotp(serial, i % 2 == 0 ? &alice_ : nullptr);
  }
  TokenRecord t;
  t.serial = "TOTP0001";
  t.tokentype = "totp";
  t.description = "Phone of Bob";
  t.info = {{"phone", "+49"}};
  ASSERT_TRUE(store_->Create(t, RfcKey(), std::nullopt).ok());

  TokenFilter all;
  auto page = store_->List(all);
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  EXPECT_EQ(page->count, 21);
  ASSERT_EQ(page->tokens.size(), 15u);
  EXPECT_EQ(page->tokens[0].serial, "OATH0000");
  EXPECT_EQ(page->tokens[0].info.at("tokenkind"), "software");
  all.page = 2;
  EXPECT_EQ(store_->List(all)->tokens.size(), 6u);
  all.page = 1;
  all.descending = true;
  EXPECT_EQ(store_->List(all)->tokens[0].serial, "TOTP0001");

  struct Case {
    TokenFilter filter;
    std::int64_t count;
  };
  std::vector<Case> cases;
  auto with = [](auto set) {
    TokenFilter f;
    set(f);
    return f;
  };
  cases.push_back({with([](TokenFilter& f) { f.serial = "OATH000*"; }), 10});
  cases.push_back({with([](TokenFilter& f) { f.serial = "OATH0001"; }), 1});
  cases.push_back({with([](TokenFilter& f) { f.type = "TOTP"; }), 1});
  cases.push_back({with([](TokenFilter& f) { f.type = "*otp"; }), 21});
  cases.push_back({with([](TokenFilter& f) { f.type_list = {"hotp", "totp"}; }), 21});
  cases.push_back({with([](TokenFilter& f) { f.description = "*Bob"; }), 1});
  cases.push_back({with([](TokenFilter& f) { f.assigned = true; }), 10});
  cases.push_back({with([](TokenFilter& f) { f.assigned = false; }), 11});
  cases.push_back({with([](TokenFilter& f) { f.user_id = "x"; }), 0});
  cases.push_back({with([](TokenFilter& f) { f.resolver = "res1"; }), 10});
  cases.push_back({with([](TokenFilter& f) { f.tokenrealm = "Realm1"; }), 10});
  cases.push_back({with([](TokenFilter& f) { f.user_realm = "realm1"; }), 10});
  cases.push_back({with([](TokenFilter& f) { f.active = false; }), 0});
  cases.push_back({with([](TokenFilter& f) { f.active = true; }), 21});
  cases.push_back({with([](TokenFilter& f) { f.infokey = "phone"; }), 1});
  cases.push_back({with([](TokenFilter& f) {
                     f.infokey = "phone";
                     f.infovalue = "+48";
                   }),
                   0});
  cases.push_back({with([](TokenFilter& f) { f.serial = "OATH_00*"; }), 0});  // '_' is literal
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto got = store_->List(cases[i].filter);
    ASSERT_TRUE(got.ok()) << i << " " << got.error().ToString();
    EXPECT_EQ(got->count, cases[i].count) << "case " << i;
  }
  EXPECT_EQ(*store_->CountOfType("hotp"), 20);
  EXPECT_EQ(*store_->CountOfType("totp"), 1);
}

}  // namespace
}  // namespace osprey::mfa::token
