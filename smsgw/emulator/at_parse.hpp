// Small parsers for AT command arguments (TS 27.007 §4: comma-separated, strings in double quotes).
// Pure functions; any thread may call them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::smsgw::emulator {

// Returns `text` without leading and trailing spaces.
std::string_view TrimSpaces(std::string_view text);

// Returns `text` in ASCII upper case.
std::string ToUpper(std::string_view text);

// Returns what follows the '=' of an argument suffix ("=1,2" -> "1,2"); empty when `args` does not start
// with '='.
std::string_view ArgText(std::string_view args);

// Splits at commas outside double quotes and trims each field ("" -> no fields; "1,,2" -> "1", "", "2").
std::vector<std::string> SplitArgs(std::string_view text);

// Returns `field` without surrounding double quotes (unchanged when it is not quoted).
std::string Unquote(std::string_view field);

// Parses "=<int>[,<int>...]"; empty fields are 0. Returns nullopt when `args` does not start with '=', has
// no field, or a field is not a decimal number.
std::optional<std::vector<int>> ParseIntArgs(std::string_view args);

}  // namespace osprey::smsgw::emulator
