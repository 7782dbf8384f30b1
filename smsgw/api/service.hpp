// GatewayService: the SMS gateway's HTTP surface (SMSEagle wire format): /healthz, the APIv2 route groups
// (v2_*.hpp), APIv1 and JSON-RPC. Each route group is one class with a Register(router) member.
// Ownership: refers to everything in GatewayDeps, which must outlive it.
// Thread rule: immutable after construction; handlers run concurrently on the server's worker pool.
#pragma once

#include <functional>

#include "osprey/core/rate_limiter.hpp"
#include "osprey/http/server.hpp"
#include "smsgw/api/v2_common.hpp"
#include "smsgw/api/v2_messages.hpp"
#include "smsgw/modem/fleet.hpp"
#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::api {

// What the gateway's API calls into. Pointers are never null unless marked optional.
struct GatewayDeps {
  std::function<bool()> healthy;  // whether the gateway's dependencies are usable; cheap, thread-safe
  const accounts::Authenticator* authenticator = nullptr;
  const send::SendService* sender = nullptr;
  queue::Store* store = nullptr;
  modem::Fleet* fleet = nullptr;
  RateLimiter* rate_limiter = nullptr;  // optional: no per-token rate limit
};

class GatewayService final : public http::Service {
 public:
  explicit GatewayService(GatewayDeps deps);
  std::string Name() const override { return "gateway"; }
  const http::Router& Routes() const override { return router_; }
  http::Response RenderError(http::FrameworkError error, const std::string& detail,
                             const http::Request& request) const override;

 private:
  GatewayDeps deps_;
  ApiV2Auth auth_;
  ApiV2Messages v2_messages_;
  http::Router router_;
};

// SMSEagle's error body {"message":"<text>"} with Content-Type application/json; charset=utf-8 (spec §4).
http::Response MessageResponse(int status, const std::string& text);

}  // namespace osprey::smsgw::api
