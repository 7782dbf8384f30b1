#include "smsgw/gammu/gammu_library.hpp"

#include <gammu.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "osprey/core/shared_library.hpp"

#ifndef OSPREY_GAMMU_LIBRARY
#error "OSPREY_GAMMU_LIBRARY (libgammu's soname) must be defined by the build"
#endif

namespace osprey::smsgw::gammu {
namespace {

const Result<void*>& Library() {
  static const Result<void*> loaded = OpenSharedLibrary(OSPREY_GAMMU_LIBRARY);
  return loaded;
}

// The address of libgammu's `name`; aborts with the reason when the library or the symbol is missing.
void* GammuSymbol(const char* name) {
  const Result<void*>& l = Library();
  void* symbol = l.ok() ? SharedLibrarySymbol<void*>(*l, name) : nullptr;
  if (symbol == nullptr) {
    std::fprintf(stderr, "osprey: libgammu: %s\n",
                 !l.ok() ? l.error().message().c_str() : (std::string("no symbol ") + name).c_str());
    std::abort();
  }
  return symbol;
}

}  // namespace

Status LoadGammuLibrary() {
  const Result<void*>& l = Library();
  if (!l.ok()) return l.error();
  return OkStatus();
}

}  // namespace osprey::smsgw::gammu

// Each forwarder resolves its target once (a thread-safe static), then calls it. `decltype(&name)` is the
// type <gammu.h> declares, so a signature that differs from the header does not compile.
#define OSPREY_GAMMU_FORWARD(ret, name, params, args)                                                     \
  extern "C" ret name params {                                                                            \
    static const auto real = reinterpret_cast<decltype(&name)>(osprey::smsgw::gammu::GammuSymbol(#name)); \
    return real args;                                                                                     \
  }

// NOLINTBEGIN: the list below is libgammu's API as Osprey uses it.
OSPREY_GAMMU_FORWARD(void, GSM_InitLocales, (const char* path), (path))
OSPREY_GAMMU_FORWARD(GSM_StateMachine*, GSM_AllocStateMachine, (void), ())
OSPREY_GAMMU_FORWARD(void, GSM_FreeStateMachine, (GSM_StateMachine * s), (s))
OSPREY_GAMMU_FORWARD(GSM_Config*, GSM_GetConfig, (GSM_StateMachine * s, int num), (s, num))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_ReadConfig, (INI_Section * cfg_info, GSM_Config* cfg, int num),
                     (cfg_info, cfg, num))
OSPREY_GAMMU_FORWARD(void, GSM_SetConfigNum, (GSM_StateMachine * s, int sections), (s, sections))
OSPREY_GAMMU_FORWARD(GSM_Debug_Info*, GSM_GetDebug, (GSM_StateMachine * s), (s))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_InitConnection, (GSM_StateMachine * s, int reply_num), (s, reply_num))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_TerminateConnection, (GSM_StateMachine * s), (s))
OSPREY_GAMMU_FORWARD(gboolean, GSM_IsConnected, (GSM_StateMachine * s), (s))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_AbortOperation, (GSM_StateMachine * s), (s))
OSPREY_GAMMU_FORWARD(int, GSM_ReadDevice, (GSM_StateMachine * s, gboolean wait_for_reply),
                     (s, wait_for_reply))
OSPREY_GAMMU_FORWARD(const char*, GSM_ErrorName, (GSM_Error e), (e))
OSPREY_GAMMU_FORWARD(const char*, GSM_ErrorString, (GSM_Error e), (e))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_GetSecurityStatus, (GSM_StateMachine * s, GSM_SecurityCodeType* status),
                     (s, status))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_EnterSecurityCode, (GSM_StateMachine * s, GSM_SecurityCode* code),
                     (s, code))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_GetIMEI, (GSM_StateMachine * s, char* value), (s, value))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_GetModel, (GSM_StateMachine * s, char* value), (s, value))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_GetSIMIMSI, (GSM_StateMachine * s, char* imsi), (s, imsi))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_GetNetworkInfo, (GSM_StateMachine * s, GSM_NetworkInfo* netinfo),
                     (s, netinfo))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_GetSignalQuality, (GSM_StateMachine * s, GSM_SignalQuality* sig),
                     (s, sig))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_GetSMSC, (GSM_StateMachine * s, GSM_SMSC* smsc), (s, smsc))
OSPREY_GAMMU_FORWARD(void, GSM_SetDefaultSMSData, (GSM_SMSMessage * sms), (sms))
OSPREY_GAMMU_FORWARD(void, GSM_EncodeUDHHeader, (GSM_Debug_Info * di, GSM_UDHHeader* udh), (di, udh))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_SendSMS, (GSM_StateMachine * s, GSM_SMSMessage* sms), (s, sms))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_SetFastSMSSending, (GSM_StateMachine * s, gboolean enable), (s, enable))
OSPREY_GAMMU_FORWARD(void, GSM_SetSendSMSStatusCallback,
                     (GSM_StateMachine * s, SendSMSStatusCallback callback, void* user_data),
                     (s, callback, user_data))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_SetIncomingSMS, (GSM_StateMachine * s, gboolean enable), (s, enable))
OSPREY_GAMMU_FORWARD(void, GSM_SetIncomingSMSCallback,
                     (GSM_StateMachine * s, IncomingSMSCallback callback, void* user_data),
                     (s, callback, user_data))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_GetNextSMS,
                     (GSM_StateMachine * s, GSM_MultiSMSMessage* sms, gboolean start), (s, sms, start))
OSPREY_GAMMU_FORWARD(GSM_Error, GSM_DeleteSMS, (GSM_StateMachine * s, GSM_SMSMessage* sms), (s, sms))
OSPREY_GAMMU_FORWARD(void, DecodeUTF8, (unsigned char* dest, const char* src, size_t len), (dest, src, len))
OSPREY_GAMMU_FORWARD(gboolean, EncodeUTF8, (char* dest, const unsigned char* src), (dest, src))
OSPREY_GAMMU_FORWARD(void, EncodeUnicode, (unsigned char* dest, const char* src, size_t len),
                     (dest, src, len))
OSPREY_GAMMU_FORWARD(size_t, UnicodeLength, (const unsigned char* str), (str))
// NOLINTEND
