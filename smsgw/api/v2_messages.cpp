#include "smsgw/api/v2_messages.hpp"

#include <spdlog/spdlog.h>

#include "smsgw/api/service.hpp"
#include "smsgw/api/v2_send_request.hpp"

namespace osprey::smsgw::api {
namespace {

constexpr const char* kPrefixes[] = {"/api/v2", "/index.php/api/v2"};

http::Response JsonUtf8(int status, const nlohmann::json& body) {
  http::Response r = http::Response::Json(status, body);
  r.headers.Set("Content-Type", "application/json; charset=utf-8");
  return r;
}

}  // namespace

ApiV2Messages::ApiV2Messages(const accounts::Authenticator& authenticator, const send::SendService& sender)
    : authenticator_(authenticator), sender_(sender) {}

void ApiV2Messages::Register(http::Router& router) const {
  const auto post_sms = [this](http::Request& r) { return PostSms(r); };
  const auto unknown = [this](http::Request& r) { return UnknownMethod(r); };
  for (const std::string prefix : kPrefixes) {
    router.Add("POST", prefix + "/messages/sms", post_sms);
    router.Add("POST", prefix + "/messages/sms/", post_sms);
    router.Add("*", prefix, unknown);
    router.Add("*", prefix + "/{rest...}", unknown);
  }
}

std::variant<accounts::Principal, http::Response> ApiV2Messages::Authorize(
    const http::Request& request, std::optional<accounts::Permission> permission) const {
  auto principal = authenticator_.AuthenticateApiV2(FindApiV2Token(request).value_or(""));
  if (!principal.ok()) return RenderFailure(principal.error());
  if (permission && !principal->Has(*permission)) {
    return MessageResponse(403, "User has no access to this method.");
  }
  return std::move(*principal);
}

http::Response ApiV2Messages::PostSms(const http::Request& request) const {
  auto caller = Authorize(request, accounts::Permission::kMessagesSendSms);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  const send::SendRequest send_request = DecodeSendRequest(BodyFields(request));
  auto outcome = sender_.Send(std::get<accounts::Principal>(caller).user_id, send_request);
  if (!outcome.ok()) return RenderFailure(outcome.error());
  return RenderSendOutcome(*outcome);
}

http::Response ApiV2Messages::UnknownMethod(const http::Request& request) const {
  auto caller = Authorize(request, std::nullopt);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  return MessageResponse(405, "Unknown method.");
}

http::Response RenderSendOutcome(const send::SendOutcome& outcome) {
  if (!outcome.rejected.empty()) {
    return JsonUtf8(400, {{"message", nlohmann::json(outcome.rejected)}});
  }
  nlohmann::json items = nlohmann::json::array();
  for (const send::RecipientResult& r : outcome.recipients) {
    if (r.id) {
      items.push_back({{"status", "queued"}, {"message", "OK"}, {"number", r.number}, {"id", *r.id}});
    } else {
      items.push_back({{"status", "error"}, {"message", r.error}, {"number", r.number}, {"id", nullptr}});
    }
  }
  return JsonUtf8(200, items);
}

http::Response RenderFailure(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kUnauthenticated: return MessageResponse(401, "Invalid API key.");
    case ErrorCode::kUnavailable:
    case ErrorCode::kTimeout:
      spdlog::warn("gateway api: {}", error.ToString());
      return MessageResponse(400, "Service unavailable.");
    default:
      spdlog::error("gateway api: {}", error.ToString());
      return MessageResponse(500, "Internal server error.");
  }
}

}  // namespace osprey::smsgw::api
