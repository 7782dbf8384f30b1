// MfaService: the MFA server's HTTP surface (privacyIDEA wire format). For now it serves /healthz; the
// privacyIDEA endpoints are added to its route table as the domain grows (issue 5).
// Thread rule: immutable after construction; handlers run concurrently on the server's worker pool.
#pragma once

#include <functional>

#include "osprey/core/clock.hpp"
#include "osprey/http/server.hpp"

namespace osprey::mfa::api {

class MfaService final : public http::Service {
 public:
  // `healthy` answers whether the service's dependencies (database) are usable; it must be cheap and
  // thread-safe. `clock` must outlive the service.
  MfaService(const Clock& clock, std::function<bool()> healthy);
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
