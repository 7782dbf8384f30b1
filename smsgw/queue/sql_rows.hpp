// Row helpers of the queue library (internal to it): the engine-neutral column readers and Exec of
// osprey/sql/rows.hpp, number normalisation. Stored times are milliseconds since the epoch (ToUnixMillis /
// FromUnixMillis, osprey/core/clock.hpp).
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

#include "osprey/core/clock.hpp"
#include "osprey/sql/rows.hpp"

namespace osprey::smsgw::queue::internal {

using sql::Exec;  // positional binds, returns the rows changed
using sql::Int;
using sql::OptInt;
using sql::OptText;
using sql::Text;

// Strips spaces, '-', '.', '/', '(' and ')' and keeps a leading '+' (smseagle-api.md §5).
std::string NormalizeNumber(const std::string& number);

}  // namespace osprey::smsgw::queue::internal

#include <functional>
#include <string_view>

#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::smsgw::queue::internal {

// Runs `work` in a read-committed transaction (every queue write is a conditional single-row update, so row
// locks suffice and serializable conflicts between workers would only cost retries). Exceptions other than
// the retried conflicts become kInternal naming `what`.
Status Transact(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work);
// Runs `work` on a leased session without a transaction, mapping exceptions likewise.
Status Read(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work);

// Kept statements (Database::SessionLocal, SQLite only): a statement whose binds and intos are exchanged
// once and which is compiled once, then executed many times with new values in the bound variables.
inline void PrepareKept(soci::statement& st, const std::string& sql) {
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
}

// Resets a kept statement when leaving the scope, also on an exception, so that it never holds the
// connection's read snapshot (or a half-stepped RETURNING) after its use.
class ResetOnExit {
 public:
  explicit ResetOnExit(soci::statement& st) : st_(st) {}
  ~ResetOnExit() { sql::ResetStatement(st_, sql::Engine::kSqlite); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  soci::statement& st_;
};

// Executes a kept write statement and returns the number of rows it changed.
inline long long ExecKept(soci::statement& st) {
  ResetOnExit reset(st);
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace osprey::smsgw::queue::internal
