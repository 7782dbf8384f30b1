// Decoding APIv2 request bodies into typed requests (smseagle-api.md §1.4, §2, §13): the API token and the
// fields of POST /messages/sms. Transport only: no validation beyond types; SendService checks values.
// Pure functions; any thread may call them.
#pragma once

#include <cstdint>
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

// Decodes the fields of POST /messages/sms_single (spec §6): as DecodeSendRequest, but the recipient is one
// of the scalars `to` (string or number; a one-element array is accepted), `contact` (int) or `group` (int),
// mapped onto SendRequest::to / contacts / groups; the plural keys are ignored. More than one of them is
// reported as {"recipients": "Only one of parameters: to, contact, group is allowed."}; an array `to` with
// several elements as {"to": "This collection should contain exactly 1 element."}.
send::SendRequest DecodeSingleSendRequest(const nlohmann::json& fields);

// Rewrites SendService's rejections of a sms_single request into that route's field names: the missing
// recipient becomes {"to": "This value should not be blank."} and "contacts"/"groups" become
// "contact"/"group". A field error the decoder already reported for that key is kept.
void RenameSingleRecipientErrors(send::FieldErrors& errors);

// SMSEagle's type error for `given` where `expected` ("int", "string", "bool") was wanted:
// "The type of the attribute must be one of int (string given).".
std::string AttributeTypeError(const std::string& expected, const nlohmann::json& given);

// An integer field as DecodeSendRequest reads one: a JSON integer or a plain decimal string.
std::optional<std::int64_t> DecodeIntField(const nlohmann::json& value);

// A boolean field as DecodeSendRequest reads one: true/false, 0/1, "0"/"1" or "true"/"false".
std::optional<bool> DecodeBoolField(const nlohmann::json& value);

}  // namespace osprey::smsgw::api
