// Internals shared by gammu_modem.cpp, gammu_send.cpp and gammu_inbox.cpp: the libgammu state kept out of
// the public header, and small conversions between libgammu's types and Osprey's. Not part of the API.
//
// Thread rule: as GammuModem (one owner thread; libgammu is not thread-safe, even for pure helpers).
#pragma once

#include <gammu.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "smsgw/gammu/gammu_modem.hpp"

namespace osprey::smsgw::gammu {

struct GammuModem::Impl {
  GSM_StateMachine* sm = nullptr;
  GSM_SMSC smsc{};  // cached after connect; copied into every part (§1 item 7)
};

// UTF-8 -> libgammu string (NUL-terminated UTF-16BE) into `dst` (capacity in bytes), via DecodeUTF8 with a
// (len+1)*4 scratch buffer (§1 item 9). kInvalidArgument when it does not fit.
Status Utf8ToGammu(std::string_view utf8, unsigned char* dst, std::size_t capacity);
// libgammu string -> UTF-8 via EncodeUTF8.
std::string GammuToUtf8(const unsigned char* text);

// "ERR_TIMEOUT: ..." style text for logs and last_error.
std::string GammuErrorText(GSM_Error error);
// ERR_DEVICE*, ERR_NOTCONNECTED: the link to the modem is gone (§1 item 17).
bool IsDeviceError(GSM_Error error);

// A GSM_DateTime (with its timezone offset in seconds) as a time point; nullopt-like: returns `fallback`
// when the date is unset (year 0).
Clock::TimePoint GammuTime(const GSM_DateTime& time, Clock::TimePoint fallback);

// Bounds one libgammu operation in time: when `limit` passes before the guard is destroyed, another
// thread calls GSM_AbortOperation(sm) -- the one call §1 item 1 allows from a second thread (it only sets
// a flag) -- and the blocked call returns soon after. A fired guard leaves the state machine aborted: the
// owner must disconnect. Without it a silent modem holds the worker for a minute per call (every AT
// command times out twice).
class AbortGuard {
 public:
  AbortGuard(GSM_StateMachine* sm, std::chrono::milliseconds limit);
  AbortGuard(const AbortGuard&) = delete;
  AbortGuard& operator=(const AbortGuard&) = delete;
  ~AbortGuard();
  bool fired() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool fired_ = false;
  std::thread thread_;
};

}  // namespace osprey::smsgw::gammu
