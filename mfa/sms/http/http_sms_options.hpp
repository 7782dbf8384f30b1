// The options of an HttpSMSProvider gateway definition that set up the HTTP exchange (spec
// privacyidea-api.md §13.1, §13.3): TIMEOUT, basic auth (USERNAME/PASSWORD or the URL's user information),
// HTTP_PROXY/HTTPS_PROXY/PROXY and the configured headers. Error messages never contain PASSWORD, the URL's
// user information or a header value. All functions are pure and thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "mfa/sms/http/http_sms_request.hpp"
#include "mfa/sms/sms_provider.hpp"
#include "osprey/core/result.hpp"
#include "osprey/http/client.hpp"

namespace osprey::mfa::sms {

using GatewayOptions = OrderedStringMap;

// The option's value, or nullptr when the key (exact, case-sensitive) is absent.
const std::string* FindOption(const GatewayOptions& options, std::string_view key);

// True for the keys of §13.1 (URL, HTTP_METHOD, ..., TIMEOUT): every other option is a request parameter.
bool IsProviderOption(std::string_view key);

// TIMEOUT as Python's float() seconds, rounded up to whole milliseconds; absent or empty → 3 s. Fails
// (kInvalidArgument) on text float() rejects ("could not convert string to float: '<value>'"), on zero or
// negative values, NaN and infinity (urllib3 refuses them). Values above one day are cut to one day.
Result<std::chrono::milliseconds> GatewayTimeout(const GatewayOptions& options);

struct BasicAuth {
  std::string user;      // Latin-1 bytes, as requests encodes them
  std::string password;  // Latin-1 bytes
};

// privacyIDEA's basic-auth rule: with neither USERNAME nor PASSWORD, the URL's "user:password@" supplies
// them (kInvalidArgument when the authority holds more than one '@' or the user information not exactly
// one ':'); credentials are used iff the user is non-empty and a password (maybe empty) exists. Otherwise
// requests falls back to the URL's percent-decoded user information when either part is non-empty. nullopt:
// no basic auth. kInvalidArgument also when a credential is not Latin-1 text.
Result<std::optional<BasicAuth>> GatewayBasicAuth(const GatewayOptions& options, const GatewayUrl& url);

// HTTP_PROXY and HTTPS_PROXY when non-empty; when both are unset, a non-empty PROXY serves the scheme named
// before its first ':' (http or https; any other name serves nothing).
void SetGatewayProxies(const GatewayOptions& options, http::ClientRequest& request);

// Adds every configured header verbatim, in the configured order, except Authorization (any case) when
// `basic_auth` replaces it. kInvalidArgument for a name or value python-requests refuses: an empty name, a
// name with ':', CR or LF or leading whitespace, a value with CR or LF or leading whitespace (the message
// names the header, never quotes its value).
Status AddGatewayHeaders(const OrderedStringMap& headers, bool basic_auth, http::ClientRequest& request);

}  // namespace osprey::mfa::sms
