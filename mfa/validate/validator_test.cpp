// The Validator against the real token, users, system, policy and audit modules: spec §14 vectors 1–10 and
// 25, the decision table of §8, the fail counter rules of §7 and challenge-response.
#include "mfa/validate/validator.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "mfa/validate/test_validate.hpp"

namespace osprey::mfa::validate {
namespace {

using testing::ValidateTest;

class ValidatorTest : public ValidateTest {};
OSPREY_INSTANTIATE_FOR_ENGINES(ValidatorTest);

// §14.1–3: parameter and user errors, with their exact texts.
TEST_P(ValidatorTest, ParameterErrors) {
  struct Case {
    std::function<CheckRequest()> make;
    int http, code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[] { return CheckRequest{}; }, 400, 905,
       "ERR905: You need to specify a serial, user or credential_id."},
      {[] { return UserPass("h%h", "x"); }, 400, 905, "ERR905: Invalid user."},
      {[] { return SerialPass("*", "x"); }, 400, 905, "ERR905: Invalid serial number."},
      {[] { return SerialPass("NOPE", "x"); }, 404, 601, "The requested token could not be found."},
      {[] { return UserPass("eve", "x"); }, 400, 904, "ERR904: User <eve@realm1> does not exist."},
      {[] { return UserPass("eve@realm1", "x"); }, 400, 904, "ERR904: User <eve@realm1> does not exist."},
      {[] {
         CheckRequest r;
         r.user = "alice";
         return r;
       },
       400, 905, "ERR905: Missing parameter: 'pass'"},
      {[] {
         CheckRequest r = UserPass("eve", "x");
         r.resolver = "res1";
         return r;
       },
       400, 904, "ERR904: User <eve.res1@realm1> does not exist."},
  };
  for (const Case& c : cases) {
    PiError error = CheckError(c.make());
    EXPECT_EQ(error.http_status, c.http) << c.message;
    EXPECT_EQ(error.code, c.code) << c.message;
    EXPECT_EQ(error.message, c.message);
  }
  // Every validation is audited, errors included, and nothing secret is in the entries.
  auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), cases.size());
  EXPECT_EQ(entries[0].action, "POST /validate/check");
  EXPECT_FALSE(entries[0].success);
  EXPECT_EQ(entries[4].info, "ERR904: User <eve@realm1> does not exist.");
}

// §14.4–6: the RFC 4226 key through /validate/check, replay and the window.
TEST_P(ValidatorTest, HotpSequenceAndReplay) {
  AddPinnedHotp("OATH1", alice_);
  CheckResult ok = CheckOk(UserPass("alice", "pin755224"));
  EXPECT_TRUE(ok.value);
  EXPECT_EQ(ok.message, "matching 1 tokens");
  EXPECT_EQ(ok.serial, "OATH1");
  EXPECT_EQ(ok.type, "hotp");
  EXPECT_EQ(ok.otplen, 6);
  EXPECT_EQ(ok.Authentication(), "ACCEPT");
  EXPECT_EQ(GetOrDie("OATH1").count, 1);

  CheckResult replay = CheckOk(UserPass("alice", "pin755224"));
  EXPECT_FALSE(replay.value);
  EXPECT_EQ(replay.message, "wrong otp value. previous otp used again");
  EXPECT_EQ(replay.serial, "OATH1");
  EXPECT_EQ(replay.otplen, 6);
  EXPECT_EQ(replay.Authentication(), "REJECT");
  EXPECT_EQ(GetOrDie("OATH1").failcount, 1);

  CheckResult ahead = CheckOk(UserPass("alice", "pin162583"));  // HOTP(7), inside 1..10
  EXPECT_TRUE(ahead.value);
  token::TokenRecord after = GetOrDie("OATH1");
  EXPECT_EQ(after.count, 8);
  EXPECT_EQ(after.failcount, 0);  // a success resets the fail counter
  EXPECT_EQ(CheckOk(UserPass("alice", "pin359152")).message,
            "wrong otp value");  // HOTP(2): old, not previous

  auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_TRUE(entries[0].success);
  EXPECT_EQ(entries[0].serial, "OATH1");
  EXPECT_EQ(entries[0].token_type, "hotp");
  EXPECT_EQ(entries[0].user, "alice");
  EXPECT_EQ(entries[0].realm, "realm1");
  EXPECT_EQ(entries[0].resolver, "res1");
  EXPECT_EQ(entries[0].client, "10.0.0.1");
  EXPECT_EQ(entries[0].info, "matching 1 tokens");
  EXPECT_EQ(entries[0].authentication, "ACCEPT");
  EXPECT_EQ(entries[1].authentication, "REJECT");
  for (const auto& e : entries) {
    EXPECT_EQ(e.info.find("pin"), std::string::npos) << e.info;
    EXPECT_EQ(e.info.find("755224"), std::string::npos) << e.info;
  }
}

// §14.7: the window of a fresh token is HOTP(0)..HOTP(9).
TEST_P(ValidatorTest, FreshTokenWindowEndsAtNine) {
  AddPinnedHotp("OATH1", alice_);
  AddPinnedHotp("OATH2", bob_);
  EXPECT_TRUE(CheckOk(UserPass("alice", "pin520489")).value);
  CheckResult beyond = CheckOk(UserPass("bob", "pin403154"));
  EXPECT_FALSE(beyond.value);
  EXPECT_EQ(beyond.message, "wrong otp value");
}

// §14.8: a wrong PIN counts against every candidate, unless IncFailCountOnFalsePin is off.
TEST_P(ValidatorTest, WrongPinIncrementsEveryCandidate) {
  AddPinnedHotp("OATH1", alice_);
  AddPinnedHotp("OATH2", alice_);
  CheckResult wrong = CheckOk(UserPass("alice", "xxx287082"));
  EXPECT_FALSE(wrong.value);
  EXPECT_EQ(wrong.message, "wrong otp pin");
  EXPECT_FALSE(wrong.serial.has_value());
  EXPECT_EQ(GetOrDie("OATH1").failcount, 1);
  EXPECT_EQ(GetOrDie("OATH2").failcount, 1);

  SetConfig("IncFailCountOnFalsePin", "False");
  EXPECT_EQ(CheckOk(UserPass("alice", "xxx287082")).message, "wrong otp pin");
  EXPECT_EQ(GetOrDie("OATH1").failcount, 1);
  EXPECT_EQ(GetOrDie("OATH2").failcount, 1);
}

// §14.9, §7.1–3: maxfail blocks even the right OTP; the clear timeout lifts it.
TEST_P(ValidatorTest, FailcounterExceededAndClearTimeout) {
  AddPinnedHotp("OATH1", alice_);
  for (int i = 0; i < 12; ++i) CheckOk(UserPass("alice", "pin000000"));
  token::TokenRecord maxed = GetOrDie("OATH1");
  EXPECT_EQ(maxed.failcount, 10);  // never above maxfail
  EXPECT_FALSE(maxed.Info("failcounter_exceeded").empty());

  CheckResult blocked = CheckOk(UserPass("alice", "pin755224"));
  EXPECT_FALSE(blocked.value);
  EXPECT_EQ(blocked.message, "Failcounter exceeded");
  EXPECT_EQ(GetOrDie("OATH1").count, 0);

  SetConfig("failcounter_clear_timeout", "5");
  clock_.Advance(std::chrono::minutes(4));
  EXPECT_EQ(CheckOk(UserPass("alice", "pin755224")).message, "Failcounter exceeded");
  clock_.Advance(std::chrono::minutes(2));
  CheckResult cleared = CheckOk(UserPass("alice", "pin755224"));
  EXPECT_TRUE(cleared.value);
  EXPECT_EQ(GetOrDie("OATH1").failcount, 0);
}

// §8: check_all messages, revoked tokens, users without tokens, the serial/user checks.
TEST_P(ValidatorTest, DecisionTableRows) {
  EXPECT_EQ(CheckOk(UserPass("alice", "pin755224")).message, "The user has no tokens assigned");

  token::TokenRecord t = AddPinnedHotp("OATH1", alice_);
  t.active = false;
  ASSERT_TRUE(store_->Save(t).ok());
  CheckResult disabled = CheckOk(UserPass("alice", "pin755224"));
  EXPECT_FALSE(disabled.value);
  EXPECT_EQ(disabled.message, "Token is disabled");

  t.active = true;
  t.revoked = true;
  ASSERT_TRUE(store_->Save(t).ok());
  PiError locked = CheckError(UserPass("alice", "pin755224"));
  EXPECT_EQ(locked.http_status, 400);
  EXPECT_EQ(locked.code, 1007);
  EXPECT_EQ(locked.message, "ERR1007: This action is not possible, since the token is locked");

  AddPinnedHotp("OATH2", bob_);
  CheckRequest mismatch = SerialPass("OATH2", "pin755224");
  mismatch.user = "alice";
  EXPECT_EQ(CheckError(mismatch).message, "ERR905: Given serial does not belong to given user!");

  // The serial alone, and with its owner.
  CheckResult by_serial = CheckOk(SerialPass("OATH2", "pin755224"));
  EXPECT_TRUE(by_serial.value);
  CheckRequest owned = SerialPass("OATH2", "pin287082");
  owned.user = "bob";
  EXPECT_TRUE(CheckOk(owned).value);

  // type filters the user's tokens.
  CheckRequest typed = UserPass("bob", "pin359152");
  typed.type = "totp";
  EXPECT_EQ(CheckOk(typed).message, "The user has no tokens assigned");
}

TEST_P(ValidatorTest, OtpOnlyChecksTheOtpWithoutPin) {
  AddPinnedHotp("OATH1", alice_);
  CheckRequest r = SerialPass("OATH1", "755224");
  r.otponly = true;
  CheckResult ok = CheckOk(r);
  EXPECT_TRUE(ok.value);
  EXPECT_EQ(GetOrDie("OATH1").count, 1);
  CheckResult again = CheckOk(r);
  EXPECT_FALSE(again.value);
  EXPECT_EQ(again.message, "OTP verification failed.");
  EXPECT_EQ(GetOrDie("OATH1").failcount, 0);
}

TEST_P(ValidatorTest, PrependPinFalsePutsTheOtpFirst) {
  AddPinnedHotp("OATH1", alice_);
  SetConfig("PrependPin", "False");
  EXPECT_FALSE(CheckOk(UserPass("alice", "pin755224")).value);
  EXPECT_TRUE(CheckOk(UserPass("alice", "287082pin")).value);
}

// §14.25: RFC 6238 vectors with 8 digits, replay, and a code from T−7.
TEST_P(ValidatorTest, TotpVectorsReplayAndWindow) {
  struct Vector {
    std::int64_t time;
    std::string sha1, sha256, sha512;
  };
  const std::vector<Vector> vectors = {
      {59, "94287082", "46119246", "90693936"},         {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"}, {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
  };
  const std::vector<std::pair<std::string, std::string>> keys = {
      {"sha1", "12345678901234567890"},
      {"sha256", "12345678901234567890123456789012"},
      {"sha512", "1234567890123456789012345678901234567890123456789012345678901234"},
  };
  // t = 20000000000 is beyond Clock::TimePoint (system_clock, nanoseconds, ends in 2262); libs/core's otp
  // tests cover that row.
  int n = 0;
  for (const Vector& v : vectors) {
    const std::string codes[] = {v.sha1, v.sha256, v.sha512};
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const std::string serial = "TOTP" + std::to_string(n++);
      token::TokenRecord r;
      r.serial = serial;
      r.tokentype = "totp";
      r.otplen = 8;
      r.info = {{"hashlib", keys[k].first}, {"timeStep", "30"}};
      ASSERT_TRUE(store_->Create(r, Secret(keys[k].second), std::nullopt).ok());
      clock_.SetUnixSeconds(v.time);
      CheckResult ok = CheckOk(SerialPass(serial, codes[k]));
      EXPECT_TRUE(ok.value) << serial << " at " << v.time << " " << keys[k].first;
      CheckResult replay = CheckOk(SerialPass(serial, codes[k]));
      EXPECT_EQ(replay.message, "wrong otp value. previous otp used again") << serial;
    }
  }
  // A code from T−7 is outside the ±6 window.
  token::TokenRecord r;
  r.serial = "TOTPOLD";
  r.tokentype = "totp";
  r.otplen = 6;
  r.info = {{"hashlib", "sha1"}, {"timeStep", "30"}};
  ASSERT_TRUE(store_->Create(r, Secret(keys[0].second), std::nullopt).ok());
  clock_.SetUnixSeconds(1'700'000'000);
  const std::string old =
      otp::Totp(keys[0].second, 1'700'000'000 - 7 * 30, 30, 6, crypto::HashAlgorithm::kSha1);
  EXPECT_EQ(CheckOk(SerialPass("TOTPOLD", old)).message, "wrong otp value");
  const std::string near =
      otp::Totp(keys[0].second, 1'700'000'000 - 6 * 30, 30, 6, crypto::HashAlgorithm::kSha1);
  EXPECT_TRUE(CheckOk(SerialPass("TOTPOLD", near)).value);
}

// The same valid OTP from 200 concurrent clients is accepted exactly once.
// Without group commit every request is its own transaction. On PostgreSQL the transaction's snapshot began
// at its first statement, before it waited for the audit chain's lock, so concurrent validations aborted each
// other (serializable isolation) until their retries ran out and the client got an error. The audit lock
// is now the transaction's first statement. A pool of 8 sessions as in `osprey serve` (the fixture's 3 are
// too few to run out of retries).
TEST_P(ValidatorTest, ConcurrentChecksWithoutGroupCommitAllAnswer) {
  sql::DatabaseOptions pool;
  pool.pool_size = 8;
  auto db = OpenOrDie(pool);
  ASSERT_NE(db, nullptr);
  users::DirectoryOptions directory_options;
  directory_options.password_options = crypto::PasswordOptions::Minimum();
  users::Directory directory(*db, clock_, types_, directory_options);
  system::SystemConfig config(*db, clock_, sealer_);
  token::TokenStore store(*db, sealer_, hasher_, clock_);
  policy::PolicyEngine policies(*db, clock_);
  audit::AuditLog audit(*db, clock_, audit_keys_);
  Validator validator(store, token_types_, config, policies, directory, audit, clock_,
                      ValidatorOptions{.group_commit = false});
  constexpr int kThreads = 16, kEach = 10;
  for (int t = 0; t < kThreads; ++t) AddPinnedHotp("SOLO" + std::to_string(t), alice_);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto result = validator.Check(SerialPass("SOLO" + std::to_string(t), "pin000000"));
        if (!result.ok()) {
          ADD_FAILURE() << result.error().message;
          ++errors;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(AuditEntries().size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST_P(ValidatorTest, SameOtpFromManyThreadsIsAcceptedOnce) {
  AddPinnedHotp("OATH1", alice_);
  constexpr int kThreads = 200;
  std::atomic<int> accepted{0}, errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto result =
          validator_->Check(i % 2 == 0 ? UserPass("alice", "pin755224") : SerialPass("OATH1", "pin755224"));
      if (!result.ok()) {
        ++errors;
      } else if (result->value) {
        ++accepted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(GetOrDie("OATH1").count, 1);
  EXPECT_EQ(AuditEntries().size(), static_cast<std::size_t>(kThreads));
}

}  // namespace
}  // namespace osprey::mfa::validate
