// The transport-independent half of the server: from a received request to the response to send. No Beast or
// Asio here, so this is unit-tested without sockets.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "osprey/http/message.hpp"
#include "osprey/http/server.hpp"

namespace spdlog {
class logger;
}

namespace osprey::http::internal {

// Fills request.path, raw_query, query, form and json from request.target, headers and body (see server.hpp).
// Returns the service's kBadRequest response when the Content-Type is application/json and the non-blank body
// does not parse; nullopt otherwise.
std::optional<Response> CompleteRequest(Request& request, const Service& service);

// Completes and routes `request` and runs its handler: 404, 405 with Allow, automatic OPTIONS (204 with
// Allow), HEAD answered by the GET handler (the caller drops the body), an exception or an invalid status
// from the handler → kInternal. Never throws. Runs on a worker thread: handlers may block.
Response Dispatch(Request& request, const Service& service);

// service.RenderError(), but never throws (falls back to plain text) and always yields a status in 200..599.
Response RenderErrorSafe(const Service& service, FrameworkError error, const std::string& detail,
                         const Request& request);

// The request target as it may be logged: the path only (queries carry passwords and PINs), control bytes
// replaced by '?', at most 256 bytes.
std::string PathForLog(std::string_view target);

struct AccessRecord {
  std::string_view service;
  std::string_view remote_address;
  std::string_view method;  // "-" when the request line never parsed
  std::string_view target;  // raw; cut by PathForLog
  int status = 0;
  std::chrono::steady_clock::duration elapsed{};
};

// Writes one line: `<client> "<METHOD> <path>" <status> <ms>ms [<service>]`.
void LogAccess(spdlog::logger& logger, const AccessRecord& record);

}  // namespace osprey::http::internal
