// GammuModem::Send: one part of an already split message (modems-and-sms.md §1 items 7-15, §4).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "smsgw/gammu/gammu_internal.hpp"
#include "smsgw/modem/sms_status.hpp"
#include "smsgw/sms/text.hpp"
#include "smsgw/sms/utf8.hpp"

namespace osprey::smsgw::gammu {
namespace {

using modem::SubmitErrorClass;
using modem::SubmitFailure;
using modem::SubmitOutcome;

SubmitFailure Failure(SubmitErrorClass error_class, std::string message,
                      std::optional<int> cms = std::nullopt) {
  return SubmitFailure{error_class, cms, std::move(message)};
}

// True when the part must go out as UCS-2: requested, or a character has no GSM-7 form (never lossy).
bool NeedsUcs2(const modem::OutgoingPart& part) {
  return part.coding == "unicode" || !sms::Gsm7Length(part.text).ok();
}

// Rejects what cannot be one part: the caller split the message, so an oversized part is a bug upstream.
std::optional<std::string> CheckPart(const modem::OutgoingPart& part, bool ucs2) {
  if (!sms::DecodeUtf8(part.text).ok()) return "text is not valid UTF-8";
  if (part.number.empty() || part.number.size() > 20 ||
      part.number.find_first_not_of("+0123456789") != std::string::npos) {
    return "invalid destination number";
  }
  if (part.total_parts < 1 || part.total_parts > 255 || part.part_no < 1 || part.part_no > part.total_parts) {
    return "invalid part numbering";
  }
  const bool concat = part.total_parts > 1;
  const auto units = ucs2 ? sms::Utf16Length(part.text) : sms::Gsm7Length(part.text);
  const std::size_t limit = ucs2 ? (concat ? 67 : 70) : (concat ? 153 : 160);
  if (!units.ok() || *units > limit) return "text too long for one SMS part";
  return std::nullopt;
}

// Fills `sms` with one SMS-SUBMIT part: number, text, coding, class, validity, SRR, SMSC and UDH.
Status BuildMessage(const modem::OutgoingPart& part, bool ucs2, const GSM_SMSC& smsc, GSM_Debug_Info* debug,
                    GSM_SMSMessage& sms) {
  GSM_SetDefaultSMSData(&sms);
  sms.PDU = part.request_report ? SMS_Status_Report : SMS_Submit;  // sets TP-SRR (§1 item 13)
  EncodeUnicode(sms.Number, part.number.c_str(), part.number.size());
  if (Status text = Utf8ToGammu(part.text, sms.Text, sizeof(sms.Text)); !text.ok()) return text;
  sms.Coding = ucs2 ? SMS_Coding_Unicode_No_Compression : SMS_Coding_Default_No_Compression;
  sms.Length = static_cast<int>(UnicodeLength(sms.Text));
  sms.Class = part.flash ? 0 : -1;
  sms.SMSC = smsc;
  sms.SMSC.Location = 0;
  sms.SMSC.Validity.Format = SMS_Validity_RelativeFormat;
  sms.SMSC.Validity.Relative = static_cast<GSM_ValidityPeriod>(std::clamp(part.validity_vp, 0, 255));
  if (part.total_parts > 1) {
    // Osprey's own reference, never libgammu's clock-derived one (§1 item 12).
    sms.UDH.Type = UDH_ConcatenatedMessages;
    sms.UDH.ID8bit = part.concat_ref & 0xFF;
    sms.UDH.ID16bit = -1;
    sms.UDH.AllParts = part.total_parts;
    sms.UDH.PartNumber = part.part_no;
    GSM_EncodeUDHHeader(debug, &sms.UDH);
  } else {
    sms.UDH.Type = UDH_NoUDH;
  }
  return OkStatus();
}

}  // namespace

modem::SubmitResult GammuModem::Send(const modem::OutgoingPart& part) {
  if (!connected_) return Failure(SubmitErrorClass::kTransient, "modem not connected: " + last_error_);
  const bool ucs2 = NeedsUcs2(part);
  if (auto problem = CheckPart(part, ucs2)) return Failure(SubmitErrorClass::kPermanent, *problem);

  auto sms = std::make_unique<GSM_SMSMessage>();  // ~5 KB: never on the stack (§1 item 15)
  if (Status built = BuildMessage(part, ucs2, impl_->smsc, GSM_GetDebug(impl_->sm), *sms); !built.ok()) {
    return Failure(SubmitErrorClass::kPermanent, built.error().message());
  }

  send_status_seen_ = false;
  send_status_ = 0;
  send_mr_ = -1;
  const auto deadline = std::chrono::steady_clock::now() + submit_timeout_;
  AbortGuard guard(impl_->sm, submit_timeout_);
  const GSM_Error error = GSM_SendSMS(impl_->sm, sms.get());
  if (error != ERR_NONE && !send_status_seen_) {
    Fail("GSM_SendSMS", error);
    const std::string message = last_error_;
    // Whatever went wrong mid-command, a fresh init (ESC first) is the way back to a known state [D].
    Disconnect();
    // A timeout may hide an accepted submit; other errors come before the PDU went out whole.
    const bool ambiguous = error == ERR_TIMEOUT || error == ERR_ABORTED || guard.fired();
    return Failure(ambiguous ? SubmitErrorClass::kUnknown : SubmitErrorClass::kTransient, message);
  }

  // Sending is asynchronous: pump until the send-status callback fires (§1 item 8).
  while (!send_status_seen_ && std::chrono::steady_clock::now() < deadline && !guard.fired()) {
    if (GSM_ReadDevice(impl_->sm, TRUE) < 0 || !GSM_IsConnected(impl_->sm)) break;
  }
  if (!send_status_seen_) {
    last_error_ = "no answer to a submit within " + std::to_string(submit_timeout_.count()) + " ms";
    spdlog::warn("modem {}: {}; outcome unknown, re-initialising", modem_no_, last_error_);
    // A modem that swallowed a submit may be stuck in PDU entry: a fresh init sends ESC first [D].
    Disconnect();
    return Failure(SubmitErrorClass::kUnknown, last_error_);
  }
  if (send_status_ == 0) {
    if (send_mr_ < 0) spdlog::warn("modem {}: submit accepted without a message reference", modem_no_);
    return SubmitOutcome{std::clamp(send_mr_, 0, 255), part.request_report};
  }
  if (send_status_ < 0) return Failure(SubmitErrorClass::kTransient, "modem answered ERROR to the submit");
  const std::string message = "+CMS ERROR: " + std::to_string(send_status_);
  spdlog::info("modem {}: submit refused: {}", modem_no_, message);
  return Failure(modem::ClassifyCmsError(send_status_), message, send_status_);
}

}  // namespace osprey::smsgw::gammu
