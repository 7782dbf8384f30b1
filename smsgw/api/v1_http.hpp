// APIv1 (smseagle-api.md §11): GET or form POST /http_api/<method> and /index.php/http_api/<method>, with and
// without a trailing slash, answering in text (default) or xml (`responsetype=xml`), always with HTTP 200.
//
// ApiV1::Call is the one place that runs a method for both APIv1 transports (this one and JSON-RPC,
// v1_jsonrpc.hpp): authentication (`access_token`, else `login`+`pass`), then the method's apiv1.*
// permission, then the per-user rate limit, then one domain call (SendService, queue::Store, modem::Fleet,
// RecipientDirectory). A caller that fails authentication or lacks the permission gets its credential's
// error text ("Invalid access token" / "Invalid login or password"); over the limit, "Too many requests";
// an unknown method, "Wrong parameters" (after authentication); an infrastructure failure, "Service
// unavailable" or "Internal server error" [D, docs/compatibility.md].
//
// Ownership: refers to `deps` and `directory` (nullable: no phonebook, every name is unknown), which must
// outlive it and the router it fills. Thread rule: immutable after construction; Call runs concurrently.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "osprey/http/router.hpp"
#include "smsgw/accounts/account.hpp"
#include "smsgw/api/v1_common.hpp"
#include "smsgw/send/directory.hpp"

namespace osprey::smsgw::api {

struct GatewayDeps;

// Which error text a failed authentication is answered with.
enum class V1AuthTexts {
  kByCredential,    // APIv1 HTTP: "Invalid access token" for a token, else "Invalid login or password"
  kLoginOrPassword  // JSON-RPC: always "Invalid login or password" (spec §11 table)
};

class ApiV1 {
 public:
  ApiV1(const GatewayDeps& deps, const send::RecipientDirectory* directory);
  ApiV1(const ApiV1&) = delete;
  ApiV1& operator=(const ApiV1&) = delete;

  // Adds GET and POST /http_api/{method} under both prefixes. Throws std::logic_error on a duplicate route.
  void Register(http::Router& router) const;

  // Runs `method` (nullopt: unknown, answered "Wrong parameters" once the caller is authenticated) for the
  // caller identified by `params`. Never throws for bad input.
  V1Reply Call(const std::optional<V1MethodSpec>& method, const V1Params& params, V1AuthTexts texts) const;

 private:
  http::Response Handle(const http::Request& request) const;
  std::variant<accounts::Principal, V1Reply> Authenticate(const V1Params& params, V1AuthTexts texts) const;
  V1Reply Run(V1Method method, const V1Params& params, const accounts::Principal& caller) const;
  V1Reply SendTo(V1Method method, const V1Params& params, const accounts::Principal& caller) const;
  V1Reply Read(const V1Params& params, const accounts::Principal& caller) const;
  V1Reply ReadInbox(const V1ReadQuery& query) const;
  V1Reply Delete(const V1Params& params, const accounts::Principal& caller) const;
  V1Reply Length(V1Method method, const accounts::Principal& caller) const;
  V1Reply Signal(const V1Params& params) const;

  const GatewayDeps& deps_;
  const send::RecipientDirectory* directory_;
};

// The reply to a failed domain call: "Service unavailable" for kUnavailable/kTimeout, else "Internal server
// error" (logged).
V1Reply V1Failure(const Error& error);

}  // namespace osprey::smsgw::api
