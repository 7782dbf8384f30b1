#include "smsgw/sms/number.hpp"

namespace osprey::smsgw::sms {
namespace {

bool IsSeparator(char c) { return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Error InvalidNumber() { return Error(ErrorCode::kInvalidArgument, "Invalid phone number."); }

}  // namespace

Result<std::string> NormalizePhoneNumber(std::string_view raw, LeadingSpace leading_space) {
  std::string out;
  out.reserve(raw.size());
  std::size_t digits = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (i == 0 && c == ' ' && leading_space == LeadingSpace::kWasPlus) c = '+';
    if (IsSeparator(c)) continue;
    if (c == '+') {
      if (!out.empty()) return InvalidNumber();
    } else if (IsDigit(c)) {
      ++digits;
    } else {
      return InvalidNumber();
    }
    out.push_back(c);
  }
  if (digits == 0 || digits > kMaxPhoneDigits) return InvalidNumber();
  return out;
}

}  // namespace osprey::smsgw::sms
