// The APIv2 routes that read and maintain stored messages (smseagle-api.md §7-§9):
//   GET    /messages/{folder}                                      messages.read
//   GET    /messages/status/{id}                                   messages.read
//   GET    /messages/count, /messages/count/{folder}               messages.read
//   DELETE /messages/{folder}/{id_from}/{id_to}[/{creator_id}]     messages.delete
//   PATCH  /messages/outbox_modem_no                               messages.modify
// Checks run in the spec's order (§1.6): 401, 405 (the catch-all of ApiV2Messages), 403, 400, 404. A caller
// without "access to resources of all users" sees only the messages its user created (§3.5): others are
// left out of lists and counts, 404 on status and untouched by delete and modify. Dates are rendered in the
// gateway's local time.
//
// The inbox (when `inbox` is set; else it reads as empty) is visible to every caller with the permission:
// inbound messages have no creator (§3.5), so creator_id does not narrow an inbox DELETE [D].
//
// Ownership: refers to `auth`, `store` and `inbox`, which must outlive it and the router it fills.
// Thread rule: immutable after construction; handlers run concurrently.
#pragma once

#include <functional>

#include "osprey/http/router.hpp"
#include "smsgw/api/v2_common.hpp"
#include "smsgw/api/v2_message_json.hpp"
#include "smsgw/inbox/inbox_store.hpp"
#include "smsgw/queue/store.hpp"
#include "smsgw/send/send_service.hpp"

namespace osprey::smsgw::api {

class ApiV2Folders {
 public:
  // `modem_exists` says whether a modem number is configured (PATCH accepts only those); `sender` is kept for
  // the wiring's symmetry with the other route groups and is not used by these routes.
  ApiV2Folders(const ApiV2Auth& auth, queue::Store& store, const send::SendService& sender,
               std::function<bool(int)> modem_exists, inbox::InboxStore* inbox = nullptr);
  ApiV2Folders(const ApiV2Folders&) = delete;
  ApiV2Folders& operator=(const ApiV2Folders&) = delete;

  // Adds the routes to `router`. Throws std::logic_error if one is already there.
  void Register(http::Router& router) const;

 private:
  http::Response List(const http::Request& request) const;
  http::Response Status(const http::Request& request) const;
  http::Response Count(const http::Request& request) const;
  http::Response Delete(const http::Request& request) const;
  http::Response ReassignModem(const http::Request& request) const;
  http::Response ListInbox(const ListQuery& query) const;

  const ApiV2Auth& auth_;
  queue::Store& store_;
  inbox::InboxStore* const inbox_;  // nullable
  const std::function<bool(int)> modem_exists_;
  const UtcOffsetFn utc_offset_ = LocalUtcOffset;
};

}  // namespace osprey::smsgw::api
