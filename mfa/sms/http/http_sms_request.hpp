// The request encodings of HttpSMSProvider, as python-requests produces them for privacyIDEA (spec
// privacyidea-api.md §13.3): form/query encoding of the parsed parameters, the JSON body, and the URL
// handling (user information, query appending, re-quoting). All functions are pure and thread-safe; error
// messages never contain the URL (it may carry credentials) nor parameter values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mfa/sms/http/python_text.hpp"
#include "osprey/core/result.hpp"

namespace osprey::mfa::sms {

// The request parameters in option order: name → the value json.loads made of it (or the raw string).
using SmsParameters = std::vector<std::pair<std::string, PyValue>>;

// requests' form encoding (urlencode(doseq=True) over _encode_params): per parameter, None is omitted; a
// list repeats the key per element (None elements omitted, nested lists once more per element, nested dicts
// per key, deeper values as str()); a dict repeats the key per dict key; other values are str(value) (ints
// as digits, floats as repr, True/False). UTF-8, percent-encoded except A-Z a-z 0-9 _ . - ~, space as '+',
// pairs joined by '&'. kInvalidArgument when a string holds a lone surrogate (Python cannot encode it).
Result<std::string> EncodeFormParameters(const SmsParameters& parameters);

// The parameters as one JSON object, json.dumps style (python_json.hpp); "{}" when there are none.
// kInvalidArgument "Out of range float values are not JSON compliant" for NaN or ±inf.
Result<std::string> EncodeJsonParameters(const SmsParameters& parameters);

struct GatewayUrl {
  std::string url;                      // the URL without "<userinfo>@"
  std::optional<std::string> userinfo;  // the authority's text before its last '@', if there is one
  std::string netloc;                   // the whole authority, user information included
};

// Splits an http:// or https:// URL (scheme case-insensitive). kInvalidArgument "Invalid URL: No scheme
// supplied.", "No connection adapters were found for the URL." (another scheme) or "Invalid URL: No host
// supplied.".
Result<GatewayUrl> ParseGatewayUrl(std::string_view url);

// Appends an encoded query to `url` as requests does: nothing when `query` is empty, '&' after an existing
// non-empty query, before any '#fragment'.
std::string AppendQuery(std::string_view url, std::string_view query);

// The URL as requests puts it on the wire (urllib3's parse_url normalisation, then requote_uri), for the
// path, query and fragment: %xx escapes upper-cased and those of unreserved characters decoded; a '%' that
// starts no escape makes every '%' of that component %25; bytes outside A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) * + ,
// ; = :
// @ / (and ? in query and fragment) percent-encoded (space, '"', '<', '>', '[', ']', '\', '^', '`', '{', '|',
// '}', controls, non-ASCII). An empty query or fragment loses its '?' or '#'. Scheme and authority unchanged.
std::string NormalizeUrl(std::string_view url);

}  // namespace osprey::mfa::sms
