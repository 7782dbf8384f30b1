// GatewayService: the SMS gateway's HTTP surface (SMSEagle wire format): /healthz and the APIv2 routes of
// v2_messages.hpp. APIv1 and JSON-RPC routes join its table later.
// Ownership: refers to the authenticator and the send service, which must outlive it.
// Thread rule: immutable after construction; handlers run concurrently on the server's worker pool.
#pragma once

#include <functional>

#include "osprey/http/server.hpp"
#include "smsgw/api/v2_messages.hpp"

namespace osprey::smsgw::api {

class GatewayService final : public http::Service {
 public:
  // `healthy` answers whether the gateway's dependencies are usable; cheap and thread-safe.
  GatewayService(std::function<bool()> healthy, const accounts::Authenticator& authenticator,
                 const send::SendService& sender);
  std::string Name() const override { return "gateway"; }
  const http::Router& Routes() const override { return router_; }
  http::Response RenderError(http::FrameworkError error, const std::string& detail,
                             const http::Request& request) const override;

 private:
  std::function<bool()> healthy_;
  ApiV2Messages v2_messages_;
  http::Router router_;
};

// SMSEagle's error body {"message":"<text>"} with Content-Type application/json; charset=utf-8 (spec §4).
http::Response MessageResponse(int status, const std::string& text);

}  // namespace osprey::smsgw::api
