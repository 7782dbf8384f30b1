// GatewayService: the SMS gateway's HTTP surface (SMSEagle wire format): /healthz, the APIv2 route groups
// (v2_*.hpp), APIv1 and JSON-RPC. Each route group is one class with a Register(router) member.
// Ownership: refers to everything in GatewayDeps, which must outlive it.
// Thread rule: immutable after construction; handlers run concurrently on the server's worker pool.
#pragma once

#include <functional>
#include <memory>

#include "osprey/core/rate_limiter.hpp"
#include "osprey/http/server.hpp"
#include "smsgw/api/v1_http.hpp"
#include "smsgw/api/v1_jsonrpc.hpp"
#include "smsgw/api/v2_common.hpp"
#include "smsgw/api/v2_folders.hpp"
#include "smsgw/api/v2_messages.hpp"
#include "smsgw/api/v2_modem.hpp"
#include "smsgw/api/v2_phonebook.hpp"
#include "smsgw/inbox/inbox_store.hpp"
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
  phonebook::Phonebook* phonebook = nullptr;  // optional: without it no phonebook routes, every id unknown
  std::function<bool(int)> modem_exists;      // whether a modem number is configured
  RateLimiter* rate_limiter = nullptr;        // optional: no per-token rate limit
  inbox::InboxStore* inbox = nullptr;         // optional: without it the inbox reads as empty
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
  ApiV2Folders v2_folders_;
  ApiV2Modem v2_modem_;
  std::unique_ptr<ApiV2Phonebook> v2_phonebook_;  // when deps_.phonebook is set
  ApiV1 v1_;
  ApiV1JsonRpc v1_jsonrpc_;
  http::Router router_;
};

// SMSEagle's error body {"message":"<text>"} with Content-Type application/json; charset=utf-8 (spec §4).
http::Response MessageResponse(int status, const std::string& text);

}  // namespace osprey::smsgw::api
