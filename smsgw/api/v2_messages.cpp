#include "smsgw/api/v2_messages.hpp"

#include "smsgw/api/service.hpp"
#include "smsgw/api/v2_send_request.hpp"

namespace osprey::smsgw::api {
namespace {

constexpr const char* kPrefixes[] = {"/api/v2", "/index.php/api/v2"};

}  // namespace

ApiV2Messages::ApiV2Messages(const ApiV2Auth& auth, const send::SendService& sender)
    : auth_(auth), sender_(sender) {}

void ApiV2Messages::Register(http::Router& router) const {
  const auto post_sms = [this](http::Request& r) { return PostSms(r); };
  const auto unknown = [this](http::Request& r) { return UnknownMethod(r); };
  AddApiV2Route(router, "POST", "/messages/sms", post_sms);
  AddApiV2Route(router, "POST", "/messages/sms_single",
                [this](http::Request& r) { return PostSmsSingle(r); });
  AddApiV2Route(router, "*", "/messages/sms", unknown);
  AddApiV2Route(router, "*", "/messages/sms_single", unknown);
  for (const std::string prefix : kPrefixes) {
    router.Add("*", prefix, unknown);
    router.Add("*", prefix + "/{rest...}", unknown);
  }
}

http::Response ApiV2Messages::PostSms(const http::Request& request) const {
  auto caller = auth_.Authorize(request, accounts::Permission::kMessagesSendSms);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  const send::SendRequest send_request = DecodeSendRequest(BodyFields(request));
  const auto& who = std::get<accounts::Principal>(caller);
  auto outcome = sender_.Send(send::Sender{who.user_id, !ScopeOf(who).has_value()}, send_request);
  if (!outcome.ok()) return RenderFailure(outcome.error());
  return RenderSendOutcome(*outcome);
}

http::Response ApiV2Messages::PostSmsSingle(const http::Request& request) const {
  auto caller = auth_.Authorize(request, accounts::Permission::kMessagesSendSmsSingle);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  const send::SendRequest send_request = DecodeSingleSendRequest(BodyFields(request));
  const auto& who = std::get<accounts::Principal>(caller);
  auto outcome = sender_.Send(send::Sender{who.user_id, !ScopeOf(who).has_value()}, send_request);
  if (!outcome.ok()) return RenderFailure(outcome.error());
  RenameSingleRecipientErrors(outcome->rejected);
  return RenderSendOutcome(*outcome);
}

http::Response ApiV2Messages::UnknownMethod(const http::Request& request) const {
  auto caller = auth_.Authorize(request, std::nullopt);
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

}  // namespace osprey::smsgw::api
