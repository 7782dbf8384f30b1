// The APIv2 phonebook routes ([D] SMSEagle APIv2 shape, docs/compatibility.md "Phonebook"):
//   GET/POST /phonebook/contacts, GET/PUT/DELETE /phonebook/contacts/{id},
//   GET/POST /phonebook/groups, GET/PUT/DELETE /phonebook/groups/{id},
//   GET/POST/DELETE /phonebook/groups/{id}/contacts (body {"contacts":[ids]}).
// GET needs phonebook.read, the others phonebook.write. Check order 401 -> 403 -> 400 -> 404 (smseagle-api.md
// §1.6; other methods on these paths reach the 405 catch-all of ApiV2Messages). Replies: the object or list
// (create 200 with the created object, update the updated one), deletes {"message":"Resource(s) removed
// successfully."}, validation 400 {"message":{"field":"text"}}, unknown or out-of-scope id 404
// {"message":"Resource not found."}. Scoping as in phonebook.hpp, with the caller's ScopeOf.
//
// Ownership: refers to `auth` and `book`, which must outlive it and the router it fills.
// Thread rule: immutable after construction; handlers run concurrently.
#pragma once

#include "osprey/http/router.hpp"
#include "smsgw/api/v2_common.hpp"
#include "smsgw/phonebook/phonebook.hpp"

namespace osprey::smsgw::api {

class ApiV2Phonebook {
 public:
  ApiV2Phonebook(const ApiV2Auth& auth, phonebook::Phonebook& book);
  ApiV2Phonebook(const ApiV2Phonebook&) = delete;
  ApiV2Phonebook& operator=(const ApiV2Phonebook&) = delete;

  // Adds the routes to `router`. Throws std::logic_error if one is already there.
  void Register(http::Router& router) const;

 private:
  using Principal = accounts::Principal;
  http::Response ListContacts(const http::Request& request, const Principal& caller) const;
  http::Response AddContact(const http::Request& request, const Principal& caller) const;
  http::Response GetContact(const http::Request& request, const Principal& caller) const;
  http::Response UpdateContact(const http::Request& request, const Principal& caller) const;
  http::Response RemoveContact(const http::Request& request, const Principal& caller) const;
  http::Response ListGroups(const http::Request& request, const Principal& caller) const;
  http::Response AddGroup(const http::Request& request, const Principal& caller) const;
  http::Response GetGroup(const http::Request& request, const Principal& caller) const;
  http::Response UpdateGroup(const http::Request& request, const Principal& caller) const;
  http::Response RemoveGroup(const http::Request& request, const Principal& caller) const;
  http::Response ListMembers(const http::Request& request, const Principal& caller) const;
  http::Response AddMembers(const http::Request& request, const Principal& caller) const;
  http::Response RemoveMembers(const http::Request& request, const Principal& caller) const;
  http::Response ChangeMembers(const http::Request& request, const Principal& caller, bool add) const;

  const ApiV2Auth& auth_;
  phonebook::Phonebook& book_;
};

}  // namespace osprey::smsgw::api
