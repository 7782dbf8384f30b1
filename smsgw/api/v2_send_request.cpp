#include "smsgw/api/v2_send_request.hpp"

#include <strings.h>
#include <charconv>
#include <cstdint>

namespace osprey::smsgw::api {
namespace {

using nlohmann::json;

// PHP's names for JSON types, as SMSEagle's messages use them.
std::string PhpType(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_number_integer()) return "int";
  if (v.is_number_float()) return "float";
  if (v.is_boolean()) return "bool";
  if (v.is_null()) return "null";
  return v.is_array() ? "array" : "object";
}

std::string TypeError(const std::string& expected, const json& v) {
  return "The type of the attribute must be one of " + expected + " (" + PhpType(v) + " given).";
}

bool IsAbsent(const json& v) {
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) ||
         (v.is_array() && v.empty());
}

// Strings as they are; JSON numbers in decimal (privacyIDEA sends unquoted {phone} and {otp} as numbers).
std::optional<std::string> ScalarText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_float()) return v.dump();
  return std::nullopt;
}

std::optional<std::int64_t> IntValue(const json& v) {
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
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return out;
}

std::optional<bool> BoolValue(const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer() && (v == 0 || v == 1)) return v == 1;
  if (v == "1" || v == "true") return true;
  if (v == "0" || v == "false") return false;
  return std::nullopt;
}

// Decodes `v` (one element or an array of them) into `out` with `one`; the first bad element names the error.
template <typename T, typename F>
void DecodeList(const json& v, const char* field, const char* expected, F one, std::vector<T>& out,
                send::FieldErrors& errors) {
  const json list = v.is_array() ? v : json::array({v});
  for (const json& item : list) {
    std::optional<T> value = one(item);
    if (!value) {
      errors.emplace(field, TypeError(expected, item));
      out.clear();
      return;
    }
    out.push_back(std::move(*value));
  }
}

template <typename T, typename F>
void DecodeOne(const json& v, const char* field, const char* expected, F one, std::optional<T>& out,
               send::FieldErrors& errors) {
  out = one(v);
  if (!out) errors.emplace(field, TypeError(expected, v));
}

std::optional<std::string> StringValue(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return std::nullopt;
}

}  // namespace

std::optional<std::string> FindApiV2Token(const http::Request& request) {
  if (auto header = request.headers.Get("access-token")) return std::string(*header);
  if (auto auth = request.headers.Get("Authorization")) {
    if (auth->size() > 7 && strncasecmp(auth->data(), "Bearer ", 7) == 0) return std::string(auth->substr(7));
  }
  for (const auto& [key, value] : request.query) {
    if (key == "access_token") return value;
  }
  const json fields = BodyFields(request);
  if (auto it = fields.find("access_token"); it != fields.end()) return ScalarText(*it);
  return std::nullopt;
}

json BodyFields(const http::Request& request) {
  if (request.json && request.json->is_object()) return *request.json;
  json fields = json::object();
  for (auto [key, value] : request.form) {
    const bool brackets = key.size() > 2 && key.ends_with("[]");  // PHP-style "to[]=..."
    if (brackets) key.resize(key.size() - 2);
    json& slot = fields[key];
    if (slot.is_null()) {
      slot = brackets ? json::array({value}) : json(value);
    } else {
      if (!slot.is_array()) slot = json::array({slot});
      slot.push_back(value);
    }
  }
  return fields;
}

send::SendRequest DecodeSendRequest(const json& fields) {
  send::SendRequest r;
  send::FieldErrors& e = r.undecodable;
  const auto field = [&](const char* name) -> const json* {
    auto it = fields.find(name);
    return it == fields.end() || IsAbsent(*it) ? nullptr : &*it;
  };
  if (auto* v = field("to")) DecodeList(*v, "to", "string", ScalarText, r.to, e);
  if (auto* v = field("contacts")) DecodeList(*v, "contacts", "int", IntValue, r.contacts, e);
  if (auto* v = field("groups")) DecodeList(*v, "groups", "int", IntValue, r.groups, e);
  if (auto* v = field("text")) DecodeOne(*v, "text", "string", ScalarText, r.text, e);
  if (auto* v = field("priority")) DecodeOne(*v, "priority", "int", IntValue, r.priority, e);
  if (auto* v = field("modem_no")) DecodeOne(*v, "modem_no", "int", IntValue, r.modem_no, e);
  if (auto* v = field("oid")) DecodeOne(*v, "oid", "string", ScalarText, r.oid, e);
  const std::pair<const char*, std::optional<std::string>*> strings[] = {{"date", &r.date},
                                                                         {"encoding", &r.encoding},
                                                                         {"validity", &r.validity},
                                                                         {"send_after", &r.send_after},
                                                                         {"send_before", &r.send_before}};
  for (auto [name, out] : strings) {
    if (auto* v = field(name)) DecodeOne(*v, name, "string", StringValue, *out, e);
  }
  std::optional<bool> flag;
  if (auto* v = field("flash")) DecodeOne(*v, "flash", "bool", BoolValue, flag, e);
  r.flash = flag.value_or(false);
  flag.reset();
  if (auto* v = field("test")) DecodeOne(*v, "test", "bool", BoolValue, flag, e);
  r.test = flag.value_or(false);
  return r;
}

send::SendRequest DecodeSingleSendRequest(const json& fields) {
  json rest = fields;
  for (const char* key : {"to", "contact", "group", "contacts", "groups"}) rest.erase(key);
  send::SendRequest r = DecodeSendRequest(rest);
  send::FieldErrors& e = r.undecodable;
  const auto field = [&](const char* name) -> const json* {
    auto it = fields.find(name);
    return it == fields.end() || IsAbsent(*it) ? nullptr : &*it;
  };
  const json* to = field("to");
  const json* contact = field("contact");
  const json* group = field("group");
  if ((to != nullptr) + (contact != nullptr) + (group != nullptr) > 1) {
    e.emplace("recipients", "Only one of parameters: to, contact, group is allowed.");
    return r;
  }
  if (to != nullptr) {
    if (to->is_array() && to->size() > 1) {
      e.emplace("to", "This collection should contain exactly 1 element.");
    } else {
      std::optional<std::string> number;
      DecodeOne(to->is_array() ? to->front() : *to, "to", "string", ScalarText, number, e);
      if (number) r.to.push_back(std::move(*number));
    }
  }
  std::optional<std::int64_t> id;
  if (contact != nullptr) DecodeOne(*contact, "contact", "int", IntValue, id, e);
  if (id) r.contacts.push_back(*id);
  id.reset();
  if (group != nullptr) DecodeOne(*group, "group", "int", IntValue, id, e);
  if (id) r.groups.push_back(*id);
  return r;
}

void RenameSingleRecipientErrors(send::FieldErrors& errors) {
  const auto rename = [&](const std::string& from, const std::string& to, std::optional<std::string> text) {
    auto it = errors.find(from);
    if (it == errors.end()) return;
    if (!text) text = it->second;
    errors.erase(it);
    errors.emplace(to, *text);
  };
  auto required = errors.find("recipients");
  if (required != errors.end() &&
      required->second == "One of parameters: to, contacts, groups is required.") {
    rename("recipients", "to", "This value should not be blank.");
  }
  rename("contacts", "contact", std::nullopt);
  rename("groups", "group", std::nullopt);
}

std::string AttributeTypeError(const std::string& expected, const json& given) {
  return TypeError(expected, given);
}

std::optional<std::int64_t> DecodeIntField(const json& value) { return IntValue(value); }

std::optional<bool> DecodeBoolField(const json& value) { return BoolValue(value); }

}  // namespace osprey::smsgw::api
