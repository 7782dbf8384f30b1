// Reading soci::row columns the same way on both engines. SOCI types SQLite columns by their declared type:
// INTEGER columns arrive as 32-bit int (so 64-bit values must be selected as an expression, e.g.
// CAST(x AS BIGINT)) and expressions arrive as text. PostgreSQL types by the value's type. These helpers
// accept int, long long, unsigned long long, double (truncated) and decimal text.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

namespace osprey::sql {

// Column `i` as an integer; nullopt when NULL. Throws std::runtime_error for another column type and
// std::invalid_argument / std::out_of_range for text that is not a 64-bit decimal.
std::optional<std::int64_t> OptInt(const soci::row& row, std::size_t i);
// As OptInt, but a NULL throws std::runtime_error.
std::int64_t Int(const soci::row& row, std::size_t i);
// Column `i` as text; nullopt when NULL.
std::optional<std::string> OptText(const soci::row& row, std::size_t i);
// Column `i` as text; "" when NULL.
std::string Text(const soci::row& row, std::size_t i);

}  // namespace osprey::sql
