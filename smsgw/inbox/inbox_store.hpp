// InboxStore: received SMS (modems-and-sms.md §5 item 9, smseagle-api.md §7 and §11) on SQLite or
// PostgreSQL. A single-part SMS becomes an inbox message at once. A part of a multipart message is kept as a
// pending part keyed (modem, sender, ref, total, seq) until all `total` parts are there; then one message
// with the texts joined in seq order is created and the parts removed, in one transaction. FlushStale joins
// what arrived of sets whose first part is older than the reassembly timeout (600 s). Each new message gets
// the `oid` of the newest outgoing message (queue table smsgw_messages) to the same normalised number that
// had one, and its notifications (callback, webhook: see notifier.hpp) are enqueued in the same transaction.
//
// Duplicates [D]: a part whose key is already pending is ignored. A joined multipart key is remembered
// (smsgw_inbox_closed); a part for it whose SC timestamp is not newer than the newest joined part is a
// re-offer and ignored, a newer one starts a new message with the same reference. A single-part SMS equal
// to a stored one (modem, sender, SC timestamp, text) is ignored too. So a worker that offers the same SIM
// message again after a restart never creates a second inbox message.
//
// Every call takes `now` from the caller's Clock. Errors: kUnavailable when the database cannot be reached or
// stays busy; kInternal for unexpected SQL failures (the message names the operation, never the text).
// Thread rule: thread-safe; several threads and processes may share one database.
// REQUIRES: the Database outlives the store; ApplyMigrations(db, QueueMigrations()) and
// ApplyMigrations(db, InboxMigrations()) have been run (oid matching reads the queue's table).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"
#include "smsgw/modem/driver.hpp"
#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::inbox {

struct InboxOptions {
  std::chrono::seconds reassembly_timeout{600};  // spec §5 item 9
  // How long a joined multipart key is remembered to recognise re-offered parts [D].
  std::chrono::hours closed_key_retention{24 * 7};
  // Which notifications each new message gets (notifier.hpp); none: it is `processed` at once [D].
  bool notify_callback = false;
  bool notify_webhook = false;
};

struct InboxMessage {
  std::int64_t id = 0;
  int modem_no = 0;
  std::string number;    // the sender as the modem reported it
  std::string text;      // the parts joined in seq order
  std::string coding;    // "unicode" when any part was UCS-2, else the first part's ("standard" or "8bit")
  int parts = 1;         // parts joined
  bool complete = true;  // false when FlushStale joined an incomplete set
  Clock::TimePoint receive_date;  // SC timestamp of the earliest part
  Clock::TimePoint insert_date, update_date;
  std::optional<std::string> oid;
  bool read = false;
  bool processed = false;  // every notification delivered (or none configured)
};

// Filters of the inbox reads: the queue's MessageFilter (owner_id is ignored: inbound messages have no
// creator and every reader sees them, smseagle-api.md §3.5; sender_name set matches nothing, for the same
// reason) with dates on receive_date and modem_no on the receiving modem, plus the unread flag.
struct InboxQuery {
  queue::MessageFilter filter;
  bool unread_only = false;
};

enum class AddOutcome {
  kPending,    // a part stored, waiting for its siblings
  kDuplicate,  // already stored or already joined: nothing changed
  kMessage,    // an inbox message was created (message_id set)
};

struct AddResult {
  AddOutcome outcome = AddOutcome::kPending;
  std::optional<std::int64_t> message_id;
};

class InboxStore {
 public:
  explicit InboxStore(sql::Database& db, InboxOptions options = {});
  InboxStore(const InboxStore&) = delete;
  InboxStore& operator=(const InboxStore&) = delete;

  // Stores one received part durably (see the class comment). Success means the modem may delete it from
  // the SIM. kInvalidArgument for a part whose concat info is out of range (total < 1 or > 255, seq outside
  // 1..total); such a part cannot be kept and the caller should drop it.
  Result<AddResult> AddPart(const modem::IncomingSms& sms, Clock::TimePoint now);

  // Joins the parts of every pending set whose oldest part was stored at or before now - reassembly_timeout
  // (what arrived, in seq order) and forgets joined keys older than closed_key_retention. Returns the number
  // of messages created.
  Result<int> FlushStale(Clock::TimePoint now);

  // The oid of the newest outgoing message to `number` (compared normalised) that had one; nullopt if none.
  Result<std::optional<std::string>> MatchOid(const std::string& number);

  // Messages by ascending id.
  Result<std::vector<InboxMessage>> List(const InboxQuery& query);
  Result<std::int64_t> Count(const InboxQuery& query);
  // Deletes messages with ids in [id_from, id_to]; returns how many. Their pending notifications stay and
  // are still delivered (they carry their own copy of the message).
  Result<int> Delete(std::int64_t id_from, std::int64_t id_to);
  // Sets `read` on messages with ids in [id_from, id_to]; returns how many changed.
  Result<int> MarkRead(std::int64_t id_from, std::int64_t id_to, bool read, Clock::TimePoint now);

 private:
  sql::Database& db_;
  const InboxOptions options_;
};

// The form a sender is compared in for oid matching: sms::NormalizePhoneNumber, or the raw text for a
// sender that is not a phone number (an alphanumeric sender id).
std::string NormalizeSender(const std::string& sender);

}  // namespace osprey::smsgw::inbox
