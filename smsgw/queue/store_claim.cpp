// Claiming: picking the best eligible outbox message and leasing it in one conditional write.
#include <atomic>
#include <memory>
#include <random>
#include <vector>

#include "smsgw/queue/sql_rows.hpp"
#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::queue {
namespace {

using internal::Exec;

// Eligibility of an outbox message for a worker; Bind() supplies its values in order. The daily window may
// wrap midnight (send_after > send_before) and either end may be missing.
constexpr const char* kEligible =
    "status = 'reserved' AND not_before <= :n1 AND (lease_until IS NULL OR lease_until < :n2)"
    " AND (expires_at IS NULL OR expires_at > :n3 OR EXISTS (SELECT 1 FROM smsgw_message_parts q"
    "      WHERE q.message_id = smsgw_messages.id AND q.state <> 'queued'))"
    " AND (send_after IS NULL OR :m1 >= send_after"
    "      OR (send_before IS NOT NULL AND send_after > send_before AND :m2 < send_before))"
    " AND (send_before IS NULL OR :m3 < send_before"
    "      OR (send_after IS NOT NULL AND send_after > send_before AND :m4 >= send_after))"
    " AND (:any = 1 OR (modem_used IS NULL AND (modem_no IS NULL OR modem_no = :p1)) OR modem_used = :p2)"
    " AND NOT EXISTS (SELECT 1 FROM smsgw_message_parts p"
    "                 WHERE p.message_id = smsgw_messages.id AND p.state = 'submitting')";
constexpr const char* kBestFirst = " ORDER BY priority DESC, insert_date ASC, id ASC";
constexpr const char* kTake = "UPDATE smsgw_messages SET lease_until = :u, lease_owner = :o WHERE id = ";
constexpr const char* kReturning =
    " RETURNING id, number_normalized, coding, CASE WHEN flash THEN 1 ELSE 0 END, validity_vp,"
    " CASE WHEN report_requested THEN 1 ELSE 0 END, attempts";

// SQLite tries this many candidates per round before looking again.
constexpr int kSqliteCandidates = 8;
// Losing every candidate means other workers made progress, so rounds are bounded only as a safety net.
constexpr int kMaxClaimRounds = 100;

struct Eligibility {
  long long now = 0;
  int minute = 0;
  int any = 0;
  int modem = 0;

  void Bind(soci::statement& st) const {
    for (int i = 0; i < 3; ++i) st.exchange(soci::use(now));
    for (int i = 0; i < 4; ++i) st.exchange(soci::use(minute));
    st.exchange(soci::use(any));
    for (int i = 0; i < 2; ++i) st.exchange(soci::use(modem));
  }
};

struct Returned {
  long long id = 0;
  int flash = 0, vp = 255, report = 0, attempts = 0;
  std::string number, coding;
  soci::indicator ind = soci::i_null;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id, ind));
    st.exchange(soci::into(number));
    st.exchange(soci::into(coding));
    st.exchange(soci::into(flash));
    st.exchange(soci::into(vp));
    st.exchange(soci::into(report));
    st.exchange(soci::into(attempts));
  }
};

// PostgreSQL: runs the one lease-taking UPDATE ... RETURNING as a one-time query.
bool Take(soci::session& s, const std::string& sql, long long until, const std::string& owner,
          const Eligibility& e, Returned& out) {
  soci::statement st(s);
  st.exchange(soci::use(until));
  st.exchange(soci::use(owner));
  e.Bind(st);
  out.Bind(st);
  st.alloc();
  st.prepare(sql, soci::details::st_one_time_query);  // one round trip on PostgreSQL, no PREPARE/DEALLOCATE
  st.define_and_bind();
  return st.execute(true) && out.ind == soci::i_ok;
}

std::vector<ClaimedPart> LoadParts(soci::session& s, long long id) {
  std::vector<ClaimedPart> parts;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT seq, text, state FROM smsgw_message_parts WHERE message_id = :id ORDER BY seq",
       soci::use(id));
  for (const soci::row& r : rows) {
    auto state = ParsePartStateName(internal::Text(r, 2));
    if (!state.ok()) throw std::runtime_error(state.error().message());
    parts.push_back({static_cast<int>(internal::Int(r, 0)), internal::Text(r, 1), *state});
  }
  return parts;
}

// SQLite: the claim's three statements, compiled once per pooled connection (Database::SessionLocal), and
// the variables they are bound to. One writer at a time: choose candidates without the write lock, then
// take the first one still eligible with a conditional update; losing all of them means others
// progressed: look again.
class SqliteClaim {
 public:
  explicit SqliteClaim(soci::session& s) : candidates_(s), take_(s), parts_(s) {
    e_.Bind(candidates_);
    candidates_.exchange(soci::into(candidate_));
    internal::PrepareKept(candidates_, std::string("SELECT id FROM smsgw_messages WHERE ") + kEligible +
                                           kBestFirst + " LIMIT " + std::to_string(kSqliteCandidates));
    take_.exchange(soci::use(until_));
    take_.exchange(soci::use(owner_));
    take_.exchange(soci::use(id_));
    e_.Bind(take_);
    row_.Bind(take_);
    internal::PrepareKept(take_, std::string(kTake) + ":id AND " + kEligible + kReturning);
    parts_.exchange(soci::use(id_));
    parts_.exchange(soci::into(seq_));
    parts_.exchange(soci::into(text_));
    parts_.exchange(soci::into(state_));
    internal::PrepareKept(
        parts_, "SELECT seq, text, state FROM smsgw_message_parts WHERE message_id = :id ORDER BY seq");
  }

  // Leases the best eligible message to `owner` until `until`; fills `row` and `parts` when one was taken.
  bool Claim(const Eligibility& e, long long until, const std::string& owner, Returned& row,
             std::vector<ClaimedPart>& parts) {
    e_ = e;
    until_ = until;
    owner_ = owner;
    for (int round = 0; round < kMaxClaimRounds; ++round) {
      std::vector<long long> ids = Candidates();
      if (ids.empty()) return false;
      for (long long id : ids) {
        if (!Take(id)) continue;
        row = row_;
        parts = Parts();
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<long long> Candidates() {
    internal::ResetOnExit reset(candidates_);
    std::vector<long long> ids;
    if (!candidates_.execute(true)) return ids;
    do ids.push_back(candidate_);
    while (candidates_.fetch());
    return ids;
  }

  bool Take(long long id) {
    internal::ResetOnExit reset(take_);  // RETURNING stopped at its row: release it
    id_ = id;
    row_.ind = soci::i_null;
    return take_.execute(true) && row_.ind == soci::i_ok;
  }

  std::vector<ClaimedPart> Parts() {
    internal::ResetOnExit reset(parts_);
    std::vector<ClaimedPart> parts;
    if (!parts_.execute(true)) return parts;
    do {
      auto state = ParsePartStateName(state_);
      if (!state.ok()) throw std::runtime_error(state.error().message());
      parts.push_back({seq_, text_, *state});
    } while (parts_.fetch());
    return parts;
  }

  soci::statement candidates_, take_, parts_;
  // The bound values: the statements refer to these members.
  Eligibility e_;
  long long until_ = 0, id_ = 0, candidate_ = 0;
  std::string owner_;
  Returned row_;
  int seq_ = 0;
  std::string text_, state_;
};

std::string UniqueLeaseOwner(const std::string& worker_id) {
  // A fresh owner per claim, so a worker whose lease expired and was taken cannot renew the new one.
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t process_tag = std::random_device{}();
  return worker_id + "#" + std::to_string(process_tag % 1000000) + "." + std::to_string(counter++);
}

}  // namespace

Result<std::optional<ClaimedMessage>> Store::ClaimNext(const std::string& worker_id,
                                                       std::optional<int> modem_no, Clock::TimePoint now) {
  ClaimedMessage claim;
  claim.lease_owner = UniqueLeaseOwner(worker_id);
  auto taken = TakeBest(claim.lease_owner, modem_no, now, claim);
  if (!taken.ok()) return taken.error();
  if (!*taken) return std::optional<ClaimedMessage>();
  return std::optional<ClaimedMessage>(std::move(claim));
}

Result<bool> Store::TakeBest(const std::string& owner, std::optional<int> modem_no, Clock::TimePoint now,
                             ClaimedMessage& claim) {
  const Eligibility e{ToUnixMillis(now), MinuteOfDay(now), modem_no ? 0 : 1, modem_no.value_or(0)};
  const long long until = ToUnixMillis(now + options_.lease_duration);
  Returned row;
  bool taken = false;
  Status st = internal::Read(db_, "claim", [&](soci::session& s) {
    static const char kClaimKey = 0;
    SqliteClaim* kept = db_.SessionLocal<SqliteClaim>(
        s, &kClaimKey, [](soci::session& session) { return std::make_unique<SqliteClaim>(session); });
    if (kept != nullptr) {
      taken = kept->Claim(e, until, owner, row, claim.parts);
      return;
    }
    // PostgreSQL, one statement: rows other workers are taking are skipped, not waited for.
    taken = Take(s,
                 std::string(kTake) + "(SELECT id FROM smsgw_messages WHERE " + kEligible + kBestFirst +
                     " LIMIT 1 FOR UPDATE SKIP LOCKED)" + kReturning,
                 until, owner, e, row);
    if (taken) claim.parts = LoadParts(s, row.id);
  });
  if (!st.ok()) return st.error();
  if (!taken) return false;
  claim.id = row.id;
  claim.number = row.number;
  claim.coding = row.coding;
  claim.flash = row.flash != 0;
  claim.validity_vp = row.vp;
  claim.report_requested = row.report != 0;
  claim.attempts = row.attempts;
  return true;
}

Result<int> Store::ExpireOverdue(Clock::TimePoint now) {
  long long now_ms = ToUnixMillis(now);
  long long expired = 0;
  Status st = internal::Transact(db_, "expire", [&](soci::session& s) {
    expired = Exec(
        s,
        "UPDATE smsgw_messages SET status = 'sending_error', error_code = NULL, error_reason = 'expired',"
        " sending_date = :n0, update_date = :n1, lease_until = NULL, lease_owner = NULL"
        " WHERE status = 'reserved' AND expires_at IS NOT NULL AND expires_at <= :n2"
        " AND (lease_until IS NULL OR lease_until < :n3) AND NOT EXISTS (SELECT 1 FROM"
        " smsgw_message_parts p WHERE p.message_id = smsgw_messages.id AND p.state <> 'queued')",
        now_ms, now_ms, now_ms, now_ms);
  });
  if (!st.ok()) return st.error();
  return static_cast<int>(expired);
}

}  // namespace osprey::smsgw::queue
