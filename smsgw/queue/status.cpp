#include "smsgw/queue/status.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "smsgw/modem/sms_status.hpp"
#include "smsgw/sms/validity.hpp"

namespace osprey::smsgw::queue {
namespace {

struct StatusNames {
  MessageStatus status;
  std::string_view folder_name;
  std::string_view gammu_name;
};

constexpr std::array kStatusNames = {
    StatusNames{MessageStatus::kReserved, "reserved", "Reserved"},
    StatusNames{MessageStatus::kSendingOkNoReport, "sending_ok_no_report", "SendingOKNoReport"},
    StatusNames{MessageStatus::kSendingOk, "sending_ok", "SendingOK"},
    StatusNames{MessageStatus::kDeliveryOk, "delivery_ok", "DeliveryOK"},
    StatusNames{MessageStatus::kDeliveryFailed, "delivery_failed", "DeliveryFailed"},
    StatusNames{MessageStatus::kDeliveryPending, "delivery_pending", "DeliveryPending"},
    StatusNames{MessageStatus::kDeliveryUnknown, "delivery_unknown", "DeliveryUnknown"},
    StatusNames{MessageStatus::kSendingError, "sending_error", "SendingError"},
    StatusNames{MessageStatus::kError, "error", "Error"},
};

constexpr std::array<std::pair<PartState, std::string_view>, 8> kPartStates = {{
    {PartState::kQueued, "queued"},
    {PartState::kSubmitting, "submitting"},
    {PartState::kSubmitted, "submitted"},
    {PartState::kFailed, "failed"},
    {PartState::kDeliveryPending, "delivery_pending"},
    {PartState::kDelivered, "delivered"},
    {PartState::kDeliveryFailed, "delivery_failed"},
    {PartState::kDeliveryUnknown, "delivery_unknown"},
}};

const StatusNames& NamesOf(MessageStatus status) {
  return *std::find_if(kStatusNames.begin(), kStatusNames.end(),
                       [status](const StatusNames& n) { return n.status == status; });
}

bool Any(std::span<const MessageStatus> parts, MessageStatus s) {
  return std::find(parts.begin(), parts.end(), s) != parts.end();
}

}  // namespace

std::string_view FolderStatusName(MessageStatus status) { return NamesOf(status).folder_name; }
std::string_view GammuStatusName(MessageStatus status) { return NamesOf(status).gammu_name; }

Result<MessageStatus> ParseFolderStatusName(std::string_view name) {
  for (const auto& n : kStatusNames) {
    if (n.folder_name == name) return n.status;
  }
  return Error(ErrorCode::kCorrupted, "unknown message status '" + std::string(name) + "'");
}

std::string_view FolderName(Folder folder) {
  switch (folder) {
    case Folder::kOutbox: return "outbox";
    case Folder::kSent: return "sent";
    case Folder::kError: return "error";
    case Folder::kDelivered: return "delivered";
  }
  return "";
}

Folder FolderOf(MessageStatus status) {
  if (status == MessageStatus::kReserved) return Folder::kOutbox;
  if (status == MessageStatus::kSendingError || status == MessageStatus::kError) return Folder::kError;
  return Folder::kSent;
}

bool InFolder(MessageStatus status, Folder folder) {
  if (folder == Folder::kDelivered) return status == MessageStatus::kDeliveryOk;
  return FolderOf(status) == folder;
}

std::string_view PartStateName(PartState state) {
  for (const auto& [s, name] : kPartStates) {
    if (s == state) return name;
  }
  return "";
}

Result<PartState> ParsePartStateName(std::string_view name) {
  for (const auto& [s, n] : kPartStates) {
    if (n == name) return s;
  }
  return Error(ErrorCode::kCorrupted, "unknown part state '" + std::string(name) + "'");
}

MessageStatus PartStatus(PartState state, bool report_requested) {
  switch (state) {
    case PartState::kQueued:
    case PartState::kSubmitting: return MessageStatus::kReserved;
    case PartState::kFailed: return MessageStatus::kSendingError;
    case PartState::kDeliveryPending: return MessageStatus::kDeliveryPending;
    case PartState::kDelivered: return MessageStatus::kDeliveryOk;
    case PartState::kDeliveryFailed: return MessageStatus::kDeliveryFailed;
    case PartState::kDeliveryUnknown: return MessageStatus::kDeliveryUnknown;
    case PartState::kSubmitted: break;
  }
  return report_requested ? MessageStatus::kSendingOk : MessageStatus::kSendingOkNoReport;
}

MessageStatus AggregateStatus(std::span<const MessageStatus> parts) {
  for (MessageStatus s : {MessageStatus::kSendingError, MessageStatus::kError}) {
    if (Any(parts, s)) return s;
  }
  if (std::all_of(parts.begin(), parts.end(),
                  [](MessageStatus s) { return s == MessageStatus::kDeliveryOk; })) {
    return MessageStatus::kDeliveryOk;
  }
  for (MessageStatus s : {MessageStatus::kDeliveryFailed, MessageStatus::kDeliveryPending,
                          MessageStatus::kDeliveryUnknown, MessageStatus::kReserved}) {
    if (Any(parts, s)) return s;
  }
  // A part already delivered while another only has SendingOK still counts as "sent, report awaited".
  if (Any(parts, MessageStatus::kSendingOk) || Any(parts, MessageStatus::kDeliveryOk)) {
    return MessageStatus::kSendingOk;
  }
  return MessageStatus::kSendingOkNoReport;
}

// The enum and its TP-VP mapping live in smsgw/sms/validity; this keeps the queue's stored form.
Result<Validity> ParseValidity(std::string_view name) {
  auto parsed = sms::ParseValidity(name);
  if (!parsed.ok()) {
    return Error(ErrorCode::kInvalidArgument, "unknown validity '" + std::string(name) + "'");
  }
  return Validity{std::string(sms::ValidityName(*parsed)), sms::ValidityToTpVp(*parsed)};
}

std::optional<std::chrono::minutes> ValidityDuration(const Validity& validity) {
  if (validity.vp >= 255) return std::nullopt;
  return sms::TpVpToDuration(static_cast<std::uint8_t>(validity.vp));
}

}  // namespace osprey::smsgw::queue
