#include "smsgw/queue/sql_rows.hpp"

#include "osprey/sql/run.hpp"

#include <stdexcept>

namespace osprey::smsgw::queue::internal {

std::string NormalizeNumber(const std::string& number) {
  std::string out;
  for (char c : number) {
    if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')') continue;
    out += c;
  }
  return out;
}

}  // namespace osprey::smsgw::queue::internal

namespace osprey::smsgw::queue::internal {

Status Transact(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work) {
  return sql::RunTransaction(db, what, work, sql::Isolation::kReadCommitted);
}

Status Read(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work) {
  return sql::RunRead(db, what, work);
}

}  // namespace osprey::smsgw::queue::internal
