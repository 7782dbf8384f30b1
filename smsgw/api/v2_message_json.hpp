// The wire side of the APIv2 read routes (smseagle-api.md §7, §8, §9): folder names, the query filters of
// GET /messages/{folder} and /messages/count, integer path parameters, and the JSON of one message item.
// Parsing reports every invalid field at once into a FieldErrors map with SMSEagle's texts (§4).
// Pure functions; any thread may call them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "osprey/core/clock.hpp"
#include "osprey/http/message.hpp"
#include "smsgw/inbox/inbox_store.hpp"
#include "smsgw/queue/store.hpp"
#include "smsgw/send/send_service.hpp"

namespace osprey::smsgw::api {

inline constexpr char kInvalidChoice[] = "The value you selected is not a valid choice.";
inline constexpr char kNotAnInt[] = "The type of the attribute must be one of int (string given).";

// The folders of §7. The inbox is inbox::InboxStore, not a queue folder.
enum class ApiFolder { kInbox, kOutbox, kSent, kError, kDelivered };

// "inbox", "outbox", "sent", "error", "delivered" (exact, lower case); nullopt otherwise.
std::optional<ApiFolder> ParseApiFolder(std::string_view name);
std::string_view ApiFolderName(ApiFolder folder);
// The queue folder behind `folder`; nullopt for the inbox.
std::optional<queue::Folder> QueueFolderOf(ApiFolder folder);

// A decimal integer path or query parameter ("12", "-3"); nullopt for anything else, "" included.
std::optional<std::int64_t> ParseIntParam(std::string_view text);

// The filters of GET /messages/{folder}. `filter.owner_id` is left unset (the caller scopes it).
struct ListQuery {
  queue::MessageFilter filter;
  bool unread_only = false;       // unread=1: only unread inbox messages
  bool with_attachments = false;  // attachments=1: only MMS; an SMS never has attachments
};

// Reads id_from, id_to, number, date_from, date_to, limit, unread, sender_name, attachments and modem_no
// from `query` (first value of each; "" = absent; other keys ignored). Invalid values add an entry to
// `errors`: ids and limit not integers -> kNotAnInt, a negative limit -> kInvalidChoice, dates not in the
// §5 `date` format -> "Wrong date format.", unread/attachments not 0/1/true/false ->
// "The type of the attribute must be one of bool (string given).", modem_no not an integer -> kNotAnInt and
// outside 1..8 -> "Incorrect modem number.". A '+' that arrived unencoded (decoded to a space) in `number`
// or in a date's offset is read as '+'.
ListQuery ParseListQuery(const http::Pairs& query, send::FieldErrors& errors);

// Reads date_from, date_to and modem_no (the filters of /messages/count) as ParseListQuery does.
queue::MessageFilter ParseCountQuery(const http::Pairs& query, send::FieldErrors& errors);

// Seconds east of UTC of the gateway's local time at `t`.
using UtcOffsetFn = std::function<long(Clock::TimePoint)>;
long LocalUtcOffset(Clock::TimePoint t);

// "YYYY-MM-DDThh:mm:ss±hh:mm" of `t` shifted by `offset_seconds` (whole seconds, truncated).
std::string FormatApiDate(Clock::TimePoint t, long offset_seconds);

// One item of a folder listing (§7 table) for an outbox or sent-side message: `sender_name` is the owner's
// username (null when the user no longer exists), dates in the zone `offset` gives.
nlohmann::json RenderMessageItem(const queue::MessageRecord& message,
                                 const std::optional<std::string>& sender_name, const UtcOffsetFn& offset);

// One item of the inbox listing (§7 table): folder_id 1, processed, read, receive_date, oid, modem_no; udh,
// smsc and attachments null, class 255 [D: the class of received messages is not kept].
nlohmann::json RenderInboxItem(const inbox::InboxMessage& message, const UtcOffsetFn& offset);

}  // namespace osprey::smsgw::api
