#include "smsgw/api/v1_jsonrpc.hpp"

#include "smsgw/api/v2_common.hpp"

namespace osprey::smsgw::api {
namespace {

http::Response RpcReply(const V1Reply& reply, V1Format format) {
  return JsonUtf8(200, RenderV1Json(reply, format == V1Format::kJsonExtended));
}

bool StartsWithAny(std::string_view path, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes) {
    if (path.substr(0, p.size()) == p) return true;
  }
  return false;
}

}  // namespace

ApiV1JsonRpc::ApiV1JsonRpc(const ApiV1& v1) : v1_(v1) {}

void ApiV1JsonRpc::Register(http::Router& router) const {
  const auto handle = [this](http::Request& r) { return Handle(r); };
  for (const std::string path : {"/jsonrpc/sms", "/index.php/jsonrpc/sms"}) {
    router.Add("POST", path, handle);
    router.Add("POST", path + "/", handle);
  }
}

http::Response ApiV1JsonRpc::Handle(const http::Request& request) const {
  const V1Reply wrong = V1Reply::Error(kV1WrongParameters);
  if (!request.json || !request.json->is_object()) return RpcReply(wrong, V1Format::kJsonSimple);
  const nlohmann::json& body = *request.json;
  const auto params = ParamsFromJson(body.value("params", nlohmann::json::object()));
  const auto method = body.find("method");
  if (!params || method == body.end() || !method->is_string()) return RpcReply(wrong, V1Format::kJsonSimple);
  const V1Reply reply =
      v1_.Call(FindV1RpcMethod(method->get<std::string>()), *params, V1AuthTexts::kLoginOrPassword);
  return RpcReply(reply, RpcFormatOf(*params));
}

std::optional<http::Response> ApiV1FrameworkReply(http::FrameworkError error, const http::Request& request) {
  if (error != http::FrameworkError::kBadRequest) return std::nullopt;
  const V1Reply wrong = V1Reply::Error(kV1WrongParameters);
  if (StartsWithAny(request.path, {"/jsonrpc/", "/index.php/jsonrpc/"})) {
    return RpcReply(wrong, V1Format::kJsonSimple);
  }
  if (StartsWithAny(request.path, {"/http_api/", "/index.php/http_api/"})) {
    return http::Response::Text(200, RenderV1Text(wrong));
  }
  return std::nullopt;
}

}  // namespace osprey::smsgw::api
