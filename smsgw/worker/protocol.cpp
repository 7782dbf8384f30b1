#include "smsgw/worker/protocol.hpp"

#include <nlohmann/json.hpp>

#include "osprey/core/clock.hpp"

namespace osprey::smsgw::worker {
namespace {

using nlohmann::json;

std::string_view ClassName(modem::SubmitErrorClass c) {
  switch (c) {
    case modem::SubmitErrorClass::kTransient: return "transient";
    case modem::SubmitErrorClass::kPermanent: return "permanent";
    case modem::SubmitErrorClass::kUnknown: return "unknown";
  }
  return "transient";
}

modem::SubmitErrorClass ClassFromName(std::string_view name) {
  if (name == "permanent") return modem::SubmitErrorClass::kPermanent;
  if (name == "unknown") return modem::SubmitErrorClass::kUnknown;
  return modem::SubmitErrorClass::kTransient;
}

json HealthJson(const modem::ModemHealth& h) {
  json j{{"online", h.online},
         {"signal_percent", h.signal_percent},
         {"network", h.network},
         {"last_error", h.last_error},
         {"sim_status", h.sim_status},
         {"registration", h.registration},
         {"imei", h.imei},
         {"imsi", h.imsi}};
  j["number"] = h.number ? json(*h.number) : json(nullptr);
  return j;
}

modem::ModemHealth HealthFrom(const json& j) {
  modem::ModemHealth h;
  h.online = j.value("online", false);
  h.signal_percent = j.value("signal_percent", 0);
  h.network = j.value("network", "");
  h.last_error = j.value("last_error", "");
  h.sim_status = j.value("sim_status", "Modem Not Found");
  h.registration = j.value("registration", "Unset");
  h.imei = j.value("imei", "");
  h.imsi = j.value("imsi", "");
  if (j.contains("number") && j["number"].is_string()) h.number = j["number"].get<std::string>();
  return h;
}

json PartJson(const modem::OutgoingPart& p) {
  return json{{"message_id", p.message_id},
              {"part_no", p.part_no},
              {"total_parts", p.total_parts},
              {"number", p.number},
              {"text", p.text},
              {"coding", p.coding},
              {"flash", p.flash},
              {"validity_vp", p.validity_vp},
              {"request_report", p.request_report},
              {"concat_ref", p.concat_ref}};
}

modem::OutgoingPart PartFrom(const json& j) {
  modem::OutgoingPart p;
  p.message_id = j.at("message_id").get<std::int64_t>();
  p.part_no = j.at("part_no").get<int>();
  p.total_parts = j.at("total_parts").get<int>();
  p.number = j.at("number").get<std::string>();
  p.text = j.at("text").get<std::string>();
  p.coding = j.value("coding", "standard");
  p.flash = j.value("flash", false);
  p.validity_vp = j.value("validity_vp", 255);
  p.request_report = j.value("request_report", false);
  p.concat_ref = j.value("concat_ref", 0);
  return p;
}

struct WorkerEncoder {
  json operator()(const Hello& m) const {
    return json{{"type", "hello"}, {"protocol", m.protocol}, {"pid", m.pid}};
  }
  json operator()(const State& m) const {
    json j = HealthJson(m.health);
    j["type"] = "state";
    j["model"] = m.model;
    return j;
  }
  json operator()(const Submitted& m) const {
    json j{{"type", "submitted"}, {"id", m.id}, {"ok", m.result.ok()}};
    if (m.result.ok()) {
      j["mr"] = m.result.value().message_reference;
      j["report_requested"] = m.result.value().report_requested;
    } else {
      const modem::SubmitFailure& f = m.result.failure();
      j["class"] = ClassName(f.error_class);
      j["cms"] = f.cms_error ? json(*f.cms_error) : json(nullptr);
      j["message"] = f.message;
    }
    return j;
  }
  json operator()(const Incoming& m) const {
    json j{{"type", "incoming"},
           {"key", m.key},
           {"modem_no", m.sms.modem_no},
           {"sender", m.sms.sender},
           {"text", m.sms.text},
           {"coding", m.sms.coding},
           {"received_at_ms", ToUnixMillis(m.sms.received_at)}};
    if (m.sms.concat) {
      j["concat"] =
          json{{"ref", m.sms.concat->ref}, {"total", m.sms.concat->total}, {"seq", m.sms.concat->seq}};
    }
    return j;
  }
  json operator()(const Report& m) const {
    return json{{"type", "report"},
                {"key", m.key},
                {"modem_no", m.report.modem_no},
                {"mr", m.report.message_reference},
                {"recipient", m.report.recipient},
                {"tp_status", m.report.tp_status},
                {"reported_at_ms", ToUnixMillis(m.report.reported_at)}};
  }
  json operator()(const Pong& m) const { return json{{"type", "pong"}, {"id", m.id}}; }
};

struct GatewayEncoder {
  json operator()(const Configure& m) const {
    return json{{"type", "configure"},  {"modem_no", m.modem_no},
                {"device", m.device},   {"connection", m.connection},
                {"model", m.model},     {"pin", std::string(m.pin.view())},
                {"smsc", m.smsc},       {"heartbeat_ms", m.heartbeat_ms},
                {"poll_ms", m.poll_ms}, {"submit_timeout_ms", m.submit_timeout_ms}};
  }
  json operator()(const Submit& m) const {
    return json{{"type", "submit"}, {"id", m.id}, {"part", PartJson(m.part)}};
  }
  json operator()(const Stored& m) const { return json{{"type", "stored"}, {"key", m.key}}; }
  json operator()(const Ping& m) const { return json{{"type", "ping"}, {"id", m.id}}; }
  json operator()(const Shutdown&) const { return json{{"type", "shutdown"}}; }
};

Result<json> ParseObject(std::string_view line) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    return Error(ErrorCode::kInvalidArgument, "worker protocol: a line is not a JSON object with a type");
  }
  return j;
}

Error BadField(const std::string& type, const std::exception& e) {
  return Error(ErrorCode::kInvalidArgument, "worker protocol: bad '" + type + "' message: " + e.what());
}

}  // namespace

std::string Encode(const WorkerMessage& message) { return std::visit(WorkerEncoder{}, message).dump(); }

std::string Encode(const GatewayMessage& message) { return std::visit(GatewayEncoder{}, message).dump(); }

Result<std::optional<WorkerMessage>> DecodeWorkerMessage(std::string_view line) {
  auto parsed = ParseObject(line);
  if (!parsed.ok()) return parsed.error();
  const json& j = *parsed;
  const std::string type = j["type"].get<std::string>();
  try {
    if (type == "hello")
      return std::optional<WorkerMessage>(Hello{j.at("protocol").get<int>(), j.value("pid", 0)});
    if (type == "state") return std::optional<WorkerMessage>(State{HealthFrom(j), j.value("model", "")});
    if (type == "submitted") {
      Submitted m;
      m.id = j.at("id").get<std::int64_t>();
      if (j.at("ok").get<bool>()) {
        m.result = modem::SubmitOutcome{j.at("mr").get<int>(), j.value("report_requested", false)};
      } else {
        modem::SubmitFailure f;
        f.error_class = ClassFromName(j.value("class", "transient"));
        if (j.contains("cms") && j["cms"].is_number_integer()) f.cms_error = j["cms"].get<int>();
        f.message = j.value("message", "");
        m.result = std::move(f);
      }
      return std::optional<WorkerMessage>(std::move(m));
    }
    if (type == "incoming") {
      Incoming m;
      m.key = j.at("key").get<std::string>();
      m.sms.modem_no = j.value("modem_no", 0);
      m.sms.sender = j.at("sender").get<std::string>();
      m.sms.text = j.at("text").get<std::string>();
      m.sms.coding = j.value("coding", "standard");
      m.sms.received_at = FromUnixMillis(j.value("received_at_ms", std::int64_t{0}));
      if (j.contains("concat") && j["concat"].is_object()) {
        const json& c = j["concat"];
        m.sms.concat =
            modem::IncomingConcat{c.at("ref").get<int>(), c.at("total").get<int>(), c.at("seq").get<int>()};
      }
      return std::optional<WorkerMessage>(std::move(m));
    }
    if (type == "report") {
      Report m;
      m.key = j.at("key").get<std::string>();
      m.report.modem_no = j.value("modem_no", 0);
      m.report.message_reference = j.at("mr").get<int>();
      m.report.recipient = j.at("recipient").get<std::string>();
      m.report.tp_status = j.at("tp_status").get<int>();
      m.report.reported_at = FromUnixMillis(j.value("reported_at_ms", std::int64_t{0}));
      return std::optional<WorkerMessage>(std::move(m));
    }
    if (type == "pong") return std::optional<WorkerMessage>(Pong{j.at("id").get<std::int64_t>()});
  } catch (const std::exception& e) {
    return BadField(type, e);
  }
  return std::optional<WorkerMessage>();
}

Result<std::optional<GatewayMessage>> DecodeGatewayMessage(std::string_view line) {
  auto parsed = ParseObject(line);
  if (!parsed.ok()) return parsed.error();
  const json& j = *parsed;
  const std::string type = j["type"].get<std::string>();
  try {
    if (type == "configure") {
      Configure m;
      m.modem_no = j.at("modem_no").get<int>();
      m.device = j.at("device").get<std::string>();
      m.connection = j.value("connection", "at");
      m.model = j.value("model", "at");
      m.pin = Secret(j.value("pin", ""));
      m.smsc = j.value("smsc", "");
      m.heartbeat_ms = j.value("heartbeat_ms", 5000);
      m.poll_ms = j.value("poll_ms", 2000);
      m.submit_timeout_ms = j.value("submit_timeout_ms", 30000);
      return std::optional<GatewayMessage>(std::move(m));
    }
    if (type == "submit") {
      return std::optional<GatewayMessage>(Submit{j.at("id").get<std::int64_t>(), PartFrom(j.at("part"))});
    }
    if (type == "stored") return std::optional<GatewayMessage>(Stored{j.at("key").get<std::string>()});
    if (type == "ping") return std::optional<GatewayMessage>(Ping{j.at("id").get<std::int64_t>()});
    if (type == "shutdown") return std::optional<GatewayMessage>(Shutdown{});
  } catch (const std::exception& e) {
    return BadField(type, e);
  }
  return std::optional<GatewayMessage>();
}

}  // namespace osprey::smsgw::worker
