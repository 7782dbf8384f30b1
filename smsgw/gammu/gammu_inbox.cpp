// GammuModem::Poll and Delete: the modem's SMS storage (modems-and-sms.md §1 items 18-19).
#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>

#include "smsgw/gammu/gammu_internal.hpp"

namespace osprey::smsgw::gammu {
namespace {

// Bounds for calls a silent modem would stretch to minutes (AbortGuard) [D].
constexpr std::chrono::seconds kPollLimit{60};
constexpr std::chrono::seconds kDeleteLimit{15};

std::string KeyOf(const GSM_SMSMessage& sms) {
  return std::to_string(sms.Folder) + ":" + std::to_string(sms.Location);
}

std::string CodingName(GSM_Coding_Type coding) {
  switch (coding) {
    case SMS_Coding_Default_No_Compression:
    case SMS_Coding_Default_Compression: return "standard";
    case SMS_Coding_Unicode_No_Compression:
    case SMS_Coding_Unicode_Compression: return "unicode";
    default: return "8bit";
  }
}

// 8-bit data is not text: it travels as upper-case hex [D].
std::string HexOf(const unsigned char* data, int length) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (int i = 0; i < length; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0F]);
  }
  return out;
}

std::optional<modem::IncomingConcat> ConcatOf(const GSM_UDHHeader& udh) {
  if (udh.Type == UDH_ConcatenatedMessages)
    return modem::IncomingConcat{udh.ID8bit, udh.AllParts, udh.PartNumber};
  if (udh.Type == UDH_ConcatenatedMessages16bit) {
    return modem::IncomingConcat{udh.ID16bit, udh.AllParts, udh.PartNumber};
  }
  return std::nullopt;
}

worker::Incoming ToIncoming(const GSM_SMSMessage& sms, int modem_no, Clock::TimePoint now) {
  worker::Incoming in;
  in.key = KeyOf(sms);
  in.sms.modem_no = modem_no;
  in.sms.sender = GammuToUtf8(sms.Number);
  in.sms.coding = CodingName(sms.Coding);
  in.sms.text = in.sms.coding == "8bit" ? HexOf(sms.Text, sms.Length) : GammuToUtf8(sms.Text);
  // libgammu puts the SCTS of a PDU-mode SMS-DELIVER in SMSCTime (DateTime in older layouts).
  in.sms.received_at = GammuTime(sms.SMSCTime, GammuTime(sms.DateTime, now));
  in.sms.concat = ConcatOf(sms.UDH);
  return in;
}

worker::Report ToReport(const GSM_SMSMessage& sms, int modem_no, Clock::TimePoint now) {
  worker::Report report;
  report.key = KeyOf(sms);
  report.report.modem_no = modem_no;
  report.report.message_reference = sms.MessageReference;
  report.report.recipient = GammuToUtf8(sms.Number);
  report.report.tp_status = sms.DeliveryStatus;
  // DateTime is the discharge time of a status report; SMSCTime the submit's SCTS.
  report.report.reported_at = GammuTime(sms.DateTime, GammuTime(sms.SMSCTime, now));
  return report;
}

}  // namespace

Result<StorageContents> GammuModem::Poll() {
  if (!connected_) return Error(ErrorCode::kUnavailable, "modem not connected: " + last_error_);
  // ~266 KB: never on the stack (§1 item 15).
  auto multi = std::make_unique<GSM_MultiSMSMessage>();
  StorageContents out;
  const Clock::TimePoint now = std::chrono::system_clock::now();
  bool start = true;
  AbortGuard guard(impl_->sm, kPollLimit);
  // The bound only protects against a modem that never says ERR_EMPTY.
  for (int round = 0; round < 1024; ++round) {
    multi->Number = 0;
    multi->SMS[0].Folder = 0;  // as Gammu SMSD: Location continues the walk, the folder is derived
    const GSM_Error error = GSM_GetNextSMS(impl_->sm, multi.get(), start ? TRUE : FALSE);
    if (error == ERR_EMPTY) break;
    if (error != ERR_NONE) {
      Fail("GSM_GetNextSMS", error);
      if (IsDeviceError(error) || error == ERR_TIMEOUT || guard.fired()) Disconnect();
      return Error(ErrorCode::kUnavailable, last_error_);
    }
    start = false;
    for (int i = 0; i < multi->Number; ++i) {
      const GSM_SMSMessage& sms = multi->SMS[i];
      if (sms.PDU == SMS_Status_Report) {
        out.reports.push_back(ToReport(sms, modem_no_, now));
      } else if (sms.PDU == SMS_Deliver) {
        out.incoming.push_back(ToIncoming(sms, modem_no_, now));
      } else {
        spdlog::debug("modem {}: ignoring stored SMS-SUBMIT at {}", modem_no_, KeyOf(sms));
      }
    }
  }
  return out;
}

Status GammuModem::Delete(const std::string& key) {
  const auto colon = key.find(':');
  int folder = 0;
  int location = 0;
  const char* begin = key.data();
  const char* end = key.data() + key.size();
  if (colon == std::string::npos || std::from_chars(begin, begin + colon, folder).ptr != begin + colon ||
      std::from_chars(begin + colon + 1, end, location).ptr != end || location <= 0) {
    return Error(ErrorCode::kInvalidArgument, "malformed storage key: " + key);
  }
  if (!connected_) return Error(ErrorCode::kUnavailable, "modem not connected: " + last_error_);
  auto sms = std::make_unique<GSM_SMSMessage>();
  // Location already encodes the folder in libgammu's AT driver; Folder 0 = "derive it" (as Gammu SMSD).
  sms->Folder = 0;
  sms->Location = location;
  AbortGuard guard(impl_->sm, kDeleteLimit);
  const GSM_Error error = GSM_DeleteSMS(impl_->sm, sms.get());
  if (error != ERR_NONE) {
    Fail("GSM_DeleteSMS " + key, error);
    if (IsDeviceError(error) || error == ERR_TIMEOUT || guard.fired()) Disconnect();
    return Error(ErrorCode::kUnavailable, last_error_);
  }
  return OkStatus();
}

}  // namespace osprey::smsgw::gammu
