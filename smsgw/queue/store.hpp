// Store: the durable SMS queue (modems-and-sms.md §5) on SQLite or PostgreSQL. A message keeps its id from
// the outbox to the sent or error folder; its parts (already split by the caller) go out in order through one
// modem. Workers claim messages with a lease, write `submitting` before each part goes to the modem, and
// record the outcome; leases of crashed workers expire and RecoverAbandoned resolves their ambiguous parts.
//
// Every call takes `now` from the caller's injected Clock, so schedules, leases and back-off are tested
// without sleeping. Errors: kUnavailable when the database cannot be reached or stays busy; kInternal for
// unexpected SQL failures (the message names the operation).
//
// Thread rule: a Store is thread-safe; any number of threads (and processes, on one database) may use it.
// REQUIRES: the Database outlives the Store, and ApplyMigrations(db, QueueMigrations()) has been run.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"
#include "smsgw/modem/driver.hpp"
#include "smsgw/queue/status.hpp"

namespace osprey::smsgw::queue {

// One recipient's message as the API accepted it. The caller has validated and split the text.
struct NewMessage {
  std::int64_t owner_id = 0;
  std::string number;              // as the client gave it; normalised for sending
  std::vector<std::string> parts;  // REQUIRES: not empty; the text of each part in order
  std::string coding = "standard";
  int priority = 0;                            // 0..9, higher first
  std::optional<Clock::TimePoint> not_before;  // schedule; nullopt or past = now
  std::optional<int> send_after;               // minutes of day (local), daily window start
  std::optional<int> send_before;              // minutes of day (local), exclusive end
  std::string validity = "max";                // smseagle-api.md §5 enum
  bool flash = false;
  std::optional<std::string> oid;
  std::optional<int> modem_no;  // pin; nullopt = any modem
  bool report_requested = false;
};

// What happens to a part whose submission may or may not have reached the network.
enum class AmbiguousPolicy {
  kResend,       // send it again (at-least-once; the default)
  kMarkUnknown,  // the message becomes Error with reason "ambiguous"
};

struct StoreOptions {
  // Delay before the n-th retry (the last entry repeats).
  std::vector<std::chrono::seconds> backoff{std::chrono::seconds(30), std::chrono::minutes(2),
                                            std::chrono::minutes(10)};
  int max_retries = 3;  // transient failures tolerated; one more makes the message SendingError
  std::chrono::milliseconds lease_duration{std::chrono::seconds(60)};
  AmbiguousPolicy ambiguous_policy = AmbiguousPolicy::kResend;
  std::chrono::hours report_window{24};  // how old a submission a delivery report may match
  // Minute of the day (0..1439) in gateway local time; defaults to the process's local time zone.
  std::function<int(Clock::TimePoint)> minute_of_day;
};

struct ClaimedPart {
  int seq = 0;
  std::string text;
  PartState state = PartState::kQueued;
};

// A message leased to one worker. Send the parts whose state is kQueued, in order.
struct ClaimedMessage {
  std::int64_t id = 0;
  std::string lease_owner;
  std::string number;  // normalised
  std::string coding;
  bool flash = false;
  int validity_vp = 255;
  bool report_requested = false;
  int attempts = 0;
  std::vector<ClaimedPart> parts;  // all parts, by seq

  modem::OutgoingPart ToOutgoing(const ClaimedPart& part) const;
};

// What the worker does after RecordOutcome.
enum class NextStep { kNextPart, kDone };

// Filters for folder reads; unset fields do not filter. Dates compare with insert_date in the outbox and
// sending_date elsewhere.
struct MessageFilter {
  std::optional<std::int64_t> owner_id;  // nullopt = every owner
  std::optional<std::int64_t> id_from, id_to;
  std::optional<std::string> number;  // compared after normalisation
  std::optional<Clock::TimePoint> date_from, date_to;
  std::optional<int> modem_no;  // the modem used, else the pin
  std::optional<int> limit;
  // The creating API user's username (gateway_users of smsgw/accounts; exact match). A filter with this set
  // needs AccountMigrations() applied to the same database.
  std::optional<std::string> sender_name;
};

struct MessageRecord {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;
  std::string number;  // as given
  std::string text;    // the parts joined
  std::string coding;
  int priority = 0;
  std::string validity;
  bool flash = false;
  std::optional<std::string> oid;
  std::optional<int> modem_no;  // the modem used, else the pin
  MessageStatus status = MessageStatus::kReserved;
  std::optional<int> error_code;
  std::optional<std::string> error_reason;
  Clock::TimePoint insert_date, update_date;
  std::optional<Clock::TimePoint> sending_date, delivery_date;
  int attempts = 0;
  int total_parts = 1;
};

// The status endpoint's view (smseagle-api.md §8).
struct StatusView {
  std::int64_t id = 0;
  std::string status;  // "queued" in the outbox, else the Gammu CamelCase aggregate
  std::string folder;  // "outbox" or "sentitems"
};

// Where accepted messages go: the Store itself, or a group-commit layer in front of it.
// Thread rule: Enqueue may be called from any number of threads.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // Durably stores all `messages` (all or none) before returning their ids, in order.
  virtual Result<std::vector<std::int64_t>> Enqueue(std::span<const NewMessage> messages,
                                                    Clock::TimePoint now) = 0;
};

class Store final : public MessageSink {
 public:
  Store(sql::Database& db, StoreOptions options = {});
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Inserts all messages in one transaction (all or none) and returns their ids in order. Thread-safe, so a
  // group-commit layer may gather several requests' messages into one call. kInvalidArgument (nothing stored)
  // for a message without parts, a priority outside 0..9, an unknown validity or a window minute outside
  // 0..1439.
  Result<std::vector<std::int64_t>> Enqueue(std::span<const NewMessage> messages,
                                            Clock::TimePoint now) override;

  // Leases the best eligible message to `worker_id` for options.lease_duration: in the outbox, due
  // (not_before <= now), lease free or expired, inside its daily window, pin free or equal to `modem_no`
  // (a message part-sent through one modem stays with it), no part in `submitting`, validity not run out
  // before its first part went out; highest priority, then oldest. nullopt when none is eligible. A nullopt
  // `modem_no` ignores pins (for tools and tests).
  Result<std::optional<ClaimedMessage>> ClaimNext(const std::string& worker_id, std::optional<int> modem_no,
                                                  Clock::TimePoint now);

  // Extends the lease; false when it is no longer held (expired and taken, or the message was deleted).
  Result<bool> RenewLease(const ClaimedMessage& message, Clock::TimePoint now);

  // Moves outbox messages whose validity ran out before their first part was submitted to the error folder
  // (SendingError, no error code, reason "expired"); returns how many. ClaimNext never picks them anyway; the
  // Dispatcher calls this periodically so that they show up as failed.
  Result<int> ExpireOverdue(Clock::TimePoint now);

  // Durably marks `seq` as submitting before the part goes to the modem (the lease is not renewed here).
  // false when the lease is lost or the message was deleted: do not submit.
  Result<bool> MarkSubmitting(const ClaimedMessage& message, int seq, int modem_no);

  // Records the modem's answer for `seq`: accepted (the message moves to the sent folder after its last
  // part), transient (attempts + 1, back-off, lease released; SendingError after max_retries), permanent
  // (SendingError with the CMS code, remaining parts not sent) or unknown (per options.ambiguous_policy).
  Result<NextStep> RecordOutcome(const ClaimedMessage& message, int seq, int modem_no,
                                 const modem::SubmitResult& result, Clock::TimePoint now);

  // Releases a lease without sending (e.g. on shutdown); the message stays due.
  Status ReleaseLease(const ClaimedMessage& message);

  // Resolves parts left in `submitting` whose message lease expired (a crashed worker) per the policy.
  // Returns the number of messages resolved.
  Result<int> RecoverAbandoned(Clock::TimePoint now);

  // Frees outbox messages stranded on a modem that is out of service: unpinned messages whose earlier parts
  // went out through `modem_no` (so ClaimNext keeps them for it) and that nobody is sending (lease free or
  // expired, no part submitting). Their parts all become queued again, so another modem sends the WHOLE
  // message under its own originator and the recipient can reassemble it [D, docs/compatibility.md]; the
  // recipient may see the first parts twice. Returns how many messages moved.
  Result<int> ReleaseStranded(int modem_no, Clock::TimePoint now);

  // Matches a status report to the newest submitted part with the same modem, TP-MR and recipient within
  // options.report_window, and updates the part and the message's aggregate status. false when unmatched.
  Result<bool> RecordDeliveryReport(const modem::DeliveryReport& report);

  // --- Reads and API maintenance (store_folders.cpp) ---

  // Messages in `folder` matching `filter`, by ascending id.
  Result<std::vector<MessageRecord>> List(Folder folder, const MessageFilter& filter);
  Result<std::int64_t> Count(Folder folder, const MessageFilter& filter);
  // nullopt for an unknown id or one outside `owner_id` (when set).
  Result<std::optional<StatusView>> StatusOf(std::int64_t id, std::optional<std::int64_t> owner_id);
  // Deletes the messages in `folder` with ids in [id_from, id_to] (and of `owner_id` when set); returns how
  // many. Deleting from the outbox cancels parts not yet submitting; a part being submitted completes.
  Result<int> Delete(Folder folder, std::int64_t id_from, std::int64_t id_to,
                     std::optional<std::int64_t> owner_id);
  // Re-pins outbox messages pinned to `current_modem_no` whose parts all still wait (only those of
  // `owner_id` when set); returns how many.
  Result<int> ReassignOutboxModem(int current_modem_no, int new_modem_no,
                                  std::optional<std::int64_t> owner_id = std::nullopt);
  // The usernames of the given owners (gateway_users of smsgw/accounts, so AccountMigrations() must have been
  // applied to the same database); owners without a user row (removed users) are left out.
  Result<std::map<std::int64_t, std::string>> OwnerNames(std::span<const std::int64_t> owner_ids);

 private:
  Result<bool> TakeBest(const std::string& owner, std::optional<int> modem_no, Clock::TimePoint now,
                        ClaimedMessage& claim);
  NextStep RecordAccepted(soci::session& s, const ClaimedMessage& message, int seq, int modem_no, int mr,
                          Clock::TimePoint now);
  void RetryLater(soci::session& s, const ClaimedMessage& message, int seq, std::optional<int> code,
                  Clock::TimePoint now);
  int MinuteOfDay(Clock::TimePoint now) const;

  sql::Database& db_;
  const StoreOptions options_;
};

}  // namespace osprey::smsgw::queue
