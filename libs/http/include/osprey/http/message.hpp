// Plain HTTP request/response values shared by the server, the router and the services' api/ code.
// No Beast or Asio types appear here: api code and tests depend on this header only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace osprey::http {

// Case-insensitive header map (HTTP field names are case-insensitive). Keeps the first value of a repeated
// field in Get(); All() returns every value in arrival order. Set() replaces every field of that name.
class Headers {
 public:
  void Add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  void Set(std::string name, std::string value);
  std::optional<std::string_view> Get(std::string_view name) const;
  std::vector<std::string_view> All(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Ordered key/value pairs as they arrived (query string or form body), already percent-decoded once.
using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;     // upper case: GET, POST, ...
  std::string target;     // raw request target, e.g. "/validate/check?user=a"
  std::string path;       // percent-decoded path without the query
  std::string raw_query;  // the undecoded text after '?', empty if none
  Headers headers;
  std::string body;
  std::string remote_address;  // client IP, no port
  bool tls = false;

  Pairs query;                                     // parsed from raw_query
  Pairs form;                                      // parsed from an application/x-www-form-urlencoded body
  std::optional<nlohmann::json> json;              // set when the body parsed as JSON (any Content-Type)
  std::map<std::string, std::string> path_params;  // filled by the router from the route pattern

  // First value of `name` in query (then form); nullopt if absent.
  std::optional<std::string> QueryOrForm(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  // Content-Type application/json; invalid UTF-8 in strings is replaced by U+FFFD rather than throwing.
  static Response Json(int status, const nlohmann::json& body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response Empty(int status);
};

// Percent-decodes `s`; with plus_as_space, '+' becomes ' ' (form and query encoding). Invalid escapes are
// kept literally, as Python's unquote does.
std::string PercentDecode(std::string_view s, bool plus_as_space);
// Percent-encodes everything but unreserved characters (RFC 3986); with space_as_plus, ' ' becomes '+'.
std::string PercentEncode(std::string_view s, bool space_as_plus);
// Parses "a=1&b=2&a=3" into ordered pairs; a key without '=' gets an empty value; empty segments are skipped.
Pairs ParseUrlEncoded(std::string_view s);

}  // namespace osprey::http
