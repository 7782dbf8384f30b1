#include "smsgw/api/service.hpp"

namespace osprey::smsgw::api {

http::Response MessageResponse(int status, const std::string& text) {
  http::Response r = http::Response::Json(status, {{"message", text}});
  r.headers.Set("Content-Type", "application/json; charset=utf-8");
  return r;
}

GatewayService::GatewayService(GatewayDeps deps)
    : deps_(std::move(deps)),
      auth_(*deps_.authenticator, deps_.rate_limiter),
      v2_messages_(auth_, *deps_.sender),
      v2_folders_(auth_, *deps_.store, *deps_.sender, deps_.modem_exists, deps_.inbox),
      v2_modem_(auth_, *deps_.fleet),
      v1_(deps_, deps_.phonebook),
      v1_jsonrpc_(v1_) {
  router_.Add("GET", "/healthz", [this](http::Request&) {
    bool ok = deps_.healthy();
    return MessageResponse(ok ? 200 : 503, ok ? "ok" : "unavailable");
  });
  v2_messages_.Register(router_);
  v2_folders_.Register(router_);
  v2_modem_.Register(router_);
  if (deps_.phonebook != nullptr) {
    v2_phonebook_ = std::make_unique<ApiV2Phonebook>(auth_, *deps_.phonebook);
    v2_phonebook_->Register(router_);
  }
  v1_.Register(router_);
  v1_jsonrpc_.Register(router_);
}

// Texts from the spec's §4 table; the [D] choices are recorded in docs/compatibility.md.
http::Response GatewayService::RenderError(http::FrameworkError error, const std::string& detail,
                                           const http::Request& request) const {
  if (auto v1 = ApiV1FrameworkReply(error, request)) return std::move(*v1);
  switch (error) {
    case http::FrameworkError::kBadRequest: return MessageResponse(400, detail);
    case http::FrameworkError::kNotFound:
    case http::FrameworkError::kMethodNotAllowed: return MessageResponse(405, "Unknown method.");
    case http::FrameworkError::kPayloadTooLarge: return MessageResponse(413, "Request body too large.");
    case http::FrameworkError::kInternal: return MessageResponse(500, "Internal server error.");
  }
  return MessageResponse(500, "Internal server error.");
}

}  // namespace osprey::smsgw::api
