// Line discipline and the general AT commands of the emulator; messages and storage are in at_modem_sms.cpp.
#include "smsgw/emulator/at_modem.hpp"

#include <algorithm>
#include <cctype>

#include "smsgw/emulator/at_parse.hpp"

namespace osprey::smsgw::emulator {
namespace {

constexpr char kCr = '\r';
constexpr char kLf = '\n';
constexpr char kCtrlZ = 0x1A;
constexpr char kEsc = 0x1B;
constexpr const char* kLac = "00A1";     // +CREG/+CGREG location area code (mode 2)
constexpr const char* kCellId = "0B12";  // +CREG/+CGREG cell id (mode 2)

// Verbose texts for AT+CMEE=2 (TS 27.007 §9.2, TS 27.005 §3.2.5); other codes stay numeric.
std::string VerboseCme(int code) {
  switch (code) {
    case 4: return "operation not supported";
    case 10: return "SIM not inserted";
    case 11: return "SIM PIN required";
    case 12: return "SIM PUK required";
    case 30: return "no network service";
    default: return std::to_string(code);
  }
}

std::string VerboseCms(int code) {
  switch (code) {
    case 302: return "operation not allowed";
    case 304: return "invalid PDU mode parameter";
    case 310: return "SIM not inserted";
    case 311: return "SIM PIN required";
    case 316: return "SIM PUK required";
    case 321: return "invalid memory index";
    case 322: return "memory full";
    case 331: return "no network service";
    default: return std::to_string(code);
  }
}

}  // namespace

AtModem::AtModem(ModemConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock), slots_(config_.storage_slots) {}

std::string AtModem::Feed(std::string_view bytes_from_host) {
  ConsumeInput(bytes_from_host);
  return TakeOutput();
}

std::string AtModem::Tick() {
  ReleaseHeldReply();
  return TakeOutput();
}

void AtModem::ConsumeInput(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (held_reply_) {
      // A busy modem does not read its UART; the bytes wait until the submit answer is out.
      held_input_.append(bytes.substr(i));
      return;
    }
    if (in_pdu_) {
      FeedPduByte(bytes[i]);
    } else {
      FeedCommandByte(bytes[i]);
    }
  }
}

std::string AtModem::TakeOutput() {
  std::string out = std::move(out_);
  out_.clear();
  out += FlushUnsolicited();
  return silent_ ? std::string() : out;
}

void AtModem::ReleaseHeldReply() {
  if (!held_reply_ || clock_.Now() < held_reply_->due) return;
  Write(held_reply_->reply);
  held_reply_.reset();
  std::string held = std::move(held_input_);
  held_input_.clear();
  ConsumeInput(held);
}

void AtModem::FeedCommandByte(char byte) {
  if (skip_lf_) {
    skip_lf_ = false;
    if (byte == kLf) return;
  }
  if (echo_) out_ += byte;
  if (byte != kCr) {
    line_ += byte;
    return;
  }
  skip_lf_ = true;
  std::string line = std::move(line_);
  line_.clear();
  ExecuteLine(line);
}

void AtModem::FeedPduByte(char byte) {
  if (byte == kCtrlZ) {
    in_pdu_ = false;
    Reply reply = FinishSubmit();
    if (swallow_current_) {
      swallow_current_ = false;
      return;
    }
    if (latency_.count() > 0) {
      held_reply_ = HeldReply{clock_.Now() + latency_, std::move(reply)};
      return;
    }
    Write(reply);
    return;
  }
  if (byte == kEsc) {
    in_pdu_ = false;
    pdu_hex_.clear();
    Write(Reply{});
    return;
  }
  if (byte == kCr || byte == kLf) return;  // some hosts break long PDUs; the hex alone counts
  if (echo_) out_ += byte;
  pdu_hex_ += byte;
}

void AtModem::ExecuteLine(const std::string& line) {
  std::string_view text = TrimSpaces(line);
  if (text.empty()) return;  // an empty line gets no answer, as on real modems
  if (text.size() < 2 || ToUpper(text.substr(0, 2)) != "AT") {
    Write(Reply{{}, "ERROR"});
    return;
  }
  std::string_view body = text.substr(2);
  if (body.empty()) {
    Write(Reply{});
    return;
  }
  if (body[0] != '+' && body[0] != '$' && body[0] != '^') {
    Write(BasicCommand(body));
    return;
  }
  std::size_t name_end = body.find_first_of("=?");
  if (name_end == std::string_view::npos) name_end = body.size();
  std::string command = ToUpper(body.substr(0, name_end));
  Reply reply = Dispatch(command, body.substr(name_end));
  if (!reply.final.empty() || !reply.lines.empty()) Write(reply);
}

AtModem::Reply AtModem::BasicCommand(std::string_view body) {
  std::string upper = ToUpper(body);
  if (upper == "E0" || upper == "E1" || upper == "E") {
    echo_ = upper == "E1";
    return Reply{};
  }
  if (upper == "Z" || upper == "Z0" || upper == "&F" || upper == "&F0") {
    Reset();
    return Reply{};
  }
  if (upper == "I" || upper == "I0") {
    const ModemIdentity& id = config_.identity;
    return Reply{{id.manufacturer, id.model, "Revision: " + id.revision}, "OK"};
  }
  if (upper == "V1" || upper == "Q0") return Reply{};
  return CmeError(4);
}

AtModem::Reply AtModem::Dispatch(std::string_view command, std::string_view args) {
  if (std::optional<Reply> r = IdentityCommand(command, args)) return *r;
  if (std::optional<Reply> r = NetworkCommand(command, args)) return *r;
  if (std::optional<Reply> r = SettingsCommand(command, args)) return *r;
  if (std::optional<Reply> r = ServiceCommand(command, args)) return *r;
  if (std::optional<Reply> r = SmsCommand(command, args)) return *r;
  return CmeError(4);
}

std::optional<AtModem::Reply> AtModem::IdentityCommand(std::string_view command, std::string_view args) {
  const ModemIdentity& id = config_.identity;
  if (args == "=?") {
    if (command == "+CGMI" || command == "+CGMM" || command == "+CGMR" || command == "+CGSN" ||
        command == "+CIMI" || command == "+GMI" || command == "+GMM" || command == "+GMR" ||
        command == "+GSN") {
      return Reply{};
    }
    return std::nullopt;
  }
  if (!args.empty()) return std::nullopt;
  if (command == "+CGMI" || command == "+GMI") return Reply{{id.manufacturer}, "OK"};
  if (command == "+CGMM" || command == "+GMM") return Reply{{id.model}, "OK"};
  if (command == "+CGMR" || command == "+GMR") return Reply{{id.revision}, "OK"};
  if (command == "+CGSN" || command == "+GSN") return Reply{{id.imei}, "OK"};
  if (command == "+CIMI") {
    if (std::optional<Reply> err = SimError(false)) return err;
    return Reply{{id.imsi}, "OK"};
  }
  if (command == "+CBC") return Reply{{"+CBC: 0,100"}, "OK"};
  return std::nullopt;
}

std::optional<AtModem::Reply> AtModem::NetworkCommand(std::string_view command, std::string_view args) {
  if (command == "+CPIN" && args == "?") {
    switch (config_.sim) {
      case SimState::kReady: return Reply{{"+CPIN: READY"}, "OK"};
      case SimState::kPinRequired: return Reply{{"+CPIN: SIM PIN"}, "OK"};
      case SimState::kPukRequired: return Reply{{"+CPIN: SIM PUK"}, "OK"};
      case SimState::kNotInserted: return CmeError(10);
    }
  }
  if (command == "+CPIN" && args.starts_with("=")) {
    std::string_view pin = args.substr(1);
    if (pin.size() >= 2 && pin.front() == '"' && pin.back() == '"') pin = pin.substr(1, pin.size() - 2);
    if (config_.sim == SimState::kReady) return Reply{{}, "OK"};  // nothing to enter; modems accept it
    if (config_.sim != SimState::kPinRequired)
      return CmeError(config_.sim == SimState::kNotInserted ? 10 : 12);
    if (pin != config_.pin) return CmeError(16);  // incorrect password
    config_.sim = SimState::kReady;
    return Reply{{}, "OK"};
  }
  if (command == "+CSQ" && (args.empty() || args == "=?")) {
    if (args == "=?") return Reply{{"+CSQ: (0-31,99),(99)"}, "OK"};
    return Reply{{"+CSQ: " + std::to_string(config_.rssi) + ",99"}, "OK"};
  }
  if (command == "+CREG" || command == "+CGREG") {
    int& mode = command == "+CREG" ? creg_mode_ : cgreg_mode_;
    std::string prefix = std::string(command) + ": ";
    if (args == "=?") return Reply{{prefix + "(0-2)"}, "OK"};
    if (args == "?") {
      int stat = RegistrationStat();
      std::string line = prefix + std::to_string(mode) + "," + std::to_string(stat);
      // Mode 2 adds the cell; libgammu's networkinfo reports "unknown" without it.
      if (mode == 2 && (stat == 1 || stat == 5)) line += ",\"" + std::string(kLac) + "\",\"" + kCellId + "\"";
      return Reply{{line}, "OK"};
    }
    std::optional<std::vector<int>> values = ParseIntArgs(args);
    if (!values || values->size() != 1 || (*values)[0] < 0 || (*values)[0] > 2) return CmeError(4);
    mode = (*values)[0];
    return Reply{};
  }
  if (command == "+CGATT") {  // libgammu's networkinfo asks for the packet-domain attach state
    if (args == "?") return Reply{{"+CGATT: " + std::string(RegistrationStat() == 0 ? "0" : "1")}, "OK"};
    if (args == "=?") return Reply{{"+CGATT: (0,1)"}, "OK"};
    return Reply{};
  }
  if (command == "+COPS") {
    if (args == "?") {
      int stat = RegistrationStat();
      if (stat != 1 && stat != 5) return Reply{{"+COPS: 0"}, "OK"};
      if (cops_format_ == 2) return Reply{{"+COPS: 0,2,\"" + config_.identity.network_code + "\""}, "OK"};
      return Reply{{"+COPS: 0,0,\"" + config_.identity.operator_name + "\""}, "OK"};
    }
    if (args == "=?")
      return Reply{{"+COPS: (2,\"" + config_.identity.operator_name + "\",,\"" +
                    config_.identity.network_code + "\"),,(0-4),(0-2)"},
                   "OK"};
    // AT+COPS=<mode>[,<format>]: libgammu sets format 2 (numeric) and 0 (long name) in turn.
    std::optional<std::vector<int>> v = ParseIntArgs(args);
    if (v && v->size() >= 2 && ((*v)[1] == 0 || (*v)[1] == 2)) cops_format_ = (*v)[1];
    return Reply{};
  }
  return std::nullopt;
}

std::optional<AtModem::Reply> AtModem::SettingsCommand(std::string_view command, std::string_view args) {
  if (command == "+CMEE") {
    if (args == "?") return Reply{{"+CMEE: " + std::to_string(cmee_)}, "OK"};
    if (args == "=?") return Reply{{"+CMEE: (0-2)"}, "OK"};
    std::optional<std::vector<int>> v = ParseIntArgs(args);
    if (!v || v->size() != 1 || (*v)[0] < 0 || (*v)[0] > 2) return CmeError(4);
    cmee_ = (*v)[0];
    return Reply{};
  }
  if (command == "+CFUN") {
    if (args == "?") return Reply{{"+CFUN: " + std::to_string(cfun_)}, "OK"};
    if (args == "=?") return Reply{{"+CFUN: (0,1,4),(0,1)"}, "OK"};
    std::optional<std::vector<int>> v = ParseIntArgs(args);
    if (!v || v->empty()) return CmeError(4);
    cfun_ = (*v)[0];
    return Reply{};
  }
  if (command == "+CSCS") {
    if (args == "?") return Reply{{"+CSCS: \"" + cscs_ + "\""}, "OK"};
    if (args == "=?") return Reply{{"+CSCS: (\"GSM\",\"IRA\",\"UCS2\")"}, "OK"};
    std::string value = ToUpper(Unquote(ArgText(args)));
    if (value != "GSM" && value != "IRA" && value != "UCS2") return CmeError(4);
    cscs_ = value;
    return Reply{};
  }
  return std::nullopt;
}

std::optional<AtModem::Reply> AtModem::ServiceCommand(std::string_view command, std::string_view args) {
  if (command == "+CSCA") {
    if (args == "?") {
      const std::string& smsc = config_.identity.smsc;
      std::string type = !smsc.empty() && smsc[0] == '+' ? "145" : "129";
      return Reply{{"+CSCA: \"" + smsc + "\"," + type}, "OK"};
    }
    std::vector<std::string> fields = SplitArgs(ArgText(args));
    if (args.empty() || args[0] != '=' || fields.empty() || Unquote(fields[0]).empty()) return CmeError(4);
    config_.identity.smsc = Unquote(fields[0]);
    return Reply{};
  }
  if (command == "+CMMS") {
    if (args == "?") return Reply{{"+CMMS: " + std::to_string(cmms_)}, "OK"};
    if (args == "=?") return Reply{{"+CMMS: (0-2)"}, "OK"};
    std::optional<std::vector<int>> v = ParseIntArgs(args);
    if (!v || v->size() != 1) return CmeError(4);
    cmms_ = (*v)[0];
    return Reply{};
  }
  if (command == "+CSMS") {
    if (args == "=?") return Reply{{"+CSMS: (0,1)"}, "OK"};
    if (args == "?") return Reply{{"+CSMS: 0,1,1,1"}, "OK"};
    return Reply{{"+CSMS: 1,1,1"}, "OK"};
  }
  if ((command == "+IFC" || command == "+CUSD") && !args.empty() && args[0] == '=') return Reply{};
  return std::nullopt;
}

AtModem::Reply AtModem::CmeError(int code) const {
  if (cmee_ == 0) return Reply{{}, "ERROR"};
  return Reply{{}, "+CME ERROR: " + (cmee_ == 2 ? VerboseCme(code) : std::to_string(code))};
}

AtModem::Reply AtModem::CmsError(int code) const {
  if (cmee_ == 0) return Reply{{}, "ERROR"};
  return Reply{{}, "+CMS ERROR: " + (cmee_ == 2 ? VerboseCms(code) : std::to_string(code))};
}

std::optional<AtModem::Reply> AtModem::SimError(bool sms) const {
  switch (config_.sim) {
    case SimState::kReady: return std::nullopt;
    case SimState::kPinRequired: return sms ? CmsError(311) : CmeError(11);
    case SimState::kPukRequired: return sms ? CmsError(316) : CmeError(12);
    case SimState::kNotInserted: return sms ? CmsError(310) : CmeError(10);
  }
  return std::nullopt;
}

void AtModem::Write(const Reply& reply) {
  if (!reply.lines.empty()) {
    out_ += "\r\n";
    for (std::size_t i = 0; i < reply.lines.size(); ++i) {
      if (i > 0) out_ += "\r\n";
      out_ += reply.lines[i];
    }
    out_ += "\r\n";
  }
  if (!reply.final.empty()) out_ += "\r\n" + reply.final + "\r\n";
}

void AtModem::Reset() {
  echo_ = true;
  cmee_ = 0;
  cmgf_ = 0;
  std::fill(std::begin(cnmi_), std::end(cnmi_), 0);
}

int AtModem::RegistrationStat() const { return off_network_ ? 0 : config_.registration; }

Status AtModem::SetSignal(int rssi) {
  if (!((rssi >= 0 && rssi <= 31) || rssi == 99)) {
    return Error(ErrorCode::kInvalidArgument, "rssi must be 0..31 or 99");
  }
  config_.rssi = rssi;
  return OkStatus();
}

void AtModem::FailNextSubmits(int count, int cms_error) {
  fail_count_ = count;
  fail_code_ = cms_error;
}

void AtModem::FailEveryNth(int n, int cms_error) {
  fail_every_ = n > 0 ? n : 0;
  fail_every_code_ = cms_error;
  fail_every_seen_ = 0;
}

}  // namespace osprey::smsgw::emulator
