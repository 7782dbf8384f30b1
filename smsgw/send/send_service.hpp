// SendService: the domain side of POST /api/v2/messages/sms (smseagle-api.md §5). Validates a decoded send
// request, splits the text into parts and enqueues one message per recipient in one transaction.
//
// Results: a SendOutcome whose `rejected` map is non-empty means nothing was stored and the API answers 400
// with one entry per invalid field (texts from the spec's §4, all invalid fields together). Otherwise
// `recipients` has one item per recipient in request order: queued with its outbox id (0 with `test`) or
// failed with "Invalid phone number.". When no recipient can be queued the request is rejected with
// {"to": "Invalid phone number."}. Infrastructure failures are Result errors (kUnavailable, kInternal) from
// the queue store; nothing is stored then.
//
// Contacts and groups are resolved through SendOptions::directory in the sender's scope (Sender::Viewer;
// without a directory, every id is unknown). An unknown or out-of-scope id rejects the request with
// {"contacts"|"groups": "The value you selected is not a valid choice."}. Recipients are `to`, then
// `contacts`, then each group's members (in the directory's order), duplicates kept; a contact's item
// echoes its stored number, and a contact without a valid number is a failed item. When the groups expand
// to nobody and there is no other recipient: {"groups": "This value should not be blank."}. Directory
// failures are Result errors like the store's. `modem_no` must satisfy SendOptions::modem_exists (without
// one, 1..8).
//
// Ownership: refers to `sink`, `clock` and the options' directory, which must outlive it.
// Thread rule: any number of threads may call Send concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "smsgw/queue/store.hpp"
#include "smsgw/send/directory.hpp"

namespace osprey::smsgw::send {

// Field name -> the spec's validation text. Ordered, so the rendered JSON is stable.
using FieldErrors = std::map<std::string, std::string>;

inline constexpr int kMaxModemNo = 8;
inline constexpr std::size_t kMaxOidLength = 36;

// A send request as the transport decoded it: recipients and text as strings (JSON numbers already turned
// into decimal strings), integers and booleans already typed, everything else as the client's text. Absent
// fields are empty/nullopt (an empty array or "" counts as absent).
struct SendRequest {
  std::vector<std::string> to;  // as given
  std::vector<std::int64_t> contacts, groups;
  std::optional<std::string> text;
  std::optional<std::string> date;  // "YYYY-MM-DDThh:mm:ss[Z|±hh:mm]"
  std::optional<std::int64_t> priority;
  std::optional<std::string> encoding;  // "standard", "default" or "unicode"
  bool flash = false;
  std::optional<std::string> oid;
  std::optional<std::string> validity;
  std::optional<std::string> send_after, send_before;  // "hh:mm"
  bool test = false;
  std::optional<std::int64_t> modem_no;
  // Fields the transport could not decode (wrong JSON type, non-numeric integer text); reported together with
  // the fields Send finds invalid.
  FieldErrors undecodable;
};

struct RecipientResult {
  std::string number;              // as given
  std::optional<std::int64_t> id;  // set when queued (0 with `test`)
  std::string error;               // when not queued: "Invalid phone number."
};

struct SendOutcome {
  FieldErrors rejected;  // non-empty: nothing was stored
  std::vector<RecipientResult> recipients;
};

struct SendOptions {
  std::size_t max_parts = 10;  // longer texts are rejected with "Message is too long."
  // Whether a modem with this number is configured; unset = 1..kMaxModemNo.
  std::function<bool(int)> modem_exists;
  // Request delivery reports (TP-SRR) for every message.
  bool request_reports = true;
  // Resolves `contacts` and `groups`; nullptr = there is no phonebook.
  const RecipientDirectory* directory = nullptr;
};

// Who sends: the owner of the queued messages, and the scope in which `contacts` and `groups` resolve.
struct Sender {
  std::int64_t owner_id = 0;
  bool all_resources = false;  // "access to resources of all users": may use every user's phonebook entries
  // The RecipientDirectory viewer: nullopt with all_resources, else owner_id.
  std::optional<std::int64_t> Viewer() const {
    return all_resources ? std::nullopt : std::optional<std::int64_t>(owner_id);
  }
};

class SendService {
 public:
  SendService(queue::MessageSink& sink, const Clock& clock, SendOptions options = {});
  SendService(const SendService&) = delete;
  SendService& operator=(const SendService&) = delete;

  // Validates `request` and enqueues its messages as owned by `who.owner_id` (see the file comment).
  Result<SendOutcome> Send(const Sender& who, const SendRequest& request) const;

 private:
  queue::MessageSink& sink_;
  const Clock& clock_;
  const SendOptions options_;
};

}  // namespace osprey::smsgw::send
