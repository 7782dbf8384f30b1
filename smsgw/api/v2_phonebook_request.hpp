// Decoding and rendering of the APIv2 phonebook bodies (docs/compatibility.md, "Phonebook"): contacts
// {"id","name","number","public"}, groups {"id","name","public"}, membership {"contacts":[ids]}. Transport
// only: types are checked here, values by phonebook::Phonebook. Pure functions; any thread may call them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "smsgw/phonebook/phonebook.hpp"
#include "smsgw/send/send_service.hpp"

namespace osprey::smsgw::api {

// The fields of a contact / group write. Unknown keys are ignored, null is absent; `name` and `number` may be
// JSON numbers (turned into decimal text); `public` takes the boolean forms of smseagle-api.md §13.4 ("" is
// absent). A field of the wrong type is left out and reported in `errors` with SMSEagle's "The type of the
// attribute must be one of …" text.
phonebook::ContactFields DecodeContactFields(const nlohmann::json& fields, send::FieldErrors& errors);
phonebook::GroupFields DecodeGroupFields(const nlohmann::json& fields, send::FieldErrors& errors);

// The ids of `contacts`: an array of integers or decimal strings, or one of them. Absent / null / [] is an
// empty list (the phonebook reports it as blank).
std::vector<std::int64_t> DecodeContactIds(const nlohmann::json& fields, send::FieldErrors& errors);

// A path id: a positive decimal integer, else nullopt (answered like an unknown id).
std::optional<std::int64_t> ParsePathId(const std::string& text);

nlohmann::json ContactJson(const phonebook::Contact& contact);
nlohmann::json GroupJson(const phonebook::Group& group);
nlohmann::json ContactsJson(const std::vector<phonebook::Contact>& contacts);

}  // namespace osprey::smsgw::api
