// Message commands of the emulator: PDU-mode submit with reassembly, SM storage, incoming SMS injection and
// status reports (modems-and-sms.md §3 items 4-6, 8, 9).
#include <chrono>

#include "smsgw/emulator/at_modem.hpp"
#include "smsgw/emulator/at_parse.hpp"
#include "smsgw/sms/validity.hpp"

namespace osprey::smsgw::emulator {
namespace {

// Octets after the SMSC field of a stored PDU (what +CMGL/+CMGR/+CDS announce). The PDUs are ours, so the
// hex is well formed.
std::size_t TpduLength(const std::string& pdu_hex) {
  Result<std::vector<std::uint8_t>> bytes = sms::ParsePduHex(pdu_hex);
  if (!bytes.ok() || bytes->empty()) return 0;
  std::size_t smsc_octets = 1 + (*bytes)[0];
  return bytes->size() > smsc_octets ? bytes->size() - smsc_octets : 0;
}

sms::Timestamp ToTimestamp(Clock::TimePoint time) {
  return sms::Timestamp{std::chrono::floor<std::chrono::seconds>(time), 0};
}

std::string Unsolicited(const std::string& text) { return "\r\n" + text + "\r\n"; }

}  // namespace

std::optional<AtModem::Reply> AtModem::SmsCommand(std::string_view command, std::string_view args) {
  if (command == "+CMGF") {
    if (args == "?") return Reply{{"+CMGF: " + std::to_string(cmgf_)}, "OK"};
    if (args == "=?") return Reply{{"+CMGF: (0,1)"}, "OK"};
    std::optional<std::vector<int>> v = ParseIntArgs(args);
    if (!v || v->size() != 1 || (*v)[0] < 0 || (*v)[0] > 1) return CmsError(302);
    cmgf_ = (*v)[0];
    return Reply{};
  }
  if (command == "+CNMI") {
    if (args == "=?") return Reply{{"+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)"}, "OK"};
    if (args == "?") {
      std::string line = "+CNMI: ";
      for (int i = 0; i < 5; ++i) line += (i > 0 ? "," : "") + std::to_string(cnmi_[i]);
      return Reply{{line}, "OK"};
    }
    std::optional<std::vector<int>> v = ParseIntArgs(args);
    if (!v || v->size() > 5) return CmsError(302);
    for (std::size_t i = 0; i < 5; ++i) cnmi_[i] = i < v->size() ? (*v)[i] : 0;
    return Reply{};
  }
  if (command != "+CPMS" && command != "+CMGL" && command != "+CMGR" && command != "+CMGD" &&
      command != "+CMGS") {
    return std::nullopt;
  }
  if (command == "+CPMS" && args == "=?") return Reply{{"+CPMS: (\"SM\"),(\"SM\"),(\"SM\")"}, "OK"};
  if (std::optional<Reply> err = SimError(true)) return err;
  if (command == "+CPMS") return StorageSelect(args);
  if (command == "+CMGL") return ListMessages(args);
  if (command == "+CMGR") return ReadMessage(args);
  if (command == "+CMGD") return DeleteMessage(args);
  return StartSubmit(args);
}

AtModem::Reply AtModem::StartSubmit(std::string_view args) {
  if (cmgf_ != 0) return CmsError(302);
  std::optional<std::vector<int>> v = ParseIntArgs(args);
  if (!v || v->size() > 2 || (*v)[0] < 1 || (*v)[0] > 200) return CmsError(304);
  cmgs_length_ = static_cast<std::size_t>((*v)[0]);
  pdu_hex_.clear();
  in_pdu_ = true;
  out_ += "\r\n> ";
  return Reply{{}, ""};
}

AtModem::Reply AtModem::FinishSubmit() {
  std::string hex = std::move(pdu_hex_);
  pdu_hex_.clear();
  Result<sms::Submit> submit = sms::DecodeSubmit(hex);
  if (!submit.ok()) return CmsError(304);
  SubmitRecord record;
  record.smsc = submit->smsc.value;
  record.destination = submit->destination.value;
  record.status_report_request = submit->status_report_request;
  record.udhi = submit->udhi;
  record.vp_format = submit->vp_format;
  record.relative_vp = submit->relative_vp;
  record.dcs = submit->dcs;
  record.alphabet = submit->coding.alphabet;
  record.message_class = submit->coding.message_class;
  record.concat = submit->concat;
  record.text = submit->text;
  record.cmgs_length = cmgs_length_;
  record.tpdu_length = submit->tpdu_length;
  record.length_matches = cmgs_length_ == submit->tpdu_length;
  record.time = clock_.Now();
  record.cms_error = SubmitFault();
  if (record.cms_error == 0) {
    mr_ = (mr_ + 1) % 256;
    record.message_reference = mr_;
    if (swallow_count_ > 0) {
      --swallow_count_;
      record.reply_swallowed = true;
      swallow_current_ = true;
    }
  }
  if (on_submit_) on_submit_(record);
  if (record.cms_error != 0) return CmsError(record.cms_error);
  Reassemble(*submit);
  if (submit->status_report_request) ScheduleReport(*submit, mr_);
  return Reply{{"+CMGS: " + std::to_string(mr_)}, "OK"};
}

int AtModem::SubmitFault() {
  if (RegistrationStat() != 1 && RegistrationStat() != 5) return 331;
  if (fail_count_ > 0) {
    --fail_count_;
    return fail_code_;
  }
  if (fail_every_ > 0 && ++fail_every_seen_ % fail_every_ == 0) return fail_every_code_;
  return 0;
}

void AtModem::Reassemble(const sms::Submit& submit) {
  PhoneMessage message;
  message.number = submit.destination.value;
  message.message_class = submit.coding.message_class;
  if (submit.relative_vp) message.validity = sms::TpVpToDuration(*submit.relative_vp);
  message.time = clock_.Now();
  if (!submit.concat || submit.concat->total <= 1) {
    message.text = submit.text;
    if (on_message_) on_message_(message);
    return;
  }
  const sms::Concat& concat = *submit.concat;
  Reassembly& entry = reassembly_[{submit.destination.value, concat.reference}];
  if (entry.texts.size() != concat.total) entry.texts.assign(concat.total, std::nullopt);
  entry.texts[concat.sequence - 1] = submit.text;
  if (concat.sequence == 1) {
    entry.message_class = submit.coding.message_class;
    entry.validity = message.validity;
  }
  for (const std::optional<std::string>& part : entry.texts) {
    if (!part) return;
  }
  message.text.clear();
  for (const std::optional<std::string>& part : entry.texts) message.text += *part;
  message.parts = entry.texts.size();
  message.message_class = entry.message_class;
  message.validity = entry.validity;
  reassembly_.erase({submit.destination.value, concat.reference});
  if (on_message_) on_message_(message);
}

void AtModem::ScheduleReport(const sms::Submit& submit, int mr) {
  Clock::TimePoint now = clock_.Now();
  PendingReport pending;
  pending.due = now + config_.report_delay;
  Result<sms::Address> smsc = sms::MakeAddress(config_.identity.smsc);
  if (smsc.ok()) pending.report.smsc = *smsc;
  pending.report.message_reference = static_cast<std::uint8_t>(mr);
  pending.report.recipient = submit.destination;
  pending.report.service_centre_time = ToTimestamp(now);
  pending.report.discharge_time = ToTimestamp(pending.due);
  pending.report.status = config_.report_status;
  reports_.push_back(pending);
}

std::string AtModem::EmitDueReports() {
  std::string out;
  Clock::TimePoint now = clock_.Now();
  std::vector<PendingReport> later;
  for (const PendingReport& pending : reports_) {
    if (pending.due > now) {
      later.push_back(pending);
      continue;
    }
    Result<std::string> hex = sms::EncodeStatusReport(pending.report);
    if (!hex.ok()) continue;  // the recipient decoded once, so this does not happen
    if (cnmi_[3] == 1) {
      out += Unsolicited("+CDS: " + std::to_string(TpduLength(*hex))) + *hex + "\r\n";
    } else if (cnmi_[3] == 2) {
      if (std::optional<int> index = StoreSlot(*hex, 0))
        out += Unsolicited("+CDSI: \"SM\"," + std::to_string(*index));
    }
  }
  reports_ = std::move(later);
  return out;
}

std::string AtModem::FlushUnsolicited() {
  if (in_pdu_ || held_reply_) return {};  // the host is typing a PDU or waits for the submit answer
  std::string out = std::move(unsolicited_);
  unsolicited_.clear();
  return out + EmitDueReports();
}

AtModem::Reply AtModem::StorageSelect(std::string_view args) {
  if (args == "?") {
    std::string used = std::to_string(slots_.size() - FreeSlots());
    std::string total = std::to_string(slots_.size());
    std::string one = "\"SM\"," + used + "," + total;
    return Reply{{"+CPMS: " + one + "," + one + "," + one}, "OK"};
  }
  std::vector<std::string> fields = SplitArgs(ArgText(args));
  if (fields.empty() || fields.size() > 3) return CmsError(302);
  for (const std::string& field : fields) {
    if (ToUpper(Unquote(field)) != "SM") return CmsError(302);
  }
  return Reply{{"+CPMS: " + StorageCounts()}, "OK"};
}

std::string AtModem::StorageCounts() const {
  std::string one = std::to_string(slots_.size() - FreeSlots()) + "," + std::to_string(slots_.size());
  return one + "," + one + "," + one;
}

AtModem::Reply AtModem::ListMessages(std::string_view args) {
  std::optional<std::vector<int>> v = ParseIntArgs(args);
  if (!v || v->size() != 1 || (*v)[0] < 0 || (*v)[0] > 4) return CmsError(302);
  int stat = (*v)[0];
  Reply reply;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    std::optional<Slot>& slot = slots_[i];
    if (!slot || (stat != 4 && slot->stat != stat)) continue;
    reply.lines.push_back("+CMGL: " + std::to_string(i + 1) + "," + std::to_string(slot->stat) + ",," +
                          std::to_string(slot->tpdu_length));
    reply.lines.push_back(slot->pdu);
    if (slot->stat == 0) slot->stat = 1;
  }
  return reply;
}

AtModem::Reply AtModem::ReadMessage(std::string_view args) {
  std::optional<std::vector<int>> v = ParseIntArgs(args);
  if (!v || v->size() != 1) return CmsError(321);
  int index = (*v)[0];
  if (index < 1 || static_cast<std::size_t>(index) > slots_.size() || !slots_[index - 1])
    return CmsError(321);
  Slot& slot = *slots_[index - 1];
  Reply reply{{"+CMGR: " + std::to_string(slot.stat) + ",," + std::to_string(slot.tpdu_length), slot.pdu},
              "OK"};
  if (slot.stat == 0) slot.stat = 1;
  return reply;
}

AtModem::Reply AtModem::DeleteMessage(std::string_view args) {
  std::optional<std::vector<int>> v = ParseIntArgs(args);
  if (!v || v->empty() || v->size() > 2) return CmsError(321);
  int flag = v->size() == 2 ? (*v)[1] : 0;
  if (flag < 0 || flag > 4) return CmsError(302);
  if (flag == 4) {
    for (std::optional<Slot>& slot : slots_) slot.reset();
    return Reply{};
  }
  if (flag >= 1) {  // 1..3 delete read (and sent/unsent, which this SIM never holds) messages
    for (std::optional<Slot>& slot : slots_) {
      if (slot && slot->stat == 1) slot.reset();
    }
    return Reply{};
  }
  int index = (*v)[0];
  if (index < 1 || static_cast<std::size_t>(index) > slots_.size() || !slots_[index - 1])
    return CmsError(321);
  slots_[index - 1].reset();
  return Reply{};
}

std::optional<int> AtModem::StoreSlot(const std::string& pdu, int stat) {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i]) continue;
    slots_[i] = Slot{stat, pdu, TpduLength(pdu)};
    return static_cast<int>(i + 1);
  }
  return std::nullopt;
}

std::size_t AtModem::FreeSlots() const {
  std::size_t free = 0;
  for (const std::optional<Slot>& slot : slots_) free += slot ? 0 : 1;
  return free;
}

std::size_t AtModem::StoredCount() const { return slots_.size() - FreeSlots(); }

Result<std::vector<int>> AtModem::Inject(std::string_view sender, std::string_view utf8_text,
                                         std::optional<sms::Timestamp> time,
                                         sms::RequestedEncoding encoding) {
  Result<sms::Address> from = sms::MakeAddress(sender);
  if (!from.ok()) return from.error();
  sms::DeliverRequest request;
  Result<sms::Address> smsc = sms::MakeAddress(config_.identity.smsc);
  if (smsc.ok()) request.smsc = *smsc;
  request.sender = *from;
  request.scts = time ? *time : ToTimestamp(clock_.Now());
  request.text = std::string(utf8_text);
  request.encoding = encoding;
  Result<std::vector<std::string>> parts = sms::EncodeDeliverParts(request, next_concat_ref_);
  if (!parts.ok()) return parts.error();
  if (parts->size() > FreeSlots()) return Error(ErrorCode::kUnavailable, "SIM storage full");
  ++next_concat_ref_;  // a new reference per message, so consecutive long messages never collide
  std::vector<int> indexes;
  for (const std::string& pdu : *parts) {
    int index = *StoreSlot(pdu, 0);
    indexes.push_back(index);
    if (cnmi_[1] >= 1 && cnmi_[1] <= 3) unsolicited_ += Unsolicited("+CMTI: \"SM\"," + std::to_string(index));
  }
  return indexes;
}

}  // namespace osprey::smsgw::emulator
