#include "mfa/token/token_store.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <utility>

#include "mfa/token/token_rows.hpp"
#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::token {
namespace internal {

const char* const kTokenColumns =
    "CAST(t.id AS BIGINT), t.serial, t.tokentype, t.description, t.otplen, t.maxfail, "
    "CASE WHEN t.active THEN 1 ELSE 0 END, CASE WHEN t.revoked THEN 1 ELSE 0 END, "
    "CASE WHEN t.locked THEN 1 ELSE 0 END, t.failcount, CAST(t.counter AS BIGINT), t.count_window, "
    "t.sync_window, t.rollout_state, t.user_id, t.resolver, t.user_realm, t.sealed_key, t.pin_hash, "
    "CAST(t.count_auth AS BIGINT), CAST(t.count_auth_success AS BIGINT)";

TokenRecord LoadToken(const soci::row& row) {
  TokenRecord r;
  r.id = sql::Int(row, 0);
  r.serial = sql::Text(row, 1);
  r.tokentype = sql::Text(row, 2);
  r.description = sql::Text(row, 3);
  r.otplen = static_cast<int>(sql::Int(row, 4));
  r.maxfail = static_cast<int>(sql::Int(row, 5));
  r.active = sql::Int(row, 6) != 0;
  r.revoked = sql::Int(row, 7) != 0;
  r.locked = sql::Int(row, 8) != 0;
  r.failcount = static_cast<int>(sql::Int(row, 9));
  r.count = sql::Int(row, 10);
  r.count_window = static_cast<int>(sql::Int(row, 11));
  r.sync_window = static_cast<int>(sql::Int(row, 12));
  r.rollout_state = sql::Text(row, 13);
  r.user_id = sql::Text(row, 14);
  r.resolver = sql::Text(row, 15);
  r.user_realm = sql::Text(row, 16);
  r.sealed_key = sql::Text(row, 17);
  r.pin_hash = sql::Text(row, 18);
  r.count_auth = sql::Int(row, 19);
  r.count_auth_success = sql::Int(row, 20);
  return r;
}

void Assembler::Add(const soci::row& row) {
  const std::int64_t id = sql::Int(row, 0);
  auto [it, added] = index_.emplace(id, out_.size());
  if (added) out_.push_back(LoadToken(row));
  TokenRecord& r = out_[it->second];
  if (row.get_indicator(kTokenColumnCount) == soci::i_null) return;
  const std::string kind = sql::Text(row, kTokenColumnCount);
  if (kind == "i") r.info[sql::Text(row, kTokenColumnCount + 1)] = sql::Text(row, kTokenColumnCount + 2);
  if (kind == "r") r.realms.push_back(sql::Text(row, kTokenColumnCount + 1));
}

std::vector<TokenRecord> Assembler::Finish() {
  for (TokenRecord& r : out_) std::sort(r.realms.begin(), r.realms.end());
  index_.clear();
  return std::move(out_);
}

std::vector<TokenRecord> Assemble(soci::rowset<soci::row>& rows) {
  Assembler assembler;
  for (const soci::row& row : rows) assembler.Add(row);
  return assembler.Finish();
}

std::string WithDetails(const std::string& where, const std::string& where2) {
  const std::string cols(kTokenColumns);
  return "SELECT " + cols +
         ", CASE WHEN i.info_key IS NULL THEN NULL ELSE 'i' END, i.info_key, i.info_value FROM mfa_token t "
         "LEFT JOIN mfa_tokeninfo i ON i.token_id = t.id WHERE " +
         where + " UNION ALL SELECT " + cols +
         ", 'r', r.realm, NULL FROM mfa_token t JOIN mfa_token_realm r ON r.token_id = t.id WHERE " + where2;
}

}  // namespace internal

namespace {

// privacyIDEA's DATE_FORMAT for failcounter_exceeded: local time "%Y-%m-%dT%H:%M:%S.%f%z".
std::string LocalTimestamp(Clock::TimePoint now) {
  const std::time_t t = Clock::TimePoint::clock::to_time_t(now);
  std::tm local{};
  localtime_r(&t, &local);
  char head[32], zone[8];
  std::strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &local);
  std::strftime(zone, sizeof zone, "%z", &local);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1'000'000;
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%06lld",
                static_cast<long long>(micros < 0 ? micros + 1'000'000 : micros));
  return std::string(head) + frac + zone;
}

void UpsertInfo(soci::session& s, long long token_id, const std::string& key, const std::string& value) {
  s << "INSERT INTO mfa_tokeninfo (token_id, info_key, info_value) VALUES (:id, :k, :v) "
       "ON CONFLICT (token_id, info_key) DO UPDATE SET info_value = excluded.info_value",
      soci::use(token_id, "id"), soci::use(key, "k"), soci::use(value, "v");
}

void WriteDetails(soci::session& s, long long id, const TokenRecord& r) {
  s << "DELETE FROM mfa_tokeninfo WHERE token_id = :id", soci::use(id, "id");
  s << "DELETE FROM mfa_token_realm WHERE token_id = :id", soci::use(id, "id");
  for (const auto& [k, v] : r.info) UpsertInfo(s, id, k, v);
  std::vector<std::string> realms = r.realms;
  std::sort(realms.begin(), realms.end());
  realms.erase(std::unique(realms.begin(), realms.end()), realms.end());
  for (const std::string& realm : realms) {
    s << "INSERT INTO mfa_token_realm (token_id, realm) VALUES (:id, :r)", soci::use(id, "id"),
        soci::use(realm, "r");
  }
}

std::optional<long long> IdOf(soci::session& s, const std::string& serial) {
  long long id = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT CAST(id AS BIGINT) FROM mfa_token WHERE serial = :s", soci::use(serial, "s"),
      soci::into(id, ind);
  if (!s.got_data() || ind != soci::i_ok) return std::nullopt;
  return id;
}

Error UnknownSerial() { return Error(ErrorCode::kNotFound, "The requested token could not be found."); }

}  // namespace

TokenStore::TokenStore(sql::Database& db, const crypto::Sealer& sealer, const crypto::KeyedHasher& hasher,
                       const Clock& clock)
    : db_(db), sealer_(sealer), hasher_(hasher), clock_(clock) {}

Result<std::int64_t> TokenStore::Create(TokenRecord r, const Secret& key, const std::optional<Secret>& pin) {
  if (r.serial.empty()) return Error(ErrorCode::kInvalidArgument, "token serial must not be empty");
  r.sealed_key = sealer_.Seal(key.view(), r.serial);
  r.pin_hash = pin && !pin->empty() ? hasher_.Hash(pin->view(), r.serial) : std::string();
  long long id = 0;
  bool exists = false;
  // Read committed, with the unique serial deciding a race: under PostgreSQL's serializable isolation,
  // concurrent inits conflict on the serial index's pages (SSI) and were abandoned after the retries.
  Status st = sql::RunTransaction(
      db_, "create token",
      [&](soci::session& s) {
        id = 0;
        exists = false;
        soci::indicator got = soci::i_null;
        int active = r.active, revoked = r.revoked, locked = r.locked;
        long long count = r.count;
        s << "INSERT INTO mfa_token (serial, tokentype, description, otplen, maxfail, active, revoked, "
             "locked, failcount, counter, count_window, sync_window, rollout_state, user_id, resolver, "
             "user_realm, sealed_key, pin_hash) VALUES (:serial, :type, :descr, :otplen, :maxfail, :active, "
             ":revoked, :locked, :failcount, :counter, :cw, :sw, :rs, :uid, :resolver, :urealm, :key, :pin) "
             "ON CONFLICT (serial) DO NOTHING RETURNING id",
            soci::use(r.serial, "serial"), soci::use(r.tokentype, "type"), soci::use(r.description, "descr"),
            soci::use(r.otplen, "otplen"), soci::use(r.maxfail, "maxfail"), soci::use(active, "active"),
            soci::use(revoked, "revoked"), soci::use(locked, "locked"), soci::use(r.failcount, "failcount"),
            soci::use(count, "counter"), soci::use(r.count_window, "cw"), soci::use(r.sync_window, "sw"),
            soci::use(r.rollout_state, "rs"), soci::use(r.user_id, "uid"), soci::use(r.resolver, "resolver"),
            soci::use(r.user_realm, "urealm"), soci::use(r.sealed_key, "key"), soci::use(r.pin_hash, "pin"),
            soci::into(id, got);
        if (!s.got_data() || got != soci::i_ok) {
          exists = true;
          return;
        }
        WriteDetails(s, id, r);
      },
      sql::Isolation::kReadCommitted);
  if (!st.ok()) return st.error();
  if (exists) return Error(ErrorCode::kAlreadyExists, "token " + r.serial + " already exists");
  return static_cast<std::int64_t>(id);
}

// Get and ListOwned are on /validate/check's path: on SQLite their statement (a UNION over three tables,
// costly to compile) is compiled once per pooled connection (Database::SessionLocal) instead of on every
// call.
template <std::size_t N>
struct KeptDetails {
  KeptDetails(soci::session& s, const std::string& query, const std::array<const char*, N>& names) : st(s) {
    for (std::size_t i = 0; i < N; ++i) st.exchange(soci::use(params[i], names[i]));
    st.exchange(soci::into(row));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
  }

  std::vector<TokenRecord> Run(sql::Engine engine) {
    internal::Assembler assembler;
    try {
      for (bool more = st.execute(true); more; more = st.fetch()) assembler.Add(row);
    } catch (...) {
      sql::ResetStatement(st, engine);
      throw;
    }
    sql::ResetStatement(st, engine);
    return assembler.Finish();
  }

  std::array<std::string, N> params;
  soci::row row;
  soci::statement st;
};

Result<std::optional<TokenRecord>> TokenStore::Get(std::string_view serial) const {
  const std::string name(serial);
  std::optional<TokenRecord> out;
  Status st = sql::RunRead(db_, "get token", [&](soci::session& s) {
    static const std::string sql = internal::WithDetails("t.serial = :s1", "t.serial = :s2");
    static const char kKey = 0;
    std::vector<TokenRecord> tokens;
    auto* kept = db_.SessionLocal<KeptDetails<2>>(s, &kKey, [](soci::session& session) {
      return std::make_unique<KeptDetails<2>>(session, sql, std::array<const char*, 2>{"s1", "s2"});
    });
    if (kept != nullptr) {
      kept->params = {name, name};
      tokens = kept->Run(db_.engine());
    } else {
      soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(name, "s1"), soci::use(name, "s2"));
      tokens = internal::Assemble(rows);
    }
    out.reset();
    if (!tokens.empty()) out = std::move(tokens.front());
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<std::vector<TokenRecord>> TokenStore::ListOwned(std::string_view resolver,
                                                       std::string_view user_id) const {
  const std::string res(resolver), uid(user_id);
  std::vector<TokenRecord> out;
  Status st = sql::RunRead(db_, "list owned tokens", [&](soci::session& s) {
    static const std::string sql =
        internal::WithDetails("t.resolver = :r1 AND t.user_id = :u1", "t.resolver = :r2 AND t.user_id = :u2");
    static const char kKey = 0;
    auto* kept = db_.SessionLocal<KeptDetails<4>>(s, &kKey, [](soci::session& session) {
      return std::make_unique<KeptDetails<4>>(session, sql,
                                              std::array<const char*, 4>{"r1", "u1", "r2", "u2"});
    });
    if (kept != nullptr) {
      kept->params = {res, uid, res, uid};
      out = kept->Run(db_.engine());
      return;
    }
    soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(res, "r1"), soci::use(uid, "u1"),
                                    soci::use(res, "r2"), soci::use(uid, "u2"));
    out = internal::Assemble(rows);
  });
  if (!st.ok()) return st.error();
  std::sort(out.begin(), out.end(), [](const TokenRecord& a, const TokenRecord& b) {
    return std::tie(a.tokentype, a.serial) < std::tie(b.tokentype, b.serial);
  });
  return out;
}

Result<std::int64_t> TokenStore::CountOfType(std::string_view type) const {
  const std::string name(type);
  long long n = 0;
  Status st = sql::RunRead(db_, "count tokens", [&](soci::session& s) {
    s << "SELECT CAST(COUNT(*) AS BIGINT) FROM mfa_token WHERE tokentype = :t", soci::use(name, "t"),
        soci::into(n);
  });
  if (!st.ok()) return st.error();
  return static_cast<std::int64_t>(n);
}

Result<bool> TokenStore::SerialExists(std::string_view serial) const {
  const std::string name(serial);
  bool exists = false;
  Status st =
      sql::RunRead(db_, "serial exists", [&](soci::session& s) { exists = IdOf(s, name).has_value(); });
  if (!st.ok()) return st.error();
  return exists;
}

Result<Secret> TokenStore::OpenKey(const TokenRecord& record) const {
  return sealer_.Open(record.sealed_key, record.serial);
}

bool TokenStore::CheckPin(const TokenRecord& record, std::string_view pin) const {
  if (record.pin_hash.empty()) return pin.empty();
  return hasher_.Verify(pin, record.pin_hash, record.serial);
}

Status TokenStore::Save(const TokenRecord& r) {
  bool found = false;
  Status st = sql::RunTransaction(db_, "save token", [&](soci::session& s) {
    auto id = IdOf(s, r.serial);
    found = id.has_value();
    if (!found) return;
    int active = r.active, revoked = r.revoked, locked = r.locked;
    long long count = r.count;
    s << "UPDATE mfa_token SET description = :descr, otplen = :otplen, maxfail = :maxfail, active = :active, "
         "revoked = :revoked, locked = :locked, failcount = :failcount, counter = :counter, count_window = "
         ":cw, "
         "sync_window = :sw, rollout_state = :rs, user_id = :uid, resolver = :resolver, user_realm = :urealm "
         "WHERE id = :id",
        soci::use(r.description, "descr"), soci::use(r.otplen, "otplen"), soci::use(r.maxfail, "maxfail"),
        soci::use(active, "active"), soci::use(revoked, "revoked"), soci::use(locked, "locked"),
        soci::use(r.failcount, "failcount"), soci::use(count, "counter"), soci::use(r.count_window, "cw"),
        soci::use(r.sync_window, "sw"), soci::use(r.rollout_state, "rs"), soci::use(r.user_id, "uid"),
        soci::use(r.resolver, "resolver"), soci::use(r.user_realm, "urealm"), soci::use(*id, "id");
    WriteDetails(s, *id, r);
  });
  if (!st.ok()) return st;
  return found ? OkStatus() : Status(UnknownSerial());
}

namespace {

Status UpdateColumn(sql::Database& db, std::string_view what, const std::string& column,
                    const std::string& serial, const std::string& value) {
  long long changed = 0;
  Status st = sql::RunTransaction(db, what, [&](soci::session& s) {
    soci::statement stmt = (s.prepare << "UPDATE mfa_token SET " + column + " = :v WHERE serial = :s",
                            soci::use(value, "v"), soci::use(serial, "s"));
    stmt.execute(true);
    changed = stmt.get_affected_rows();
  });
  if (!st.ok()) return st;
  return changed == 1 ? OkStatus() : Status(UnknownSerial());
}

}  // namespace

Status TokenStore::SetPin(std::string_view serial, const std::optional<Secret>& pin) {
  const std::string name(serial);
  const std::string hash = pin && !pin->empty() ? hasher_.Hash(pin->view(), name) : std::string();
  return UpdateColumn(db_, "set pin", "pin_hash", name, hash);
}

Status TokenStore::SetOtherPin(std::string_view serial, OtherPin which, const Secret& pin) {
  const std::string name(serial);
  const bool user = which == OtherPin::kUser;
  const std::string hash =
      pin.empty() ? std::string() : hasher_.Hash(pin.view(), (user ? "userpin:" : "sopin:") + name);
  return UpdateColumn(db_, "set pin", user ? "user_pin_hash" : "so_pin_hash", name, hash);
}

Status TokenStore::SetKey(std::string_view serial, const Secret& key) {
  const std::string name(serial);
  return UpdateColumn(db_, "set key", "sealed_key", name, sealer_.Seal(key.view(), name));
}

Status TokenStore::Delete(std::string_view serial) {
  const std::string name(serial);
  bool found = false;
  Status st = sql::RunTransaction(db_, "delete token", [&](soci::session& s) {
    auto id = IdOf(s, name);
    found = id.has_value();
    if (!found) return;
    s << "DELETE FROM mfa_tokeninfo WHERE token_id = :id", soci::use(*id, "id");
    s << "DELETE FROM mfa_token_realm WHERE token_id = :id", soci::use(*id, "id");
    s << "DELETE FROM mfa_challenge WHERE serial = :s", soci::use(name, "s");
    s << "DELETE FROM mfa_token WHERE id = :id", soci::use(*id, "id");
  });
  if (!st.ok()) return st;
  return found ? OkStatus() : Status(UnknownSerial());
}

// The counter update and the fail-counter statements run once per validation: on SQLite they are compiled
// once per pooled connection.
struct KeptApply {
  explicit KeptApply(soci::session& s)
      : st((s.prepare << "UPDATE mfa_token SET counter = :c, failcount = :f, count_auth = count_auth + :da, "
                         "count_auth_success = count_auth_success + :ds WHERE id = :id AND counter = :e",
            soci::use(count, "c"), soci::use(failcount, "f"), soci::use(da, "da"), soci::use(ds, "ds"),
            soci::use(id, "id"), soci::use(expected, "e"))) {}
  long long id = 0, expected = 0, count = 0;
  int failcount = 0, da = 0, ds = 0;
  soci::statement st;
};

struct KeptFail {
  explicit KeptFail(soci::session& s)
      : auth((s.prepare << "UPDATE mfa_token SET count_auth = count_auth + 1 WHERE id = :id",
              soci::use(id, "id"))),
        bump((s.prepare
                  << "UPDATE mfa_token SET failcount = failcount + 1 WHERE id = :id AND failcount < maxfail",
              soci::use(id, "id"))),
        read((s.prepare << "SELECT failcount, maxfail FROM mfa_token WHERE id = :id", soci::use(id, "id"),
              soci::into(failcount), soci::into(maxfail))) {}
  long long id = 0;
  int failcount = 0, maxfail = 0;
  soci::statement auth, bump, read;
};

// Executes a kept statement (or a one-off one) and resets it; returns the affected row count.
long long ExecuteKept(soci::statement& st, sql::Engine engine) {
  long long affected = 0;
  try {
    st.execute(true);
    affected = st.get_affected_rows();
  } catch (...) {
    sql::ResetStatement(st, engine);
    throw;
  }
  sql::ResetStatement(st, engine);
  return affected;
}

bool TokenStore::ApplyIn(soci::session& s, const TokenUpdate& u) const {
  static const char kKey = 0;
  KeptApply* kept = db_.SessionLocal<KeptApply>(
      s, &kKey, [](soci::session& session) { return std::make_unique<KeptApply>(session); });
  if (kept != nullptr) {
    kept->id = u.id;
    kept->expected = u.expected_count;
    kept->count = u.count;
    kept->failcount = u.failcount;
    kept->da = u.count_auth_delta;
    kept->ds = u.count_auth_success_delta;
    if (ExecuteKept(kept->st, db_.engine()) != 1) return false;
  } else {
    // PostgreSQL: one round trip (a prepared statement would take three: prepare, execute, deallocate).
    long long id = u.id, expected = u.expected_count, count = u.count, updated = 0;
    int failcount = u.failcount, da = u.count_auth_delta, ds = u.count_auth_success_delta;
    soci::indicator got = soci::i_null;
    s << "UPDATE mfa_token SET counter = :c, failcount = :f, count_auth = count_auth + :da, "
         "count_auth_success = count_auth_success + :ds WHERE id = :id AND counter = :e RETURNING id",
        soci::use(count, "c"), soci::use(failcount, "f"), soci::use(da, "da"), soci::use(ds, "ds"),
        soci::use(id, "id"), soci::use(expected, "e"), soci::into(updated, got);
    if (!s.got_data() || got != soci::i_ok) return false;
  }
  for (const auto& [k, v] : u.info) UpsertInfo(s, u.id, k, v);
  return true;
}

void TokenStore::IncrementFailIn(soci::session& s, const TokenRecord& record, bool count_auth) const {
  static const char kKey = 0;
  KeptFail* kept = db_.SessionLocal<KeptFail>(
      s, &kKey, [](soci::session& session) { return std::make_unique<KeptFail>(session); });
  long long id = record.id;
  int failcount = 0, maxfail = 0;
  if (kept != nullptr) {
    kept->id = id;
    if (count_auth) ExecuteKept(kept->auth, db_.engine());
    if (ExecuteKept(kept->bump, db_.engine()) != 1) return;
    ExecuteKept(kept->read, db_.engine());
    failcount = kept->failcount;
    maxfail = kept->maxfail;
  } else {
    // PostgreSQL: one-off statements, one round trip each (a prepared one would take two).
    if (count_auth)
      s << "UPDATE mfa_token SET count_auth = count_auth + 1 WHERE id = :id", soci::use(id, "id");
    soci::statement stmt = (s.prepare << "UPDATE mfa_token SET failcount = failcount + 1 WHERE id = :id AND "
                                         "failcount < maxfail",
                            soci::use(id, "id"));
    stmt.execute(true);
    if (stmt.get_affected_rows() != 1) return;
    s << "SELECT failcount, maxfail FROM mfa_token WHERE id = :id", soci::use(id, "id"),
        soci::into(failcount), soci::into(maxfail);
  }
  if (failcount >= maxfail) UpsertInfo(s, id, "failcounter_exceeded", LocalTimestamp(clock_.Now()));
}

void TokenStore::ResetFailIn(soci::session& s, std::int64_t token_id) const {
  long long id = token_id;
  s << "UPDATE mfa_token SET failcount = 0 WHERE id = :id AND failcount <> 0", soci::use(id, "id");
  s << "DELETE FROM mfa_tokeninfo WHERE token_id = :id AND info_key = 'failcounter_exceeded'",
      soci::use(id, "id");
}

Status TokenStore::CreateChallenge(const Challenge& challenge) {
  return sql::RunTransaction(db_, "create challenge",
                             [&](soci::session& s) { CreateChallengeIn(s, challenge); });
}

namespace {

// The challenge statements of every SMS trigger and challenge-response login, kept per SQLite connection.
struct KeptChallenge {
  explicit KeptChallenge(soci::session& s)
      : insert(
            (s.prepare << "INSERT INTO mfa_challenge (transaction_id, serial, data, challenge, created_ms, "
                          "expiration_ms, received_count, otp_valid) VALUES (:tid, :serial, :data, "
                          ":challenge, :created, :exp, :rc, :valid)",
             soci::use(c.transaction_id, "tid"), soci::use(c.serial, "serial"), soci::use(c.data, "data"),
             soci::use(c.challenge, "challenge"), soci::use(created, "created"), soci::use(expiration, "exp"),
             soci::use(received, "rc"), soci::use(valid, "valid"))),
        purge((s.prepare << "DELETE FROM mfa_challenge WHERE serial = :s AND expiration_ms < :now",
               soci::use(serial, "s"), soci::use(now, "now"))) {}
  Challenge c;
  long long created = 0, expiration = 0, now = 0;
  int received = 0, valid = 0;
  std::string serial;
  soci::statement insert, purge;
};

KeptChallenge* KeptChallengeOf(sql::Database& db, soci::session& s) {
  static const char kKey = 0;
  return db.SessionLocal<KeptChallenge>(
      s, &kKey, [](soci::session& session) { return std::make_unique<KeptChallenge>(session); });
}

}  // namespace

void TokenStore::CreateChallengeIn(soci::session& s, const Challenge& c) const {
  long long created = ToUnixMillis(c.created), expiration = ToUnixMillis(c.expiration);
  int received = c.received_count, valid = c.otp_valid;
  if (KeptChallenge* kept = KeptChallengeOf(db_, s)) {
    kept->c = c;
    kept->created = created;
    kept->expiration = expiration;
    kept->received = received;
    kept->valid = valid;
    ExecuteKept(kept->insert, db_.engine());
    return;
  }
  s << "INSERT INTO mfa_challenge (transaction_id, serial, data, challenge, created_ms, expiration_ms, "
       "received_count, otp_valid) VALUES (:tid, :serial, :data, :challenge, :created, :exp, :rc, :valid)",
      soci::use(c.transaction_id, "tid"), soci::use(c.serial, "serial"), soci::use(c.data, "data"),
      soci::use(c.challenge, "challenge"), soci::use(created, "created"), soci::use(expiration, "exp"),
      soci::use(received, "rc"), soci::use(valid, "valid");
}

Result<std::vector<Challenge>> TokenStore::FindChallenges(std::string_view serial,
                                                          std::string_view transaction_id) const {
  const std::string name(serial), tid(transaction_id);
  std::vector<Challenge> out;
  Status st = sql::RunRead(db_, "find challenges", [&](soci::session& s) {
    out.clear();
    soci::rowset<soci::row> rows =
        (s.prepare
             << "SELECT CAST(id AS BIGINT), transaction_id, serial, data, challenge, CAST(created_ms AS "
                "BIGINT), CAST(expiration_ms AS BIGINT), received_count, CASE WHEN otp_valid THEN 1 ELSE 0 "
                "END FROM mfa_challenge WHERE serial = :s AND transaction_id = :t ORDER BY id",
         soci::use(name, "s"), soci::use(tid, "t"));
    for (const soci::row& row : rows) {
      Challenge c;
      c.id = sql::Int(row, 0);
      c.transaction_id = sql::Text(row, 1);
      c.serial = sql::Text(row, 2);
      c.data = sql::Text(row, 3);
      c.challenge = sql::Text(row, 4);
      c.created = FromUnixMillis(sql::Int(row, 5));
      c.expiration = FromUnixMillis(sql::Int(row, 6));
      c.received_count = static_cast<int>(sql::Int(row, 7));
      c.otp_valid = sql::Int(row, 8) != 0;
      out.push_back(std::move(c));
    }
  });
  if (!st.ok()) return st.error();
  return out;
}

void TokenStore::DeleteChallengesIn(soci::session& s, std::string_view transaction_id) const {
  const std::string tid(transaction_id);
  s << "DELETE FROM mfa_challenge WHERE transaction_id = :t", soci::use(tid, "t");
}

void TokenStore::BumpReceivedIn(soci::session& s, std::int64_t challenge_id) const {
  long long id = challenge_id;
  s << "UPDATE mfa_challenge SET received_count = received_count + 1 WHERE id = :id", soci::use(id, "id");
}

void TokenStore::PurgeExpiredIn(soci::session& s, std::string_view serial, Clock::TimePoint now) const {
  const std::string name(serial);
  long long ms = ToUnixMillis(now);
  if (KeptChallenge* kept = KeptChallengeOf(db_, s)) {
    kept->serial = name;
    kept->now = ms;
    ExecuteKept(kept->purge, db_.engine());
    return;
  }
  s << "DELETE FROM mfa_challenge WHERE serial = :s AND expiration_ms < :now", soci::use(name, "s"),
      soci::use(ms, "now");
}

}  // namespace osprey::mfa::token
