#include "mfa/token/sms_type.hpp"

#include "mfa/system/system_config.hpp"

namespace osprey::mfa::token {
namespace {

std::string Trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"' || s.front() == '[')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == ']')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

PiStatus SmsType::Init(const InitParams& params, const TokenDefaults& defaults, TokenRecord& record) const {
  PiStatus oath = InitOath(params, defaults, defaults.hotp_hashlib, record);
  if (!oath.ok()) return oath;
  auto dynamic = params.find("dynamic_phone");
  if (dynamic != params.end() && system::IsTrue(dynamic->second)) {
    record.info["dynamic_phone"] = "True";
  } else {
    auto phone = params.find("phone");
    if (phone == params.end() || phone->second.empty()) return ParameterError("Missing parameter: 'phone'");
    record.info["phone"] = phone->second;
  }
  auto identifier = params.find("sms.identifier");
  if (identifier != params.end() && !identifier->second.empty())
    record.info["sms.identifier"] = identifier->second;
  return PiOk();
}

std::string SmsPhoneOf(const TokenRecord& record, std::string_view owner_mobile) {
  if (!system::IsTrue(record.Info("dynamic_phone"))) return record.Info("phone");
  // A resolver may hold several numbers ("a, b" or a JSON list): the first one (§11.1).
  return Trimmed(owner_mobile.substr(0, owner_mobile.find(',')));
}

}  // namespace osprey::mfa::token
