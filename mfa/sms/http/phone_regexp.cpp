#include "mfa/sms/http/phone_regexp.hpp"

#include <spdlog/spdlog.h>

#include "mfa/sms/http/python_regex.hpp"

namespace osprey::mfa::sms {

std::string MangledPhone(const GatewayDefinition& gateway, const std::string& phone) {
  const auto regexp = gateway.options.find("REGEXP");
  if (regexp == gateway.options.end()) return phone;
  Result<std::string> mangled = ApplyPhoneRegexp(regexp->second, phone);
  if (mangled.ok()) return std::move(*mangled);
  spdlog::warn("sms: can not mangle the phone number, please check the REGEXP {} of gateway '{}': {}",
               regexp->second, gateway.name, mangled.error().message());
  return phone;
}

}  // namespace osprey::mfa::sms
