#include "smsgw/phonebook/phonebook_sql.hpp"

#include "osprey/sql/run.hpp"

#include <stdexcept>

namespace osprey::smsgw::phonebook::internal {

Contact ContactFrom(const soci::row& row) {
  return Contact{Int(row, 0), Int(row, 1), Text(row, 2), Text(row, 3), Int(row, 4) != 0};
}

Group GroupFrom(const soci::row& row) {
  return Group{Int(row, 0), Int(row, 1), Text(row, 2), Int(row, 3) != 0};
}

Status Transact(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work) {
  return sql::RunTransaction(db, what, work);
}

Status Read(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work) {
  return sql::RunRead(db, what, work);
}

}  // namespace osprey::smsgw::phonebook::internal
