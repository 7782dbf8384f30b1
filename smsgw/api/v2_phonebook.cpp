#include "smsgw/api/v2_phonebook.hpp"

#include "smsgw/api/service.hpp"
#include "smsgw/api/v2_phonebook_request.hpp"
#include "smsgw/api/v2_send_request.hpp"

namespace osprey::smsgw::api {
namespace {

using accounts::Permission;
using accounts::Principal;

http::Response NotFound() { return MessageResponse(404, "Resource not found."); }

http::Response Failure(const Error& error) {
  return error.code() == ErrorCode::kNotFound ? NotFound() : RenderFailure(error);
}

http::Response Rejected(const send::FieldErrors& errors) { return JsonUtf8(400, {{"message", errors}}); }

template <typename T, typename F>
http::Response Render(const Result<T>& result, F to_json) {
  if (!result.ok()) return Failure(result.error());
  return JsonUtf8(200, to_json(*result));
}

template <typename T, typename F>
http::Response RenderChecked(const Result<phonebook::Checked<T>>& result, F to_json) {
  if (!result.ok()) return Failure(result.error());
  if (const auto* rejected = std::get_if<send::FieldErrors>(&*result)) return Rejected(*rejected);
  return JsonUtf8(200, to_json(std::get<T>(*result)));
}

http::Response RenderRemoved(const Status& status) {
  return status.ok() ? MessageResponse(200, "Resource(s) removed successfully.") : Failure(status.error());
}

// The {id} of the route; 0 (never an id) when it is not a positive integer.
std::int64_t PathId(const http::Request& request) {
  auto it = request.path_params.find("id");
  return it == request.path_params.end() ? 0 : ParsePathId(it->second).value_or(0);
}

}  // namespace

ApiV2Phonebook::ApiV2Phonebook(const ApiV2Auth& auth, phonebook::Phonebook& book)
    : auth_(auth), book_(book) {}

void ApiV2Phonebook::Register(http::Router& router) const {
  using Member = http::Response (ApiV2Phonebook::*)(const http::Request&, const Principal&) const;
  const auto add = [&](const char* method, const char* path, Permission permission, Member member) {
    AddApiV2Route(router, method, path, [this, permission, member](http::Request& request) {
      auto caller = auth_.Authorize(request, permission);
      if (auto* denied = std::get_if<http::Response>(&caller)) return std::move(*denied);
      return (this->*member)(request, std::get<Principal>(caller));
    });
  };
  const Permission read = Permission::kPhonebookRead, write = Permission::kPhonebookWrite;
  add("GET", "/phonebook/contacts", read, &ApiV2Phonebook::ListContacts);
  add("POST", "/phonebook/contacts", write, &ApiV2Phonebook::AddContact);
  add("GET", "/phonebook/contacts/{id}", read, &ApiV2Phonebook::GetContact);
  add("PUT", "/phonebook/contacts/{id}", write, &ApiV2Phonebook::UpdateContact);
  add("DELETE", "/phonebook/contacts/{id}", write, &ApiV2Phonebook::RemoveContact);
  add("GET", "/phonebook/groups", read, &ApiV2Phonebook::ListGroups);
  add("POST", "/phonebook/groups", write, &ApiV2Phonebook::AddGroup);
  add("GET", "/phonebook/groups/{id}", read, &ApiV2Phonebook::GetGroup);
  add("PUT", "/phonebook/groups/{id}", write, &ApiV2Phonebook::UpdateGroup);
  add("DELETE", "/phonebook/groups/{id}", write, &ApiV2Phonebook::RemoveGroup);
  add("GET", "/phonebook/groups/{id}/contacts", read, &ApiV2Phonebook::ListMembers);
  add("POST", "/phonebook/groups/{id}/contacts", write, &ApiV2Phonebook::AddMembers);
  add("DELETE", "/phonebook/groups/{id}/contacts", write, &ApiV2Phonebook::RemoveMembers);
}

http::Response ApiV2Phonebook::ListContacts(const http::Request&, const Principal& caller) const {
  return Render(book_.ListContacts(ScopeOf(caller)), ContactsJson);
}

http::Response ApiV2Phonebook::AddContact(const http::Request& request, const Principal& caller) const {
  send::FieldErrors errors;
  const phonebook::ContactFields fields = DecodeContactFields(BodyFields(request), errors);
  if (!errors.empty()) return Rejected(errors);
  return RenderChecked(book_.AddContact(caller.user_id, fields), ContactJson);
}

http::Response ApiV2Phonebook::GetContact(const http::Request& request, const Principal& caller) const {
  return Render(book_.GetContact(PathId(request), ScopeOf(caller)), ContactJson);
}

http::Response ApiV2Phonebook::UpdateContact(const http::Request& request, const Principal& caller) const {
  send::FieldErrors errors;
  const phonebook::ContactFields changes = DecodeContactFields(BodyFields(request), errors);
  if (!errors.empty()) return Rejected(errors);
  return RenderChecked(book_.UpdateContact(PathId(request), changes, ScopeOf(caller)), ContactJson);
}

http::Response ApiV2Phonebook::RemoveContact(const http::Request& request, const Principal& caller) const {
  return RenderRemoved(book_.RemoveContact(PathId(request), ScopeOf(caller)));
}

http::Response ApiV2Phonebook::ListGroups(const http::Request&, const Principal& caller) const {
  return Render(book_.ListGroups(ScopeOf(caller)), [](const std::vector<phonebook::Group>& groups) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& g : groups) out.push_back(GroupJson(g));
    return out;
  });
}

http::Response ApiV2Phonebook::AddGroup(const http::Request& request, const Principal& caller) const {
  send::FieldErrors errors;
  const phonebook::GroupFields fields = DecodeGroupFields(BodyFields(request), errors);
  if (!errors.empty()) return Rejected(errors);
  return RenderChecked(book_.AddGroup(caller.user_id, fields), GroupJson);
}

http::Response ApiV2Phonebook::GetGroup(const http::Request& request, const Principal& caller) const {
  return Render(book_.GetGroup(PathId(request), ScopeOf(caller)), GroupJson);
}

http::Response ApiV2Phonebook::UpdateGroup(const http::Request& request, const Principal& caller) const {
  send::FieldErrors errors;
  const phonebook::GroupFields changes = DecodeGroupFields(BodyFields(request), errors);
  if (!errors.empty()) return Rejected(errors);
  return RenderChecked(book_.UpdateGroup(PathId(request), changes, ScopeOf(caller)), GroupJson);
}

http::Response ApiV2Phonebook::RemoveGroup(const http::Request& request, const Principal& caller) const {
  return RenderRemoved(book_.RemoveGroup(PathId(request), ScopeOf(caller)));
}

http::Response ApiV2Phonebook::ListMembers(const http::Request& request, const Principal& caller) const {
  return Render(book_.Members(PathId(request), ScopeOf(caller)), ContactsJson);
}

http::Response ApiV2Phonebook::AddMembers(const http::Request& request, const Principal& caller) const {
  return ChangeMembers(request, caller, true);
}

http::Response ApiV2Phonebook::RemoveMembers(const http::Request& request, const Principal& caller) const {
  return ChangeMembers(request, caller, false);
}

// POST answers with the members afterwards, DELETE with the removal message [D].
http::Response ApiV2Phonebook::ChangeMembers(const http::Request& request, const Principal& caller,
                                             bool add) const {
  send::FieldErrors errors;
  const std::vector<std::int64_t> ids = DecodeContactIds(BodyFields(request), errors);
  if (!errors.empty()) return Rejected(errors);
  const std::int64_t group = PathId(request);
  auto changed =
      add ? book_.AddMembers(group, ids, ScopeOf(caller)) : book_.RemoveMembers(group, ids, ScopeOf(caller));
  if (add || !changed.ok() || std::holds_alternative<send::FieldErrors>(*changed)) {
    return RenderChecked(changed, ContactsJson);
  }
  return MessageResponse(200, "Resource(s) removed successfully.");
}

}  // namespace osprey::smsgw::api
