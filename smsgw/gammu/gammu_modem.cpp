// Connecting, health and the callbacks of GammuModem. Send is in gammu_send.cpp, Poll/Delete in
// gammu_inbox.cpp, conversions in gammu_convert.cpp.
#include "smsgw/gammu/gammu_modem.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "smsgw/gammu/gammu_internal.hpp"

namespace osprey::smsgw::gammu {
namespace {

void SendStatusTrampoline(GSM_StateMachine*, int status, int message_reference, void* user_data) {
  static_cast<GammuModem*>(user_data)->OnSendStatus(status, message_reference);
}

void IncomingSmsTrampoline(GSM_StateMachine*, GSM_SMSMessage*, void* user_data) {
  static_cast<GammuModem*>(user_data)->OnIncomingSms();
}

// Replaces a malloc'd config string (libgammu frees these with free()).
void ReplaceConfigString(char*& field, const std::string& value) {
  std::free(field);
  field = strdup(value.c_str());
}

std::string RegistrationName(GSM_NetworkInfo_State state) {
  switch (state) {
    case GSM_HomeNetwork: return "Registered Home";
    case GSM_RoamingNetwork: return "Registered Roaming";
    case GSM_RequestingNetwork: return "Searching";
    case GSM_NoNetwork: return "Not Registered";
    case GSM_RegistrationDenied: return "Denied";
    case GSM_NetworkStatusUnknown: return "Unknown";
  }
  return "Unknown";
}

// Bounds for calls a silent modem would stretch to minutes (AbortGuard) [D].
constexpr std::chrono::seconds kConnectLimit{60};
constexpr std::chrono::seconds kHealthLimit{15};

// OSPREY_GAMMU_DEBUG=<file>: libgammu's own AT trace (level textall) for this state machine [D]. The PIN
// is sent as AT+CPIN and would appear in that trace: for diagnosis only.
void EnableDebugLog(GSM_Config* cfg) {
  const char* file = std::getenv("OSPREY_GAMMU_DEBUG");
  if (file == nullptr || *file == '\0') return;
  ReplaceConfigString(cfg->DebugFile, file);
  std::snprintf(cfg->DebugLevel, sizeof(cfg->DebugLevel), "%s", "textall");
  cfg->UseGlobalDebugFile = FALSE;
}

bool IsRegistered(GSM_NetworkInfo_State state) {
  return state == GSM_HomeNetwork || state == GSM_RoamingNetwork;
}

}  // namespace

GammuModem::GammuModem() : impl_(std::make_unique<Impl>()) {}

GammuModem::~GammuModem() { Disconnect(); }

void GammuModem::OnSendStatus(int status, int message_reference) {
  send_status_seen_ = true;
  send_status_ = status;
  send_mr_ = message_reference;
}

void GammuModem::OnIncomingSms() { incoming_hint_ = true; }

void GammuModem::Fail(const std::string& what, int gammu_error) {
  last_error_ = what + ": " + GammuErrorText(static_cast<GSM_Error>(gammu_error));
  spdlog::warn("modem {}: {}", modem_no_, last_error_);
}

Status GammuModem::Connect(const worker::Configure& config) {
  Disconnect();
  modem_no_ = config.modem_no;
  submit_timeout_ = std::chrono::milliseconds(std::max(config.submit_timeout_ms, 1));
  if (!config.pin.empty() && !pin_.Equals(config.pin)) {
    pin_ = config.pin.Clone();
    pin_refused_ = false;
  }
  Status status = ConnectOnce(config);
  if (!status.ok()) {
    last_error_ = status.error().message();
    spdlog::warn("modem {}: connect to {} failed: {}", modem_no_, config.device, last_error_);
    Disconnect();
    return status;
  }
  last_error_.clear();
  spdlog::info("modem {}: connected to {} ({}, model '{}')", modem_no_, config.device, config.connection,
               model_);
  return OkStatus();
}

Status GammuModem::ConnectOnce(const worker::Configure& config) {
  // A fresh state machine per connection: no state survives from a link that failed (§1 item 17).
  impl_->sm = GSM_AllocStateMachine();
  if (impl_->sm == nullptr) return Error(ErrorCode::kInternal, "GSM_AllocStateMachine failed");
  GSM_Config* cfg = GSM_GetConfig(impl_->sm, 0);
  GSM_Error error = GSM_ReadConfig(nullptr, cfg, 0);
  if (error != ERR_NONE && error != ERR_USING_DEFAULTS) {
    return Error(ErrorCode::kInternal, "GSM_ReadConfig: " + GammuErrorText(error));
  }
  ReplaceConfigString(cfg->Device, config.device);
  ReplaceConfigString(cfg->Connection, config.connection);
  std::snprintf(cfg->Model, sizeof(cfg->Model), "%s", config.model.c_str());
  // Device locking writes /var/lock files, which a worker (and a pty) usually cannot; the gateway owns
  // each device exclusively instead [D].
  cfg->LockDevice = FALSE;
  cfg->StartInfo = FALSE;
  cfg->SyncTime = FALSE;
  EnableDebugLog(cfg);
  GSM_SetConfigNum(impl_->sm, 1);

  {
    AbortGuard guard(impl_->sm, kConnectLimit);
    error = GSM_InitConnection(impl_->sm, 2);
  }
  if (error != ERR_NONE) {
    return Error(ErrorCode::kUnavailable, "GSM_InitConnection: " + GammuErrorText(error));
  }
  connected_ = true;
  // InitConnection reset every callback (§1 item 5).
  GSM_SetSendSMSStatusCallback(impl_->sm, SendStatusTrampoline, this);
  GSM_SetIncomingSMSCallback(impl_->sm, IncomingSmsTrampoline, this);

  if (Status pin = EnterPinIfNeeded(); !pin.ok()) return pin;
  if (Status smsc = CacheSmsc(config.smsc); !smsc.ok()) return smsc;

  error = GSM_SetIncomingSMS(impl_->sm, TRUE);
  if (error != ERR_NONE) spdlog::warn("modem {}: notifications off: {}", modem_no_, GammuErrorText(error));
  error = GSM_SetFastSMSSending(impl_->sm, TRUE);
  if (error != ERR_NONE) spdlog::info("modem {}: no fast SMS sending: {}", modem_no_, GammuErrorText(error));

  char model[GSM_MAX_MODEL_LENGTH + 1] = {};
  model_ = GSM_GetModel(impl_->sm, model) == ERR_NONE ? std::string(model) : config.model;
  return OkStatus();
}

Status GammuModem::EnterPinIfNeeded() {
  GSM_SecurityCodeType type = SEC_None;
  const GSM_Error error = GSM_GetSecurityStatus(impl_->sm, &type);
  if (error != ERR_NONE) {
    // Modems without AT+CPIN? support still send; the state shows up in Health().
    spdlog::info("modem {}: SIM state unknown: {}", modem_no_, GammuErrorText(error));
    return OkStatus();
  }
  if (type == SEC_None) return OkStatus();
  if (type == SEC_Puk || type == SEC_Puk2) return Error(ErrorCode::kFailedPrecondition, "SIM PUK required");
  if (type != SEC_Pin) return Error(ErrorCode::kFailedPrecondition, "SIM asks for an unsupported code");
  if (pin_.empty()) return Error(ErrorCode::kFailedPrecondition, "SIM PIN required but none configured");
  // Three wrong PINs lock the SIM: a refused PIN is never retried until the configuration changes [D].
  if (pin_refused_) return Error(ErrorCode::kFailedPrecondition, "SIM PIN was refused; not retrying it");
  if (pin_.size() > GSM_SECURITY_CODE_LEN) return Error(ErrorCode::kInvalidArgument, "SIM PIN too long");

  GSM_SecurityCode code{};
  code.Type = SEC_Pin;
  std::memcpy(code.Code, pin_.view().data(), pin_.size());
  const GSM_Error entered = GSM_EnterSecurityCode(impl_->sm, &code);
  std::memset(code.Code, 0, sizeof(code.Code));
  if (entered != ERR_NONE) {
    pin_refused_ = true;
    return Error(ErrorCode::kFailedPrecondition, "SIM PIN refused: " + GammuErrorText(entered));
  }
  spdlog::info("modem {}: SIM PIN accepted", modem_no_);
  return OkStatus();
}

Status GammuModem::CacheSmsc(const std::string& configured) {
  GSM_SMSC& smsc = impl_->smsc;
  smsc = GSM_SMSC{};
  if (!configured.empty()) {
    if (configured.size() > GSM_MAX_NUMBER_LENGTH) return Error(ErrorCode::kInvalidArgument, "SMSC too long");
    EncodeUnicode(smsc.Number, configured.c_str(), configured.size());  // ASCII digits (§1 item 9)
  } else {
    smsc.Location = 1;
    const GSM_Error error = GSM_GetSMSC(impl_->sm, &smsc);
    if (error != ERR_NONE) return Error(ErrorCode::kUnavailable, "GSM_GetSMSC: " + GammuErrorText(error));
    if (UnicodeLength(smsc.Number) == 0) return Error(ErrorCode::kUnavailable, "the SIM has no SMSC number");
  }
  smsc.Location = 0;
  return OkStatus();
}

void GammuModem::Disconnect() {
  if (impl_->sm != nullptr) {
    if (connected_) GSM_TerminateConnection(impl_->sm);
    GSM_FreeStateMachine(impl_->sm);
    impl_->sm = nullptr;
  }
  connected_ = false;
}

bool GammuModem::TakeIncomingHint() {
  if (connected_) {
    GSM_ReadDevice(impl_->sm, FALSE);
    if (!GSM_IsConnected(impl_->sm)) {
      last_error_ = "modem connection lost";
      Disconnect();
    }
  }
  const bool hint = incoming_hint_;
  incoming_hint_ = false;
  return hint;
}

modem::ModemHealth GammuModem::Health() {
  modem::ModemHealth health;
  health.last_error = last_error_;
  health.signal_percent = -1;  // disconnected (APIv1 get_gsmsignal: -1)
  if (!connected_) return health;
  GSM_StateMachine* sm = impl_->sm;
  health.online = true;
  AbortGuard guard(sm, kHealthLimit);

  GSM_SecurityCodeType sec = SEC_None;
  const GSM_Error sec_error = GSM_GetSecurityStatus(sm, &sec);
  if (sec_error == ERR_NONE) {
    health.sim_status = sec == SEC_None  ? "Operational"
                        : sec == SEC_Pin ? "PIN Required"
                        : sec == SEC_Puk ? "PUK Required"
                                         : "Unknown Error";
  } else {
    health.sim_status = sec_error == ERR_NOSIM ? "Not Inserted" : "Unknown Error";
  }

  GSM_NetworkInfo network{};
  const GSM_Error net_error = GSM_GetNetworkInfo(sm, &network);
  // libgammu 1.42 fails the whole call when AT+CGATT? is not supported; the state is then "Unknown".
  bool not_registered = false;
  if (net_error == ERR_NONE) {
    health.registration = RegistrationName(network.State);
    not_registered = !IsRegistered(network.State);
    health.network = GammuToUtf8(network.NetworkName);
  } else {
    health.registration = "Unknown";
  }

  GSM_SignalQuality signal{};
  const GSM_Error signal_error = GSM_GetSignalQuality(sm, &signal);
  // -1 = not registered (smseagle-api.md §10).
  health.signal_percent =
      (signal_error == ERR_NONE && !not_registered) ? std::max(signal.SignalPercent, 0) : -1;

  char buffer[256] = {};
  if (GSM_GetIMEI(sm, buffer) == ERR_NONE) health.imei = buffer;
  std::memset(buffer, 0, sizeof(buffer));
  if (GSM_GetSIMIMSI(sm, buffer) == ERR_NONE) health.imsi = buffer;

  for (GSM_Error e : {sec_error, net_error, signal_error}) {
    if (IsDeviceError(e) || e == ERR_TIMEOUT || guard.fired()) {
      Fail("modem stopped answering", e);
      Disconnect();
      health.online = false;
      health.last_error = last_error_;
      break;
    }
  }
  return health;
}

}  // namespace osprey::smsgw::gammu
