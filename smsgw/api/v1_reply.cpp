// The APIv1 replies (smseagle-api.md §11): read_sms rows with the Gammu column names and the four renderings
// of a reply (text, xml, JSON-RPC simple and extended). Declared in v1_common.hpp.
#include <ctime>

#include "smsgw/api/v1_common.hpp"
#include "smsgw/sms/ucs2.hpp"
#include "smsgw/sms/validity.hpp"

namespace osprey::smsgw::api {
namespace {
std::string LocalTime(std::optional<Clock::TimePoint> t) {
  if (!t) return "";
  const std::time_t secs = std::chrono::system_clock::to_time_t(*t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string TextEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string SentLine(const std::optional<std::int64_t>& id) {
  return id ? "OK; ID=[" + std::to_string(*id) + "]" : std::string(kV1WrongParameters);
}

std::string Tag(const std::string& name, const std::string& value) {
  return "<" + name + ">" + XmlEscape(value) + "</" + name + ">";
}

std::string XmlSentItem(const std::optional<std::int64_t>& id) {
  if (!id) return Tag("error_text", kV1WrongParameters) + Tag("status", "error");
  return Tag("message_id", std::to_string(*id)) + Tag("status", "ok");
}

nlohmann::json JsonSentItem(const std::optional<std::int64_t>& id) {
  if (!id) return {{"error_text", kV1WrongParameters}, {"status", "error"}};
  return {{"message_id", std::to_string(*id)}, {"status", "ok"}};
}

nlohmann::json JsonRow(const V1Row& row) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : row) out[k] = v;
  return out;
}

}  // namespace

V1Row GammuRow(const queue::MessageRecord& m, int id_folder) {
  auto validity = sms::ParseValidity(m.validity);
  const int vp = validity.ok() ? sms::ValidityToTpVp(*validity) : 255;
  auto hex = sms::Utf16BeHex(m.text);
  const std::string error = m.error_code ? std::to_string(*m.error_code) : "-1";
  return {
      {"ID", std::to_string(m.id)},
      {"UpdatedInDB", LocalTime(m.update_date)},
      {"InsertIntoDB", LocalTime(m.insert_date)},
      {"SendingDateTime", LocalTime(m.sending_date)},
      {"DeliveryDateTime", LocalTime(m.delivery_date)},
      {"Text", hex.ok() ? *hex : ""},
      {"DestinationNumber", m.number},
      {"Coding", m.coding == "unicode" ? "Unicode_No_Compression" : "Default_No_Compression"},
      {"UDH", ""},
      {"SMSCNumber", ""},
      {"Class", m.flash ? "0" : "-1"},
      {"TextDecoded", m.text},
      {"SenderID", m.modem_no ? std::to_string(*m.modem_no) : ""},
      {"SequencePosition", "1"},
      {"Status", std::string(queue::GammuStatusName(m.status))},
      {"StatusError", error},
      {"TPMR", "-1"},
      {"RelativeValidity", std::to_string(vp)},
      {"CreatorID", std::to_string(m.owner_id)},
      {"StatusCode", error},
      {"id_folder", std::to_string(id_folder)},
      {"oid", m.oid.value_or("")},
  };
}

V1Row GammuInboxRow(const inbox::InboxMessage& m) {
  auto hex = sms::Utf16BeHex(m.text);
  return {
      {"ID", std::to_string(m.id)},
      {"UpdatedInDB", LocalTime(m.update_date)},
      {"ReceivingDateTime", LocalTime(m.receive_date)},
      {"Text", hex.ok() ? *hex : ""},
      {"SenderNumber", m.number},
      {"Coding", m.coding == "unicode" ? "Unicode_No_Compression" : "Default_No_Compression"},
      {"UDH", ""},
      {"SMSCNumber", ""},
      {"Class", "-1"},
      {"TextDecoded", m.text},
      {"RecipientID", std::to_string(m.modem_no)},
      {"Processed", m.processed ? "true" : "false"},
      {"id_folder", "1"},
      {"readed", m.read ? "true" : "false"},
      {"oid", m.oid.value_or("")},
  };
}

V1Reply V1Reply::Error(std::string text) {
  V1Reply r;
  r.kind = Kind::kError;
  r.text = std::move(text);
  return r;
}

V1Reply V1Reply::Sent(std::vector<std::optional<std::int64_t>> ids) {
  V1Reply r;
  r.kind = Kind::kSent;
  r.ids = std::move(ids);
  return r;
}

V1Reply V1Reply::Count(std::string tag, std::int64_t count) {
  V1Reply r;
  r.kind = Kind::kCount;
  r.text = std::move(tag);
  r.count = count;
  return r;
}

V1Reply V1Reply::Rows(std::vector<V1Row> rows) {
  if (rows.empty()) return Error(kV1NoData);
  V1Reply r;
  r.kind = Kind::kRows;
  r.rows = std::move(rows);
  return r;
}

V1Reply V1Reply::Done() { return V1Reply{}; }

V1Reply V1SendReply(const send::SendOutcome& outcome) {
  if (outcome.rejected.count("modem_no")) return V1Reply::Error(kV1WrongModem);
  if (!outcome.rejected.empty() || outcome.recipients.empty()) return V1Reply::Error(kV1WrongParameters);
  std::vector<std::optional<std::int64_t>> ids;
  for (const send::RecipientResult& r : outcome.recipients) ids.push_back(r.id);
  return V1Reply::Sent(std::move(ids));
}

std::string RenderV1Text(const V1Reply& reply) {
  std::string out;
  switch (reply.kind) {
    case V1Reply::Kind::kError: return reply.text;
    case V1Reply::Kind::kCount: return std::to_string(reply.count);
    case V1Reply::Kind::kDone: return "OK";
    case V1Reply::Kind::kSent:
      for (const auto& id : reply.ids) out += (out.empty() ? "" : "\n") + SentLine(id);
      return out;
    case V1Reply::Kind::kRows:
      for (const V1Row& row : reply.rows) {
        if (!out.empty()) out += "\n";
        for (std::size_t i = 0; i < row.size(); ++i) {
          out += (i ? ";" : "") + row[i].first + "=" + TextEscape(row[i].second);
        }
      }
      return out;
  }
  return out;
}

std::string RenderV1Xml(const V1Reply& reply) {
  std::string out;
  switch (reply.kind) {
    case V1Reply::Kind::kError:
      return "<xml>" + Tag("error_text", reply.text) + Tag("status", "error") + "</xml>";
    case V1Reply::Kind::kCount:
      return "<xml>" + Tag(reply.text, std::to_string(reply.count)) + Tag("status", "ok") + "</xml>";
    case V1Reply::Kind::kDone: return "<xml>" + Tag("status", "ok") + "</xml>";
    case V1Reply::Kind::kSent:
      if (reply.ids.size() == 1) return "<xml>" + XmlSentItem(reply.ids[0]) + "</xml>";
      for (const auto& id : reply.ids) out += "<item>" + XmlSentItem(id) + "</item>";
      return "<xml>" + out + "</xml>";
    case V1Reply::Kind::kRows:
      for (const V1Row& row : reply.rows) {
        out += "<item>";
        for (const auto& [k, v] : row) out += Tag(k, v);
        out += "</item>";
      }
      return "<xml><messages>" + out + "</messages>" + Tag("status", "ok") + "</xml>";
  }
  return out;
}

nlohmann::json RenderV1Json(const V1Reply& reply, bool extended) {
  nlohmann::json result;
  switch (reply.kind) {
    case V1Reply::Kind::kError:
      result = extended ? nlohmann::json{{"error_text", reply.text}, {"status", "error"}}
                        : nlohmann::json(reply.text);
      break;
    case V1Reply::Kind::kCount:
      result = extended ? nlohmann::json{{reply.text, std::to_string(reply.count)}, {"status", "ok"}}
                        : nlohmann::json(reply.count);
      break;
    case V1Reply::Kind::kDone:
      result = extended ? nlohmann::json{{"status", "ok"}} : nlohmann::json("OK");
      break;
    case V1Reply::Kind::kSent:
      if (!extended) {
        result = RenderV1Text(reply);
      } else if (reply.ids.size() == 1) {
        result = JsonSentItem(reply.ids[0]);
      } else {
        result = nlohmann::json::array();
        for (const auto& id : reply.ids) result.push_back(JsonSentItem(id));
      }
      break;
    case V1Reply::Kind::kRows: {
      nlohmann::json rows = nlohmann::json::array();
      for (const V1Row& row : reply.rows) rows.push_back(JsonRow(row));
      result = extended ? nlohmann::json{{"messages", rows}, {"status", "ok"}} : rows;
      break;
    }
  }
  return {{"result", result}};
}

}  // namespace osprey::smsgw::api
