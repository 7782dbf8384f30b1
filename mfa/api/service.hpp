// MfaService: the MFA server's HTTP surface (privacyIDEA wire format): /healthz and the privacyIDEA endpoints
// of every route group in api_context.hpp.
// Thread rule: immutable after construction; handlers run concurrently on the server's worker pool.
#pragma once

#include <functional>

#include "mfa/api/api_context.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/http/server.hpp"

namespace osprey::mfa::api {

class MfaService final : public http::Service {
 public:
  // `healthy` answers whether the service's dependencies (database) are usable; it must be cheap and
  // thread-safe. `clock` and `ctx` (with every service it points to) must outlive the service. A null `ctx`
  // serves /healthz only (tests of the envelope and framework errors).
  MfaService(const Clock& clock, std::function<bool()> healthy, const ApiContext* ctx = nullptr);
  std::string Name() const override { return "mfa"; }
  const http::Router& Routes() const override { return router_; }
  http::Response RenderError(http::FrameworkError error, const std::string& detail,
                             const http::Request& request) const override;

 private:
  const Clock& clock_;
  std::function<bool()> healthy_;
  http::Router router_;
};

}  // namespace osprey::mfa::api
