// The APIv2 routes of the gateway (smseagle-api.md §1, §2, §5, §6): POST /messages/sms and
// /messages/sms_single, and a catch-all that answers 405 "Unknown method." to an authenticated caller
// (authentication comes before the route check, §1.6); other methods on the two send paths get that 405 too
// rather than being read as GET /messages/{folder}. Every route is served under /api/v2 and
// /index.php/api/v2, with and without a trailing slash.
//
// Ownership: refers to `auth` and `sender`, which must outlive it and the router it fills.
// Thread rule: immutable after construction; handlers run concurrently.
#pragma once

#include <optional>
#include <variant>

#include "osprey/http/router.hpp"
#include "smsgw/accounts/authenticator.hpp"
#include "smsgw/api/v2_common.hpp"
#include "smsgw/send/send_service.hpp"

namespace osprey::smsgw::api {

class ApiV2Messages {
 public:
  ApiV2Messages(const ApiV2Auth& auth, const send::SendService& sender);
  ApiV2Messages(const ApiV2Messages&) = delete;
  ApiV2Messages& operator=(const ApiV2Messages&) = delete;

  // Adds the routes to `router`. Throws std::logic_error if one is already there.
  void Register(http::Router& router) const;

 private:
  http::Response PostSms(const http::Request& request) const;
  http::Response PostSmsSingle(const http::Request& request) const;
  http::Response UnknownMethod(const http::Request& request) const;

  const ApiV2Auth& auth_;
  const send::SendService& sender_;
};

// The reply to a send: 400 {"message":{field:text,…}} when rejected, else 200 with one item per recipient.
http::Response RenderSendOutcome(const send::SendOutcome& outcome);

}  // namespace osprey::smsgw::api
