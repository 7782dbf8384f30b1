#include "mfa/audit/audit_log.hpp"

#include <optional>
#include <stdexcept>
#include <utility>

#include "mfa/audit/audit_chain.hpp"
#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"
#include "osprey/sql/transaction_serial.hpp"

namespace osprey::mfa::audit {
namespace {

using internal::StoredEntry;

constexpr const char* kSelectHead = "SELECT mac FROM mfa_audit ORDER BY id DESC LIMIT 1";
constexpr const char* kInsert =
    "INSERT INTO mfa_audit (date, action, success, authentication, serial, token_type, username, realm, "
    "resolver, administrator, action_detail, info, privacyidea_server, client, user_agent, policies, "
    "thread_id, "
    "duration, kid, prev, mac) VALUES (:date, :action, :success, :authn, :serial, :tt, :user, :realm, "
    ":resolver, "
    ":admin, :ad, :info, :ps, :client, :ua, :pol, :tid, :dur, :kid, :prev, :mac)";

// The two statements of an append and the values they are bound to. On SQLite one is kept per pooled
// connection (Database::SessionLocal), so the hot path (an entry per validation) compiles nothing; on
// PostgreSQL each runs as a one-time query.
class Appender {
 public:
  Appender(soci::session& s, bool prepare, sql::Engine engine) : s_(s), engine_(engine) {
    if (!prepare) return;
    head_.emplace((s.prepare << kSelectHead, soci::into(head_mac_, head_ind_)));
    insert_.emplace((s.prepare << kInsert, soci::use(date_), soci::use(row_.action), soci::use(success_),
                     soci::use(row_.authentication), soci::use(row_.serial), soci::use(row_.token_type),
                     soci::use(row_.user), soci::use(row_.realm), soci::use(row_.resolver),
                     soci::use(row_.administrator), soci::use(row_.action_detail), soci::use(row_.info),
                     soci::use(row_.privacyidea_server), soci::use(row_.client), soci::use(row_.user_agent),
                     soci::use(row_.policies), soci::use(row_.thread_id), soci::use(duration_),
                     soci::use(row_.kid), soci::use(row_.prev), soci::use(row_.mac)));
  }

  // The mac the next entry chains to: the newest entry's, else the checkpoint's, else "".
  std::string Head() {
    bool found = false;
    if (head_) {
      found = head_->execute(true);
      sql::ResetStatement(*head_, engine_);
    } else {
      s_ << kSelectHead, soci::into(head_mac_, head_ind_);
      found = s_.got_data();
    }
    if (found && head_ind_ == soci::i_ok) return head_mac_;
    auto checkpoint = internal::ReadCheckpoint(s_);
    return checkpoint ? checkpoint->mac : std::string();
  }

  void Insert(StoredEntry row) {
    row_ = std::move(row);
    date_ = row_.date_us;
    success_ = row_.success;
    duration_ = row_.duration_us;
    if (insert_) {
      insert_->execute(true);
      return;
    }
    s_ << kInsert, soci::use(date_), soci::use(row_.action), soci::use(success_),
        soci::use(row_.authentication), soci::use(row_.serial), soci::use(row_.token_type),
        soci::use(row_.user), soci::use(row_.realm), soci::use(row_.resolver), soci::use(row_.administrator),
        soci::use(row_.action_detail), soci::use(row_.info), soci::use(row_.privacyidea_server),
        soci::use(row_.client), soci::use(row_.user_agent), soci::use(row_.policies),
        soci::use(row_.thread_id), soci::use(duration_), soci::use(row_.kid), soci::use(row_.prev),
        soci::use(row_.mac);
  }

 private:
  soci::session& s_;
  sql::Engine engine_;
  std::optional<soci::statement> head_, insert_;
  std::string head_mac_;
  soci::indicator head_ind_ = soci::i_null;
  StoredEntry row_;
  long long date_ = 0, success_ = 0, duration_ = 0;
};

}  // namespace

// PostgreSQL: appenders (and rotation batches) take this table lock, which conflicts with itself but not with
// readers, before they read the chain head. Taken before the transaction's first query, it also comes before
// the transaction's snapshot (LOCK TABLE takes none), so the head read sees the committed head and
// serializable appenders do not abort each other; taken later, it still orders the appenders, and one whose
// snapshot is older than the previous holder's commit fails with a serialization error and runs again.
// The lock is on the small checkpoint table rather than on mfa_audit, whose autovacuum (SHARE UPDATE
// EXCLUSIVE) would otherwise hold appenders up until deadlock_timeout cancels it.
// SQLite: BEGIN IMMEDIATE serializes writers already.
void internal::LockChain(soci::session& s, sql::Engine engine) {
  if (engine == sql::Engine::kPostgresql) s << "LOCK TABLE mfa_audit_checkpoint IN SHARE ROW EXCLUSIVE MODE";
}

const sql::MigrationSet& AuditMigrations() {
  static const sql::MigrationSet kSet{"mfa_audit",
                                      {
                                          {1, "audit trail and its retention checkpoint",
                                           "CREATE TABLE mfa_audit (\n"
                                           "  id {{id}},\n"
                                           "  date {{bigint}} NOT NULL,\n"
                                           "  action {{text}} NOT NULL,\n"
                                           "  success INTEGER NOT NULL,\n"
                                           "  authentication {{text}} NOT NULL,\n"
                                           "  serial {{text}} NOT NULL,\n"
                                           "  token_type {{text}} NOT NULL,\n"
                                           "  username {{text}} NOT NULL,\n"
                                           "  realm {{text}} NOT NULL,\n"
                                           "  resolver {{text}} NOT NULL,\n"
                                           "  administrator {{text}} NOT NULL,\n"
                                           "  action_detail {{text}} NOT NULL,\n"
                                           "  info {{text}} NOT NULL,\n"
                                           "  privacyidea_server {{text}} NOT NULL,\n"
                                           "  client {{text}} NOT NULL,\n"
                                           "  user_agent {{text}} NOT NULL,\n"
                                           "  policies {{text}} NOT NULL,\n"
                                           "  thread_id {{text}} NOT NULL,\n"
                                           "  duration {{bigint}} NOT NULL,\n"
                                           "  kid {{text}} NOT NULL,\n"
                                           "  prev {{text}} NOT NULL,\n"
                                           "  mac {{text}} NOT NULL\n"
                                           ");\n"
                                           "CREATE INDEX mfa_audit_date ON mfa_audit (date);\n"
                                           "CREATE TABLE mfa_audit_checkpoint (\n"
                                           "  id INTEGER PRIMARY KEY,\n"
                                           "  upto_id {{bigint}} NOT NULL,\n"
                                           "  mac {{text}} NOT NULL,\n"
                                           "  deleted {{bigint}} NOT NULL,\n"
                                           "  created {{bigint}} NOT NULL,\n"
                                           "  kid {{text}} NOT NULL,\n"
                                           "  seal {{text}} NOT NULL\n"
                                           ")"},
                                      }};
  return kSet;
}

AuditLog::AuditLog(sql::Database& db, const Clock& clock, const crypto::KeyRing& hash_keys)
    : db_(db), clock_(clock), chain_keys_(internal::DeriveChainKeys(hash_keys)) {}

Status AuditLog::Append(const AuditEntry& entry) {
  return sql::RunTransaction(db_, "audit append",
                             [&](soci::session& s) { AppendIn(s, std::span<const AuditEntry>(&entry, 1)); });
}

namespace {

// The chain's lock is held, and once read its head known, until the transaction ends: several appends in one
// transaction (the validator's group commit: one per request of the batch) lock and read the head once.
// Valid only for the same log, session and Database::WithTransaction attempt on this thread.
struct ChainState {
  const AuditLog* log = nullptr;
  const soci::session* session = nullptr;
  std::uint64_t transaction = 0;
  bool head_known = false;
  std::string head;
};
thread_local ChainState chain_state;

ChainState* CurrentChainState(const AuditLog* log, const soci::session& s) {
  const std::uint64_t transaction = sql::CurrentTransactionSerial();
  if (transaction == 0) return nullptr;
  ChainState& c = chain_state;
  if (c.log != log || c.session != &s || c.transaction != transaction) return nullptr;
  return &c;
}

}  // namespace

void AuditLog::LockIn(soci::session& s) const {
  if (CurrentChainState(this, s) != nullptr) return;  // this transaction holds the lock already
  internal::LockChain(s, db_.engine());
  const std::uint64_t transaction = sql::CurrentTransactionSerial();
  chain_state = transaction != 0 ? ChainState{this, &s, transaction, false, {}} : ChainState{};
}

void AuditLog::AppendIn(soci::session& s, std::span<const AuditEntry> entries) const {
  if (entries.empty()) return;
  static const char kAppenderKey = 0;
  const sql::Engine engine = db_.engine();
  Appender* kept = db_.SessionLocal<Appender>(s, &kAppenderKey, [&](soci::session& session) {
    return std::make_unique<Appender>(session, true, engine);
  });
  std::optional<Appender> local;
  // PostgreSQL: a PREPARE pays off only for a batch (group commit); single entries go as one-time queries.
  Appender& appender = kept != nullptr ? *kept : local.emplace(s, entries.size() >= 4u, engine);

  ChainState* state = CurrentChainState(this, s);
  if (state == nullptr) internal::LockChain(s, engine);
  std::string prev = state != nullptr && state->head_known ? state->head : appender.Head();
  const Clock::TimePoint now = clock_.Now();
  const std::string& kid = chain_keys_.active_id();
  const Secret& key = chain_keys_.active_key();
  for (const AuditEntry& entry : entries) {
    StoredEntry row = internal::ToStored(entry, now);
    row.kid = kid;
    row.prev = std::move(prev);
    row.mac = internal::EntryMac(key, row);
    prev = row.mac;
    appender.Insert(std::move(row));
  }
  const std::uint64_t transaction = sql::CurrentTransactionSerial();
  chain_state = transaction != 0 ? ChainState{this, &s, transaction, true, prev} : ChainState{};
}

}  // namespace osprey::mfa::audit
