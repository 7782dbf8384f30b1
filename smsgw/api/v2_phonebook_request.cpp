#include "smsgw/api/v2_phonebook_request.hpp"

#include <charconv>

#include "smsgw/api/v2_send_request.hpp"

namespace osprey::smsgw::api {
namespace {

using nlohmann::json;

const json* Field(const json& fields, const char* name) {
  if (!fields.is_object()) return nullptr;
  auto it = fields.find(name);
  return it == fields.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> Text(const json& fields, const char* name, send::FieldErrors& errors) {
  const json* v = Field(fields, name);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number_unsigned()) return std::to_string(v->get<std::uint64_t>());
  if (v->is_number_integer()) return std::to_string(v->get<std::int64_t>());
  errors.emplace(name, AttributeTypeError("string", *v));
  return std::nullopt;
}

std::optional<bool> Bool(const json& fields, const char* name, send::FieldErrors& errors) {
  const json* v = Field(fields, name);
  if (v == nullptr || *v == "") return std::nullopt;
  auto b = DecodeBoolField(*v);
  if (!b) errors.emplace(name, AttributeTypeError("bool", *v));
  return b;
}

}  // namespace

phonebook::ContactFields DecodeContactFields(const json& fields, send::FieldErrors& errors) {
  return {Text(fields, "name", errors), Text(fields, "number", errors), Bool(fields, "public", errors)};
}

phonebook::GroupFields DecodeGroupFields(const json& fields, send::FieldErrors& errors) {
  return {Text(fields, "name", errors), Bool(fields, "public", errors)};
}

std::vector<std::int64_t> DecodeContactIds(const json& fields, send::FieldErrors& errors) {
  std::vector<std::int64_t> ids;
  const json* v = Field(fields, "contacts");
  if (v == nullptr || *v == "") return ids;
  for (const json& item : v->is_array() ? *v : json::array({*v})) {
    auto id = DecodeIntField(item);
    if (!id) {
      errors.emplace("contacts", AttributeTypeError("int", item));
      return {};
    }
    ids.push_back(*id);
  }
  return ids;
}

std::optional<std::int64_t> ParsePathId(const std::string& text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || id <= 0) return std::nullopt;
  return id;
}

json ContactJson(const phonebook::Contact& c) {
  return {{"id", c.id}, {"name", c.name}, {"number", c.number}, {"public", c.is_public}};
}

json GroupJson(const phonebook::Group& g) {
  return {{"id", g.id}, {"name", g.name}, {"public", g.is_public}};
}

json ContactsJson(const std::vector<phonebook::Contact>& contacts) {
  json out = json::array();
  for (const auto& c : contacts) out.push_back(ContactJson(c));
  return out;
}

}  // namespace osprey::smsgw::api
