// The queue's vocabulary (smseagle-api.md §7, §8; modems-and-sms.md §5): message statuses in their two
// spellings, folders, per-part states, the multipart status aggregate and the validity enum. Pure,
// thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "osprey/core/result.hpp"

namespace osprey::smsgw::queue {

// A message's status as stored (one per message).
enum class MessageStatus {
  kReserved,           // in the outbox: not all parts submitted
  kSendingOkNoReport,  // sent, no report requested
  kSendingOk,          // sent, report requested, none yet
  kDeliveryOk,
  kDeliveryFailed,
  kDeliveryPending,
  kDeliveryUnknown,
  kSendingError,  // modem refused, retries exhausted or validity expired
  kError,         // internal error or ambiguous submission
};

// Folder listings' lower snake case: "reserved", "sending_ok_no_report", ... (also the stored form).
std::string_view FolderStatusName(MessageStatus status);
// The status endpoint's Gammu CamelCase: "Reserved", "SendingOKNoReport", ...
std::string_view GammuStatusName(MessageStatus status);
// Inverse of FolderStatusName; kCorrupted for anything else.
Result<MessageStatus> ParseFolderStatusName(std::string_view name);

enum class Folder { kOutbox, kSent, kError, kDelivered };
std::string_view FolderName(Folder folder);  // "outbox", "sent", "error", "delivered"
// Which folder lists a message with `status` (kSent for kDeliveryOk, which kDelivered lists too).
Folder FolderOf(MessageStatus status);
bool InFolder(MessageStatus status, Folder folder);

// Per-part state machine: queued -> submitting -> submitted | failed, then (report requested)
// delivery_pending -> delivered | delivery_failed | delivery_unknown.
enum class PartState {
  kQueued,
  kSubmitting,
  kSubmitted,
  kFailed,
  kDeliveryPending,
  kDelivered,
  kDeliveryFailed,
  kDeliveryUnknown,
};
std::string_view PartStateName(PartState state);  // "queued", "submitting", ... (the stored form)
Result<PartState> ParsePartStateName(std::string_view name);

// The message status one part stands for once it left the queue (submitted or later).
MessageStatus PartStatus(PartState state, bool report_requested);

// smseagle-api.md §8: any SendingError/Error -> that; else all DeliveryOK -> DeliveryOK; any DeliveryFailed,
// then any DeliveryPending, then any DeliveryUnknown -> that; else SendingOK / SendingOKNoReport.
// REQUIRES: !parts.empty().
MessageStatus AggregateStatus(std::span<const MessageStatus> parts);

// The API's validity enum ("5m" ... "4w", "max") and its TP-VP (spec §4 item 9).
struct Validity {
  std::string name;
  int vp = 255;
};
// kInvalidArgument for a name outside the enum.
Result<Validity> ParseValidity(std::string_view name);
// How long after the schedule a message with this validity may still be sent; nullopt for "max".
std::optional<std::chrono::minutes> ValidityDuration(const Validity& validity);

}  // namespace osprey::smsgw::queue
