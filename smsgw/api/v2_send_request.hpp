// Decoding APIv2 request bodies into typed requests (smseagle-api.md §1.4, §2, §13): the API token and the
// fields of POST /messages/sms. Transport only: no validation beyond types; SendService checks values.
// Pure functions; any thread may call them.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "osprey/http/message.hpp"
#include "smsgw/send/send_service.hpp"

namespace osprey::smsgw::api {

// The APIv2 token: header `access-token` (any case), else `Authorization: Bearer <t>`, else query
// `access_token`, else body `access_token` (JSON or form). Only the first present source counts, even if its
// value is empty. nullopt when none is present.
std::optional<std::string> FindApiV2Token(const http::Request& request);

// The request's fields as one JSON object: the JSON body when it is an object, else the form body with
// repeated keys turned into arrays (a key seen once stays a string). Empty object when there is neither.
nlohmann::json BodyFields(const http::Request& request);

// Decodes the fields of POST /messages/sms. Unknown keys are ignored; null, "" and [] are absent; integers
// may be decimal strings; booleans may be 0/1/"0"/"1"/"true"/"false"/true/false; `to` may be a bare string;
// JSON numbers in `to` and `text` become decimal strings. A field of the wrong type lands in
// SendRequest::undecodable with SMSEagle's "The type of the attribute must be one of …" text.
send::SendRequest DecodeSendRequest(const nlohmann::json& fields);

}  // namespace osprey::smsgw::api
