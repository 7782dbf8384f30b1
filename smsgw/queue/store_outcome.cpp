// What happens after a part went to the modem, crash recovery and delivery reports.
#include <algorithm>
#include <memory>
#include <vector>

#include "smsgw/queue/sql_rows.hpp"
#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::queue {
namespace {

using internal::Exec;

// Recomputes a message's status from its parts (smseagle-api.md §8) once it has left the outbox.
void RefreshAggregate(soci::session& s, long long id, long long now_ms, bool final_report) {
  int report = 0;
  s << "SELECT CASE WHEN report_requested THEN 1 ELSE 0 END FROM smsgw_messages WHERE id = :id",
      soci::use(id), soci::into(report);
  std::vector<MessageStatus> statuses;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT state FROM smsgw_message_parts WHERE message_id = :id ORDER BY seq",
       soci::use(id));
  for (const soci::row& r : rows) {
    auto state = ParsePartStateName(internal::Text(r, 0));
    if (!state.ok()) throw std::runtime_error(state.error().message());
    statuses.push_back(PartStatus(*state, report != 0));
  }
  if (statuses.empty()) return;
  std::string status(FolderStatusName(AggregateStatus(statuses)));
  if (final_report) {
    Exec(s, "UPDATE smsgw_messages SET status = :s, delivery_date = :d, update_date = :u WHERE id = :id",
         status, now_ms, now_ms, id);
  } else {
    Exec(s, "UPDATE smsgw_messages SET status = :s, update_date = :u WHERE id = :id", status, now_ms, id);
  }
}

// Ends a message in the error folder with `status` ("sending_error" or "error").
void FailMessage(soci::session& s, long long id, int seq, const std::string& status, std::optional<int> code,
                 const std::string& reason, long long now_ms) {
  int code_v = code.value_or(0);
  soci::indicator code_i = code ? soci::i_ok : soci::i_null;
  s << "UPDATE smsgw_message_parts SET state = 'failed', error_code = :c WHERE message_id = :id AND seq = :s",
      soci::use(code_v, code_i), soci::use(id), soci::use(seq);
  s << "UPDATE smsgw_messages SET status = :st, error_code = :c, error_reason = :r, sending_date = :n,"
       " update_date = :u, lease_until = NULL, lease_owner = NULL WHERE id = :id",
      soci::use(status), soci::use(code_v, code_i), soci::use(reason), soci::use(now_ms), soci::use(now_ms),
      soci::use(id);
}

}  // namespace

Result<NextStep> Store::RecordOutcome(const ClaimedMessage& message, int seq, int modem_no,
                                      const modem::SubmitResult& result, Clock::TimePoint now) {
  long long id = message.id, now_ms = ToUnixMillis(now);
  NextStep next = NextStep::kDone;
  auto work = [&](soci::session& s) {
    next = NextStep::kDone;
    if (result.ok()) {
      next = RecordAccepted(s, message, seq, modem_no, result.value().message_reference, now);
      return;
    }
    const modem::SubmitFailure& failure = result.failure();
    if (failure.error_class == modem::SubmitErrorClass::kPermanent) {
      FailMessage(s, id, seq, "sending_error", failure.cms_error, "rejected", now_ms);
    } else if (failure.error_class == modem::SubmitErrorClass::kUnknown &&
               options_.ambiguous_policy == AmbiguousPolicy::kMarkUnknown) {
      FailMessage(s, id, seq, "error", std::nullopt, "ambiguous", now_ms);
    } else {
      RetryLater(s, message, seq, failure.cms_error, now);
    }
  };
  if (Status st = internal::Transact(db_, "record outcome", work); !st.ok()) return st.error();
  return next;
}

namespace {

constexpr const char* kPartSubmitted =
    "UPDATE smsgw_message_parts SET state = 'submitted', tp_mr = :mr, modem_no = :m, submitted_at = :n,"
    " error_code = NULL WHERE message_id = :id AND seq = :s";
constexpr const char* kMessageNextPart =
    "UPDATE smsgw_messages SET modem_used = :m, update_date = :n WHERE id = :id"
    " AND lease_owner = :o AND status = 'reserved'";
constexpr const char* kMessageSent =
    "UPDATE smsgw_messages SET modem_used = :m, status = :st, sending_date = :n, update_date = :u,"
    " lease_until = NULL, lease_owner = NULL WHERE id = :id AND lease_owner = :o"
    " AND status = 'reserved'";

// SQLite: the accepted path's three UPDATEs compiled once per pooled connection, and their values.
struct KeptAccepted {
  explicit KeptAccepted(soci::session& s) : part(s), next_part(s), sent(s) {
    part.exchange(soci::use(mr));
    part.exchange(soci::use(modem_no));
    part.exchange(soci::use(now_ms));
    part.exchange(soci::use(id));
    part.exchange(soci::use(seq));
    internal::PrepareKept(part, kPartSubmitted);
    next_part.exchange(soci::use(modem_no));
    next_part.exchange(soci::use(now_ms));
    next_part.exchange(soci::use(id));
    next_part.exchange(soci::use(owner));
    internal::PrepareKept(next_part, kMessageNextPart);
    sent.exchange(soci::use(modem_no));
    sent.exchange(soci::use(status));
    sent.exchange(soci::use(now_ms));
    sent.exchange(soci::use(now_ms));
    sent.exchange(soci::use(id));
    sent.exchange(soci::use(owner));
    internal::PrepareKept(sent, kMessageSent);
  }
  soci::statement part, next_part, sent;
  long long id = 0, now_ms = 0;
  int seq = 0, modem_no = 0, mr = 0;
  std::string owner, status;
};

}  // namespace

NextStep Store::RecordAccepted(soci::session& s, const ClaimedMessage& message, int seq, int modem_no, int mr,
                               Clock::TimePoint now) {
  long long id = message.id, now_ms = ToUnixMillis(now);
  static const char kAcceptedKey = 0;
  KeptAccepted* kept = db_.SessionLocal<KeptAccepted>(
      s, &kAcceptedKey, [](soci::session& session) { return std::make_unique<KeptAccepted>(session); });
  if (kept != nullptr) {
    kept->id = id;
    kept->now_ms = now_ms;
    kept->seq = seq;
    kept->modem_no = modem_no;
    kept->mr = mr;
    kept->owner = message.lease_owner;
    internal::ExecKept(kept->part);
  } else {
    Exec(s, kPartSubmitted, mr, modem_no, now_ms, id, seq);
  }
  // Parts go out in order, so the claim's last waiting part completes the message.
  int last = 0;
  for (const auto& part : message.parts) last = part.state == PartState::kQueued ? part.seq : last;
  if (seq != last) {
    bool held = (kept != nullptr ? internal::ExecKept(kept->next_part)
                                 : Exec(s, kMessageNextPart, modem_no, now_ms, id, message.lease_owner)) == 1;
    return held ? NextStep::kNextPart : NextStep::kDone;  // deleted or taken over: send nothing more
  }
  std::string status(FolderStatusName(message.report_requested ? MessageStatus::kSendingOk
                                                               : MessageStatus::kSendingOkNoReport));
  bool held = false;
  if (kept != nullptr) {
    kept->status = status;
    held = internal::ExecKept(kept->sent) == 1;
  } else {
    held = Exec(s, kMessageSent, modem_no, status, now_ms, now_ms, id, message.lease_owner) == 1;
  }
  // A report for an earlier part may already be in.
  if (held && message.report_requested) RefreshAggregate(s, id, now_ms, false);
  return NextStep::kDone;
}

void Store::RetryLater(soci::session& s, const ClaimedMessage& message, int seq, std::optional<int> code,
                       Clock::TimePoint now) {
  long long id = message.id, now_ms = ToUnixMillis(now);
  int attempts = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT attempts FROM smsgw_messages WHERE id = :id AND lease_owner = :o AND status = 'reserved'",
      soci::use(id), soci::use(message.lease_owner), soci::into(attempts, ind);
  if (ind != soci::i_ok) return;  // deleted or taken over meanwhile
  ++attempts;
  if (attempts > options_.max_retries) {
    FailMessage(s, id, seq, "sending_error", code, "retries exhausted", now_ms);
    Exec(s, "UPDATE smsgw_messages SET attempts = :a WHERE id = :id", attempts, id);
    return;
  }
  const auto& steps = options_.backoff;
  auto delay = steps.empty()
                   ? std::chrono::seconds(0)
                   : steps[std::min<std::size_t>(static_cast<std::size_t>(attempts - 1), steps.size() - 1)];
  long long due = ToUnixMillis(now + delay);
  int code_v = code.value_or(0);
  soci::indicator code_i = code ? soci::i_ok : soci::i_null;
  s << "UPDATE smsgw_message_parts SET state = 'queued', error_code = :c WHERE message_id = :id AND seq = :s",
      soci::use(code_v, code_i), soci::use(id), soci::use(seq);
  Exec(s,
       "UPDATE smsgw_messages SET attempts = :a, not_before = :d, update_date = :n, lease_until = NULL,"
       " lease_owner = NULL WHERE id = :id",
       attempts, due, now_ms, id);
}

Result<int> Store::RecoverAbandoned(Clock::TimePoint now) {
  long long now_ms = ToUnixMillis(now);
  std::vector<long long> ids;
  Status st = internal::Read(db_, "recover", [&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT DISTINCT CAST(m.id AS BIGINT) FROM smsgw_messages m JOIN smsgw_message_parts p"
                      " ON p.message_id = m.id WHERE p.state = 'submitting' AND m.status = 'reserved'"
                      " AND (m.lease_until IS NULL OR m.lease_until < :n)",
         soci::use(now_ms));
    for (const soci::row& r : rows) ids.push_back(internal::Int(r, 0));
  });
  if (!st.ok()) return st.error();
  int resolved = 0;
  const bool resend = options_.ambiguous_policy == AmbiguousPolicy::kResend;
  for (long long id : ids) {
    st = internal::Transact(db_, "recover", [&](soci::session& s) {
      // Conditional on the lease still being expired: a worker may have recovered it meanwhile.
      long long changed = Exec(
          s,
          resend
              ? "UPDATE smsgw_messages SET lease_until = NULL, lease_owner = NULL, update_date = :u"
                " WHERE id = :id AND status = 'reserved' AND (lease_until IS NULL OR lease_until < :n)"
              : "UPDATE smsgw_messages SET status = 'error', error_reason = 'ambiguous', error_code = NULL,"
                " sending_date = :u, lease_until = NULL, lease_owner = NULL WHERE id = :id"
                " AND status = 'reserved' AND (lease_until IS NULL OR lease_until < :n)",
          now_ms, id, now_ms);
      if (changed == 0) return;
      Exec(s,
           resend ? "UPDATE smsgw_message_parts SET state = 'queued' WHERE message_id = :id AND state = "
                    "'submitting'"
                  : "UPDATE smsgw_message_parts SET state = 'failed' WHERE message_id = :id AND state = "
                    "'submitting'",
           id);
      ++resolved;
    });
    if (!st.ok()) return st.error();
  }
  return resolved;
}

Result<int> Store::ReleaseStranded(int modem_no, Clock::TimePoint now) {
  long long now_ms = ToUnixMillis(now);
  int moved = 0;
  constexpr const char* kStranded =
      "status = 'reserved' AND modem_used = :m AND modem_no IS NULL AND (lease_until IS NULL OR lease_until "
      "< :n)"
      " AND NOT EXISTS (SELECT 1 FROM smsgw_message_parts q WHERE q.message_id = smsgw_messages.id"
      "                 AND q.state = 'submitting')";
  Status st = internal::Transact(db_, "release stranded", [&](soci::session& s) {
    Exec(s,
         std::string("UPDATE smsgw_message_parts SET state = 'queued', modem_no = NULL, error_code = NULL"
                     " WHERE state <> 'queued' AND message_id IN (SELECT id FROM smsgw_messages WHERE ") +
             kStranded + ")",
         modem_no, now_ms);
    moved = static_cast<int>(Exec(s,
                                  std::string("UPDATE smsgw_messages SET modem_used = NULL, update_date = :u"
                                              " WHERE ") +
                                      kStranded,
                                  now_ms, modem_no, now_ms));
  });
  if (!st.ok()) return st.error();
  return moved;
}

Result<bool> Store::RecordDeliveryReport(const modem::DeliveryReport& report) {
  long long at = ToUnixMillis(report.reported_at),
            since = ToUnixMillis(report.reported_at - options_.report_window);
  std::string number = internal::NormalizeNumber(report.recipient);
  const modem::DeliveryOutcome outcome = modem::ClassifyTpStatus(report.tp_status);
  const PartState state = outcome == modem::DeliveryOutcome::kDelivered ? PartState::kDelivered
                          : outcome == modem::DeliveryOutcome::kFailed  ? PartState::kDeliveryFailed
                          : outcome == modem::DeliveryOutcome::kPending ? PartState::kDeliveryPending
                                                                        : PartState::kDeliveryUnknown;
  bool matched = false;
  Status st = internal::Transact(db_, "delivery report", [&](soci::session& s) {
    matched = false;
    long long id = 0;
    int seq = 0;
    soci::indicator ind = soci::i_null;
    s << "SELECT p.message_id, p.seq FROM smsgw_message_parts p JOIN smsgw_messages m ON m.id = p.message_id"
         " WHERE p.modem_no = :m AND p.tp_mr = :mr AND m.number_normalized = :num"
         " AND p.state IN ('submitted', 'delivery_pending') AND p.submitted_at >= :since"
         " ORDER BY p.submitted_at DESC, p.message_id DESC LIMIT 1",
        soci::use(report.modem_no), soci::use(report.message_reference), soci::use(number), soci::use(since),
        soci::into(id, ind), soci::into(seq);
    if (ind != soci::i_ok) return;
    std::string name(PartStateName(state));
    Exec(s,
         "UPDATE smsgw_message_parts SET state = :st, report_status = :tp, report_date = :d"
         " WHERE message_id = :id AND seq = :s",
         name, report.tp_status, at, id, seq);
    // Messages that already failed keep their error status; only sent ones follow their reports.
    int sent = 0;
    s << "SELECT COUNT(*) FROM smsgw_messages WHERE id = :id AND status NOT IN ('reserved', 'sending_error', "
         "'error')",
        soci::use(id), soci::into(sent);
    if (sent > 0) RefreshAggregate(s, id, at, state != PartState::kDeliveryPending);
    matched = true;
  });
  if (!st.ok()) return st.error();
  return matched;
}

}  // namespace osprey::smsgw::queue
