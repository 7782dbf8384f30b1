// The REGEXP option every SMS provider shares (privacyIDEA's ISMSProvider._mangle_phone and
// regexp_description; spec privacyidea-api.md §13.6), for the providers outside this module (Script, SMTP).
// Thread rule: pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

#include "mfa/sms/sms_provider.hpp"

namespace osprey::mfa::sms {

// The description of REGEXP in GET /smsgateway/providers.
inline constexpr std::string_view kRegexpDescription =
    "Regular expression to modify the phone number to make it compatible with the provider. For example to "
    "remove pluses and slashes enter something like '/[\\+/]//'.";

// `phone` after the gateway's REGEXP option (ApplyPhoneRegexp); unchanged without one, and unchanged (with a
// warning naming the gateway, never the number) when the REGEXP does not compile.
std::string MangledPhone(const GatewayDefinition& gateway, const std::string& phone);

}  // namespace osprey::mfa::sms
