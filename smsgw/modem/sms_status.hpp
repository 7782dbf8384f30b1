// Classifications from the modem spec (modems-and-sms.md §4): +CMS ERROR codes on submit and TP-ST values in
// status reports, and the TP-VP encoding of a relative validity period. Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace osprey::smsgw::modem {

enum class SubmitErrorClass {
  kTransient,  // retry with back-off, counted against max_retries
  kPermanent,  // do not retry; the message fails with the CMS code
  kUnknown,    // no answer (timeout): the part may have gone out
};

// The class of a +CMS ERROR code; codes not in the spec's table are transient.
SubmitErrorClass ClassifyCmsError(int cms_error);

// True for CMS errors that concern the modem rather than the message (SIM missing, PIN/PUK required): the
// modem should be taken out of service.
bool IsModemLevelCmsError(int cms_error);

enum class DeliveryOutcome {
  kDelivered,  // TP-ST 0x00..0x02
  kPending,    // 0x20..0x3F: the SC still tries; not final
  kFailed,     // bit 0x40 set
  kUnknown,    // reserved / SC-specific values
};

// libgammu's rule: < 0x03 delivered, else bit 0x40 failed, else bit 0x20 pending, else unknown.
DeliveryOutcome ClassifyTpStatus(int tp_status);

}  // namespace osprey::smsgw::modem
