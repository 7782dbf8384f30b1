#include "smsgw/api/v2_phonebook_request.hpp"

#include <charconv>

namespace osprey::smsgw::api {
namespace {

using nlohmann::json;

// PHP's names for JSON types, as SMSEagle's messages use them.
std::string PhpType(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_number_integer()) return "int";
  if (v.is_number_float()) return "float";
  if (v.is_boolean()) return "bool";
  return v.is_array() ? "array" : "object";
}

std::string TypeError(const std::string& expected, const json& v) {
  return "The type of the attribute must be one of " + expected + " (" + PhpType(v) + " given).";
}

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
  errors.emplace(name, TypeError("string", *v));
  return std::nullopt;
}

std::optional<bool> Bool(const json& fields, const char* name, send::FieldErrors& errors) {
  const json* v = Field(fields, name);
  if (v == nullptr || *v == "") return std::nullopt;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_number_integer() && (*v == 0 || *v == 1)) return *v == 1;
  if (*v == "1" || *v == "true") return true;
  if (*v == "0" || *v == "false") return false;
  errors.emplace(name, TypeError("bool", *v));
  return std::nullopt;
}

std::optional<std::int64_t> Int(const json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return out;
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
    auto id = Int(item);
    if (!id) {
      errors.emplace("contacts", TypeError("int", item));
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
