// Repairs of request lines that Beast would reject but that real clients send. Plain strings, no Beast.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace osprey::http::internal {

// `line` is a request line without its CRLF. When it holds more than two spaces and a " HTTP/" after the
// first space (SMSEagle APIv1 clients send "GET /http_api/send_sms?message=Hello world HTTP/1.1"), returns
// the line with every space between the first space and the last " HTTP/" encoded as %20. Otherwise nullopt:
// the line is left for the parser to accept or reject.
std::optional<std::string> RepairRequestLine(std::string_view line);

}  // namespace osprey::http::internal
