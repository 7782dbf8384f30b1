// JSON-RPC APIv1 (smseagle-api.md §11): POST /jsonrpc/sms and /index.php/jsonrpc/sms (with and without a
// trailing slash), body {"method":"sms.send_sms","params":{...}}. Every APIv1 method is on this one URL
// (sms.* and signal.get_gsmsignal); params may be strings or integers; `responsetype` "extended" or
// "simple" (the default). Every reply is HTTP 200 {"result":...}; a body that is not a JSON object with a
// string `method`, or whose `params` is not an object, gets {"result":"Wrong parameters"} [D].
//
// Ownership: refers to `v1`, which must outlive it and the router it fills.
// Thread rule: immutable after construction; handlers run concurrently.
#pragma once

#include <optional>

#include "osprey/http/router.hpp"
#include "osprey/http/server.hpp"
#include "smsgw/api/v1_http.hpp"

namespace osprey::smsgw::api {

class ApiV1JsonRpc {
 public:
  explicit ApiV1JsonRpc(const ApiV1& v1);
  ApiV1JsonRpc(const ApiV1JsonRpc&) = delete;
  ApiV1JsonRpc& operator=(const ApiV1JsonRpc&) = delete;

  // Adds POST /jsonrpc/sms under both prefixes. Throws std::logic_error on a duplicate route.
  void Register(http::Router& router) const;

 private:
  http::Response Handle(const http::Request& request) const;

  const ApiV1& v1_;
};

// The APIv1 answer to a request the framework refused before routing (e.g. a JSON-RPC body that does not
// parse: 200 {"result":"Wrong parameters"}; an APIv1 request: 200 "Wrong parameters"). nullopt when
// `request` is not for APIv1 or JSON-RPC, or `error` is not kBadRequest.
std::optional<http::Response> ApiV1FrameworkReply(http::FrameworkError error, const http::Request& request);

}  // namespace osprey::smsgw::api
