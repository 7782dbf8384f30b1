// TokenStore: the token and challenge tables (component "mfa_token"). Seeds are sealed under the master key
// with the serial as associated data; PINs are keyed hashes with the serial as context (libs/core
// keyed_hash.hpp).
//
// Writes that must happen atomically with other writes (validation: counter + audit entry in one transaction)
// are offered as functions taking the caller's soci::session (the *In() members); they run inside the
// caller's transaction.
//
// Errors: kNotFound (unknown serial), kAlreadyExists (duplicate serial), kUnavailable/kInternal (database);
// messages never contain seeds or PINs.
// Ownership: refers to db, sealer, hasher, clock. Thread rule: any thread, any member.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/token/token.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/keyed_hash.hpp"
#include "osprey/core/result.hpp"
#include "osprey/core/sealer.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::token {

const sql::MigrationSet& TokenMigrations();

// GET /token/ filters (§10); empty = no filter. `serial` and `description` accept '*' wildcards.
struct TokenFilter {
  std::string serial, type, description, rollout_state;
  std::vector<std::string> type_list;
  std::string user_id, resolver, user_realm;  // owner
  std::string tokenrealm;
  std::optional<bool> assigned, active;
  std::string infokey, infovalue;
  std::string sortby = "serial";
  bool descending = false;
  int page = 1, pagesize = 15;
};
struct TokenPage {
  std::vector<TokenRecord> tokens;
  std::int64_t count = 0;  // all matches
};

// A challenge row (§8, §11).
struct Challenge {
  std::int64_t id = 0;
  std::string transaction_id, serial;
  std::string data;       // type-specific (sms.concurrent_challenges: sealed OTP)
  std::string challenge;  // the text shown
  Clock::TimePoint created{}, expiration{};
  int received_count = 0;
  bool otp_valid = false;
};

// The state a validation writes back for one token: compare-and-set on `expected_count` so that the same OTP
// sent by many clients (or processes) is accepted once.
struct TokenUpdate {
  std::int64_t id = 0;
  std::int64_t expected_count = 0;  // the count the check was made against
  std::int64_t count = 0;
  int failcount = 0;
  std::map<std::string, std::string> info;  // tokeninfo keys to upsert
  int count_auth_delta = 0, count_auth_success_delta = 0;
};

class TokenStore {
 public:
  TokenStore(sql::Database& db, const crypto::Sealer& sealer, const crypto::KeyedHasher& hasher,
             const Clock& clock);
  TokenStore(const TokenStore&) = delete;
  TokenStore& operator=(const TokenStore&) = delete;

  // Inserts `record` (serial must be set) with `key` sealed and `pin` hashed (nullopt or empty = no PIN).
  Result<std::int64_t> Create(TokenRecord record, const Secret& key, const std::optional<Secret>& pin);
  Result<std::optional<TokenRecord>> Get(std::string_view serial) const;
  // The tokens of one owner, sorted by type then serial (§8 candidate order).
  Result<std::vector<TokenRecord>> ListOwned(std::string_view resolver, std::string_view user_id) const;
  Result<TokenPage> List(const TokenFilter& filter) const;
  Result<std::int64_t> CountOfType(std::string_view type) const;
  Result<bool> SerialExists(std::string_view serial) const;

  Result<Secret> OpenKey(const TokenRecord& record) const;
  // Constant-time; a token without PIN matches only the empty PIN.
  bool CheckPin(const TokenRecord& record, std::string_view pin) const;

  // Saves the management fields of `record` (description, otplen, maxfail, active, revoked, locked,
  // failcount, count, windows, rollout_state, owner, realms, info). Not the key or PIN.
  Status Save(const TokenRecord& record);
  Status SetPin(std::string_view serial, const std::optional<Secret>& pin);
  Status SetKey(std::string_view serial, const Secret& key);
  // privacyIDEA's user PIN / SO PIN of smartcard-like tokens (/token/setpin userpin, sopin): stored as keyed
  // hashes, never used by validation. An empty pin clears it.
  enum class OtherPin { kUser, kSo };
  Status SetOtherPin(std::string_view serial, OtherPin which, const Secret& pin);
  // Deletes the token, its info and its challenges.
  Status Delete(std::string_view serial);

  // --- inside a caller's transaction ---
  // Applies `update` iff the stored count still equals expected_count; true when applied.
  bool ApplyIn(soci::session& s, const TokenUpdate& update) const;
  // failcount := min(failcount + 1, maxfail); sets tokeninfo failcounter_exceeded (local time text) on
  // reaching maxfail. Also count_auth + 1 unless no_auth_counter.
  void IncrementFailIn(soci::session& s, const TokenRecord& record, bool count_auth) const;
  void ResetFailIn(soci::session& s, std::int64_t token_id) const;

  // --- challenges ---
  Status CreateChallenge(const Challenge& challenge);
  void CreateChallengeIn(soci::session& s, const Challenge& challenge) const;
  // Rows for (serial, transaction id), expired ones included.
  Result<std::vector<Challenge>> FindChallenges(std::string_view serial,
                                                std::string_view transaction_id) const;
  void DeleteChallengesIn(soci::session& s, std::string_view transaction_id) const;
  void BumpReceivedIn(soci::session& s, std::int64_t challenge_id) const;
  // Deletes the token's challenges whose expiration has passed.
  void PurgeExpiredIn(soci::session& s, std::string_view serial, Clock::TimePoint now) const;

  sql::Database& db() const { return db_; }

 private:
  sql::Database& db_;
  const crypto::Sealer& sealer_;
  const crypto::KeyedHasher& hasher_;
  const Clock& clock_;
};

}  // namespace osprey::mfa::token
