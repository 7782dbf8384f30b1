#include "smsgw/api/v1_http.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "osprey/core/secret.hpp"
#include "smsgw/api/service.hpp"
#include "smsgw/api/v2_common.hpp"

namespace osprey::smsgw::api {
namespace {

bool ByToken(const V1Params& params) { return params.count("access_token") > 0; }

std::string AuthFailureText(const V1Params& params, V1AuthTexts texts) {
  return texts == V1AuthTexts::kByCredential && ByToken(params) ? kV1InvalidToken : kV1InvalidLogin;
}

// The form body, also when a client posts key=value pairs without a Content-Type.
std::string_view FormBody(const http::Request& request) {
  if (!request.form.empty()) return request.body;
  if (!request.json && !request.headers.Has("Content-Type")) return request.body;
  return {};
}

template <typename T>
const std::string* DecodeError(const V1Decoded<T>& decoded) {
  return std::get_if<std::string>(&decoded);
}

}  // namespace

ApiV1::ApiV1(const GatewayDeps& deps, const send::RecipientDirectory* directory)
    : deps_(deps), directory_(directory) {}

void ApiV1::Register(http::Router& router) const {
  const auto handle = [this](http::Request& r) { return Handle(r); };
  for (const std::string prefix : {"/http_api", "/index.php/http_api"}) {
    for (const std::string method : {"GET", "POST"}) {
      router.Add(method, prefix + "/{method}", handle);
      router.Add(method, prefix + "/{method}/", handle);
    }
  }
}

http::Response ApiV1::Handle(const http::Request& request) const {
  const V1Params params = ParamsFromUrlEncoded(request.raw_query, FormBody(request));
  const V1Reply reply =
      Call(FindV1HttpMethod(request.path_params.at("method")), params, V1AuthTexts::kByCredential);
  if (HttpFormatOf(params) == V1Format::kXml) {
    return http::Response::Text(200, RenderV1Xml(reply), "text/xml; charset=utf-8");
  }
  return http::Response::Text(200, RenderV1Text(reply));
}

V1Reply ApiV1::Call(const std::optional<V1MethodSpec>& method, const V1Params& params,
                    V1AuthTexts texts) const {
  auto caller = Authenticate(params, texts);
  if (auto* denied = std::get_if<V1Reply>(&caller)) return std::move(*denied);
  const auto& principal = std::get<accounts::Principal>(caller);
  if (!method) return V1Reply::Error(kV1WrongParameters);
  // APIv1 has no "no access" text: a caller without the permission is refused like a bad credential [D].
  if (!principal.Has(method->permission)) return V1Reply::Error(AuthFailureText(params, texts));
  if (deps_.rate_limiter != nullptr && !deps_.rate_limiter->Allow(principal.user_id)) {
    return V1Reply::Error(kV1TooManyRequests);
  }
  return Run(method->method, params, principal);
}

std::variant<accounts::Principal, V1Reply> ApiV1::Authenticate(const V1Params& params,
                                                               V1AuthTexts texts) const {
  const std::string failure = AuthFailureText(params, texts);
  Result<accounts::Principal> principal = Error(ErrorCode::kUnauthenticated, "no credentials");
  if (ByToken(params)) {
    principal = deps_.authenticator->AuthenticateApiV1Token(params.at("access_token"));
  } else if (params.count("login") && params.count("pass")) {
    principal = deps_.authenticator->AuthenticateApiV1Password(params.at("login"), Secret(params.at("pass")));
  }
  if (principal.ok()) return std::move(*principal);
  if (principal.error().code() == ErrorCode::kUnauthenticated) return V1Reply::Error(failure);
  return V1Failure(principal.error());
}

V1Reply ApiV1::Run(V1Method method, const V1Params& params, const accounts::Principal& caller) const {
  switch (method) {
    case V1Method::kSendSms:
    case V1Method::kSendToGroup:
    case V1Method::kSendToContact: return SendTo(method, params, caller);
    case V1Method::kReadSms: return Read(params, caller);
    case V1Method::kDeleteSms: return Delete(params, caller);
    case V1Method::kGetQueueLength:
    case V1Method::kGetInboxLength:
    case V1Method::kGetSentitemsLength: return Length(method, caller);
    case V1Method::kGetGsmSignal: return Signal(params);
  }
  return V1Reply::Error(kV1WrongParameters);
}

// send_togroup / send_tocontact name one phonebook entry; it becomes the request's group or contact id.
V1Reply ApiV1::SendTo(V1Method method, const V1Params& params, const accounts::Principal& caller) const {
  auto decoded = DecodeV1Send(params, method == V1Method::kSendSms);
  if (const std::string* error = DecodeError(decoded)) return V1Reply::Error(*error);
  send::SendRequest& request = std::get<send::SendRequest>(decoded);
  if (method != V1Method::kSendSms) {
    const bool group = method == V1Method::kSendToGroup;
    auto name = params.find(group ? "groupname" : "contactname");
    if (name == params.end() || name->second.empty() || directory_ == nullptr) {
      return V1Reply::Error(kV1WrongParameters);
    }
    auto id = group ? directory_->FindGroupByName(name->second, ScopeOf(caller))
                    : directory_->FindContactByName(name->second, ScopeOf(caller));
    if (!id.ok()) return V1Failure(id.error());
    if (!*id) return V1Reply::Error(kV1WrongParameters);
    (group ? request.groups : request.contacts).push_back(**id);
  }
  auto outcome = deps_.sender->Send(send::Sender{caller.user_id, !ScopeOf(caller).has_value()}, request);
  if (!outcome.ok()) return V1Failure(outcome.error());
  return V1SendReply(*outcome);
}

// Sent items are Gammu's sentitems table: sent and failed messages alike [D].
V1Reply ApiV1::Read(const V1Params& params, const accounts::Principal& caller) const {
  auto decoded = DecodeV1Read(params);
  if (const std::string* error = DecodeError(decoded)) return V1Reply::Error(*error);
  V1ReadQuery& query = std::get<V1ReadQuery>(decoded);
  if (query.folder == V1ReadFolder::kInbox) return ReadInbox(query);
  query.filter.owner_id = ScopeOf(caller);
  const bool outbox = query.folder == V1ReadFolder::kOutbox;
  std::vector<queue::MessageRecord> messages;
  for (queue::Folder folder : outbox ? std::vector{queue::Folder::kOutbox}
                                     : std::vector{queue::Folder::kSent, queue::Folder::kError}) {
    auto listed = deps_.store->List(folder, query.filter);
    if (!listed.ok()) return V1Failure(listed.error());
    messages.insert(messages.end(), listed->begin(), listed->end());
  }
  std::sort(messages.begin(), messages.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  if (query.filter.limit && messages.size() > static_cast<std::size_t>(*query.filter.limit)) {
    messages.resize(static_cast<std::size_t>(*query.filter.limit));
  }
  std::vector<V1Row> rows;
  for (const auto& m : messages) rows.push_back(GammuRow(m, outbox ? 2 : 3));
  return V1Reply::Rows(std::move(rows));
}

// The inbox is every caller's (inbound messages have no creator); reading does not mark it read [D].
V1Reply ApiV1::ReadInbox(const V1ReadQuery& query) const {
  if (deps_.inbox == nullptr) return V1Reply::Error(kV1NoData);
  auto messages = deps_.inbox->List({query.filter, query.unread});
  if (!messages.ok()) return V1Failure(messages.error());
  std::vector<V1Row> rows;
  for (const auto& m : *messages) rows.push_back(GammuInboxRow(m));
  return V1Reply::Rows(std::move(rows));
}

V1Reply ApiV1::Delete(const V1Params& params, const accounts::Principal& caller) const {
  auto decoded = DecodeV1Delete(params);
  if (const std::string* error = DecodeError(decoded)) return V1Reply::Error(*error);
  const V1DeleteQuery& query = std::get<V1DeleteQuery>(decoded);
  std::vector<queue::Folder> folders;
  if (query.folder == V1ReadFolder::kInbox && deps_.inbox != nullptr) {
    auto removed = deps_.inbox->Delete(query.id_from, query.id_to);
    if (!removed.ok()) return V1Failure(removed.error());
  }
  if (query.folder == V1ReadFolder::kOutbox) folders = {queue::Folder::kOutbox};
  if (query.folder == V1ReadFolder::kSentItems) folders = {queue::Folder::kSent, queue::Folder::kError};
  for (queue::Folder folder : folders) {
    auto removed = deps_.store->Delete(folder, query.id_from, query.id_to, ScopeOf(caller));
    if (!removed.ok()) return V1Failure(removed.error());
  }
  return V1Reply::Done();
}

V1Reply ApiV1::Length(V1Method method, const accounts::Principal& caller) const {
  if (method == V1Method::kGetInboxLength) {
    if (deps_.inbox == nullptr) return V1Reply::Count("inbox_length", 0);
    auto count = deps_.inbox->Count({});
    if (!count.ok()) return V1Failure(count.error());
    return V1Reply::Count("inbox_length", *count);
  }
  queue::MessageFilter filter;
  filter.owner_id = ScopeOf(caller);
  std::vector<queue::Folder> folders = {queue::Folder::kOutbox};
  if (method == V1Method::kGetSentitemsLength) folders = {queue::Folder::kSent, queue::Folder::kError};
  std::int64_t total = 0;
  for (queue::Folder folder : folders) {
    auto count = deps_.store->Count(folder, filter);
    if (!count.ok()) return V1Failure(count.error());
    total += *count;
  }
  return V1Reply::Count(method == V1Method::kGetQueueLength ? "queue_length" : "sentitems_length", total);
}

V1Reply ApiV1::Signal(const V1Params& params) const {
  auto modem_no = DecodeV1ModemNo(params);
  if (const std::string* error = DecodeError(modem_no)) return V1Reply::Error(*error);
  auto info = deps_.fleet != nullptr ? deps_.fleet->Info(std::get<int>(modem_no)) : std::nullopt;
  if (!info) return V1Reply::Error(kV1WrongModem);
  const modem::ModemHealth& health = info->health;
  return V1Reply::Count("signal_strength", health.online ? std::max(health.signal_percent, -1) : -1);
}

V1Reply V1Failure(const Error& error) {
  if (error.code() == ErrorCode::kUnavailable || error.code() == ErrorCode::kTimeout) {
    spdlog::warn("gateway apiv1: {}", error.ToString());
    return V1Reply::Error(kV1Unavailable);
  }
  spdlog::error("gateway apiv1: {}", error.ToString());
  return V1Reply::Error(kV1Internal);
}

}  // namespace osprey::smsgw::api
