// Logging set-up: spdlog, human-readable text on a terminal, JSON lines when configured.
// Loggers: the default logger ("osprey") for application events and "access" for one line per HTTP request.
// Secrets never reach a logger: Secret formats as "<redacted>", and request logging omits queries and bodies.
//
// Thread rule: call SetupLogging once at start-up before other threads log; the loggers are thread-safe.
#pragma once

#include <string>

#include "osprey/core/result.hpp"

namespace osprey::logging {

struct LogOptions {
  std::string level = "info";   // trace, debug, info, warn, error, critical, off
  std::string format = "text";  // "text" or "json"
  std::string file;             // empty: stderr; otherwise append to this file
  bool access_log = true;       // the "access" logger on or off
};

// Installs the default and the "access" logger. kInvalidArgument for an unknown level or format.
Status SetupLogging(const LogOptions& options);

// Escapes `text` as the inside of a JSON string (no surrounding quotes); used by the JSON formatter.
std::string JsonEscape(const std::string& text);

}  // namespace osprey::logging
