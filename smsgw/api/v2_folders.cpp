#include "smsgw/api/v2_folders.hpp"

#include <set>
#include <vector>

#include "smsgw/api/service.hpp"
#include "smsgw/api/v2_send_request.hpp"

namespace osprey::smsgw::api {
namespace {

using accounts::Permission;
using accounts::Principal;
using nlohmann::json;

constexpr ApiFolder kAllFolders[] = {ApiFolder::kInbox, ApiFolder::kOutbox, ApiFolder::kSent,
                                     ApiFolder::kError, ApiFolder::kDelivered};

http::Response Rejected(const send::FieldErrors& errors) {
  return JsonUtf8(400, {{"message", json(errors)}});
}

std::optional<std::string> PathParam(const http::Request& r, const char* name) {
  auto it = r.path_params.find(name);
  if (it == r.path_params.end()) return std::nullopt;
  return it->second;
}

// A required integer path parameter; adds kNotAnInt to `errors` when it is not one.
std::optional<std::int64_t> PathId(const http::Request& r, const char* name, send::FieldErrors& errors) {
  auto value = ParseIntParam(PathParam(r, name).value_or(""));
  if (!value) errors.emplace(name, kNotAnInt);
  return value;
}

// A required modem number in the PATCH body: present, an integer, and a configured modem.
std::optional<int> BodyModemNo(const json& fields, const char* name, const std::function<bool(int)>& exists,
                               send::FieldErrors& errors) {
  auto it = fields.find(name);
  if (it == fields.end() || it->is_null() || *it == "") {
    errors.emplace(name, "This value should not be blank.");
    return std::nullopt;
  }
  auto n = DecodeIntField(*it);
  if (!n) {
    errors.emplace(name, AttributeTypeError("int", *it));
    return std::nullopt;
  }
  if (*n < 1 || *n > send::kMaxModemNo || (exists && !exists(static_cast<int>(*n)))) {
    errors.emplace(name, "Incorrect modem number.");
    return std::nullopt;
  }
  return static_cast<int>(*n);
}

// The folders a DELETE on `folder` clears: "sent" is Gammu's sentitems, failed messages included.
std::vector<queue::Folder> DeletedFolders(ApiFolder folder) {
  if (folder == ApiFolder::kOutbox) return {queue::Folder::kOutbox};
  if (folder == ApiFolder::kSent) return {queue::Folder::kSent, queue::Folder::kError};
  return {};
}

Result<json> RenderItems(queue::Store& store, const std::vector<queue::MessageRecord>& records,
                         const UtcOffsetFn& offset) {
  std::set<std::int64_t> owners;
  for (const auto& m : records) owners.insert(m.owner_id);
  const std::vector<std::int64_t> owner_ids(owners.begin(), owners.end());
  auto names = store.OwnerNames(owner_ids);
  if (!names.ok()) return names.error();
  json items = json::array();
  for (const auto& m : records) {
    auto name = names->find(m.owner_id);
    items.push_back(RenderMessageItem(
        m, name == names->end() ? std::nullopt : std::optional<std::string>(name->second), offset));
  }
  return items;
}

}  // namespace

ApiV2Folders::ApiV2Folders(const ApiV2Auth& auth, queue::Store& store, const send::SendService&,
                           std::function<bool(int)> modem_exists, inbox::InboxStore* inbox)
    : auth_(auth), store_(store), inbox_(inbox), modem_exists_(std::move(modem_exists)) {}

void ApiV2Folders::Register(http::Router& router) const {
  AddApiV2Route(router, "GET", "/messages/{folder}", [this](http::Request& r) { return List(r); });
  AddApiV2Route(router, "GET", "/messages/status/{id}", [this](http::Request& r) { return Status(r); });
  const auto count = [this](http::Request& r) { return Count(r); };
  AddApiV2Route(router, "GET", "/messages/count", count);
  AddApiV2Route(router, "GET", "/messages/count/{folder}", count);
  const auto del = [this](http::Request& r) { return Delete(r); };
  AddApiV2Route(router, "DELETE", "/messages/{folder}/{id_from}/{id_to}", del);
  AddApiV2Route(router, "DELETE", "/messages/{folder}/{id_from}/{id_to}/{creator_id}", del);
  AddApiV2Route(router, "PATCH", "/messages/outbox_modem_no",
                [this](http::Request& r) { return ReassignModem(r); });
  // Without this, GET /messages/outbox_modem_no would be read as a folder name (400, not 405).
  AddApiV2Route(router, "*", "/messages/outbox_modem_no", [this](http::Request& r) {
    auto caller = auth_.Authorize(r, std::nullopt);
    if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
    return MessageResponse(405, "Unknown method.");
  });
}

http::Response ApiV2Folders::List(const http::Request& request) const {
  auto caller = auth_.Authorize(request, Permission::kMessagesRead);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  send::FieldErrors errors;
  auto folder = ParseApiFolder(PathParam(request, "folder").value_or(""));
  if (!folder) errors.emplace("folder", kInvalidChoice);
  ListQuery query = ParseListQuery(request.query, errors);
  if (!errors.empty()) return Rejected(errors);
  if (query.with_attachments) return JsonUtf8(200, json::array());  // no MMS
  if (*folder == ApiFolder::kInbox) return ListInbox(query);
  auto queue_folder = QueueFolderOf(*folder);
  if (!queue_folder) return JsonUtf8(200, json::array());
  query.filter.owner_id = ScopeOf(std::get<Principal>(caller));
  auto records = store_.List(*queue_folder, query.filter);
  if (!records.ok()) return RenderFailure(records.error());
  auto items = RenderItems(store_, *records, utc_offset_);
  if (!items.ok()) return RenderFailure(items.error());
  return JsonUtf8(200, *items);
}

// The inbox: every caller sees it (owner_id is not a filter there).
http::Response ApiV2Folders::ListInbox(const ListQuery& query) const {
  if (inbox_ == nullptr) return JsonUtf8(200, json::array());
  auto messages = inbox_->List({query.filter, query.unread_only});
  if (!messages.ok()) return RenderFailure(messages.error());
  json items = json::array();
  for (const auto& m : *messages) items.push_back(RenderInboxItem(m, utc_offset_));
  return JsonUtf8(200, items);
}

http::Response ApiV2Folders::Status(const http::Request& request) const {
  auto caller = auth_.Authorize(request, Permission::kMessagesRead);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  send::FieldErrors errors;
  auto id = PathId(request, "id", errors);
  if (!errors.empty()) return Rejected(errors);
  auto status = store_.StatusOf(*id, ScopeOf(std::get<Principal>(caller)));
  if (!status.ok()) return RenderFailure(status.error());
  if (!status->has_value()) return MessageResponse(404, "Resource not found.");
  const queue::StatusView& s = **status;
  return JsonUtf8(200, {{"status", s.status}, {"id", s.id}, {"folder", s.folder}});
}

http::Response ApiV2Folders::Count(const http::Request& request) const {
  auto caller = auth_.Authorize(request, Permission::kMessagesRead);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  send::FieldErrors errors;
  std::optional<ApiFolder> only;
  if (auto name = PathParam(request, "folder")) {
    only = ParseApiFolder(*name);
    if (!only) errors.emplace("folder", kInvalidChoice);
  }
  queue::MessageFilter filter = ParseCountQuery(request.query, errors);
  if (!errors.empty()) return Rejected(errors);
  filter.owner_id = ScopeOf(std::get<Principal>(caller));
  json counts = json::object();
  for (ApiFolder folder : kAllFolders) {
    if (only && folder != *only) continue;
    std::int64_t n = 0;
    if (folder == ApiFolder::kInbox && inbox_ != nullptr) {
      auto counted = inbox_->Count({filter, false});
      if (!counted.ok()) return RenderFailure(counted.error());
      n = *counted;
    } else if (auto queue_folder = QueueFolderOf(folder)) {
      auto counted = store_.Count(*queue_folder, filter);
      if (!counted.ok()) return RenderFailure(counted.error());
      n = *counted;
    }
    counts[std::string(ApiFolderName(folder))] = n;
  }
  return JsonUtf8(200, counts);
}

http::Response ApiV2Folders::Delete(const http::Request& request) const {
  auto caller = auth_.Authorize(request, Permission::kMessagesDelete);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  send::FieldErrors errors;
  auto folder = ParseApiFolder(PathParam(request, "folder").value_or(""));
  if (!folder ||
      (*folder != ApiFolder::kInbox && *folder != ApiFolder::kOutbox && *folder != ApiFolder::kSent))
    errors.emplace("folder", kInvalidChoice);
  auto id_from = PathId(request, "id_from", errors);
  auto id_to = PathId(request, "id_to", errors);
  std::optional<std::int64_t> creator;
  if (PathParam(request, "creator_id")) creator = PathId(request, "creator_id", errors);
  if (!errors.empty()) return Rejected(errors);
  const std::optional<std::int64_t> scope = ScopeOf(std::get<Principal>(caller));
  // Another user's messages are invisible to a scoped caller: asking for them deletes nothing.
  if (*folder == ApiFolder::kInbox && inbox_ != nullptr) {
    auto removed = inbox_->Delete(*id_from, *id_to);
    if (!removed.ok()) return RenderFailure(removed.error());
  } else if (!(scope && creator && *scope != *creator)) {
    for (queue::Folder f : DeletedFolders(*folder)) {
      auto removed = store_.Delete(f, *id_from, *id_to, creator ? creator : scope);
      if (!removed.ok()) return RenderFailure(removed.error());
    }
  }
  return MessageResponse(200, "Resource(s) removed successfully.");
}

http::Response ApiV2Folders::ReassignModem(const http::Request& request) const {
  auto caller = auth_.Authorize(request, Permission::kMessagesModify);
  if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
  const json fields = BodyFields(request);
  send::FieldErrors errors;
  auto current = BodyModemNo(fields, "current_modem_no", modem_exists_, errors);
  auto next = BodyModemNo(fields, "new_modem_no", modem_exists_, errors);
  if (!errors.empty()) return Rejected(errors);
  auto changed = store_.ReassignOutboxModem(*current, *next, ScopeOf(std::get<Principal>(caller)));
  if (!changed.ok()) return RenderFailure(changed.error());
  return MessageResponse(200, "Resource(s) updated successfully.");
}

}  // namespace osprey::smsgw::api
