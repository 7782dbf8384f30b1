// Reading soci::row columns the same way on both engines, and running a statement with positional binds.
//
// Column readers: SOCI types SQLite columns by their declared type: INTEGER columns arrive as 32-bit int (so
// 64-bit values must be selected as an expression, e.g. CAST(x AS BIGINT)) and expressions arrive as text.
// PostgreSQL types by the value's type. These helpers accept int, long long, unsigned long long, double
// (truncated) and decimal text.
//
// Exec: binds its arguments by reference, in order, to the statement's placeholders (written `:name`, SOCI's
// syntax on both engines; the names do not matter, binding is by position) and runs it once. Values are only
// ever bound, never formatted into the SQL, so they need no quoting. It throws SOCI's exceptions, whose
// what() quotes the bound values: run it inside RunTransaction / RunRead (run.hpp), which report only the
// engine's message. PostgreSQL's message itself can still name a value (a constraint violation's DETAIL
// "Failing row contains (...)", "invalid input syntax for type bigint: ..."): bind secrets only hashed or
// sealed. Thread rule: as the session passed in (one thread at a time).
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

// Executes `sql` with `binds` bound to its placeholders in order (one per placeholder; each a type SOCI can
// bind, e.g. int, long long, double, std::string, std::tm) and returns the number of rows an INSERT, UPDATE
// or DELETE changed. One round trip on PostgreSQL: a one-time query, no PREPARE/DEALLOCATE. Throws
// soci::soci_error.
template <typename... A>
long long Exec(soci::session& s, const std::string& sql, const A&... binds) {
  soci::statement st(s);
  (st.exchange(soci::use(binds)), ...);
  st.alloc();
  st.prepare(sql, soci::details::st_one_time_query);
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace osprey::sql
