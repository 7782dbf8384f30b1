#include "smsgw/modem/sms_status.hpp"

#include <algorithm>
#include <array>

namespace osprey::smsgw::modem {

SubmitErrorClass ClassifyCmsError(int cms_error) {
  static constexpr std::array kPermanent = {1, 8, 10, 21, 29, 50, 96, 302, 304, 305, 310, 311, 316};
  return std::find(kPermanent.begin(), kPermanent.end(), cms_error) != kPermanent.end()
             ? SubmitErrorClass::kPermanent
             : SubmitErrorClass::kTransient;
}

bool IsModemLevelCmsError(int cms_error) { return cms_error == 310 || cms_error == 311 || cms_error == 316; }

DeliveryOutcome ClassifyTpStatus(int tp_status) {
  if (tp_status < 0x03) return DeliveryOutcome::kDelivered;
  if ((tp_status & 0x40) != 0) return DeliveryOutcome::kFailed;
  if ((tp_status & 0x20) != 0) return DeliveryOutcome::kPending;
  return DeliveryOutcome::kUnknown;
}

}  // namespace osprey::smsgw::modem
