#include "smsgw/phonebook/phonebook_sql.hpp"

#include <stdexcept>

namespace osprey::smsgw::phonebook::internal {

std::int64_t Int(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) {
    throw std::runtime_error("column " + row.get_properties(i).get_name() + " is null");
  }
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer: return row.get<int>(i);
    case soci::dt_long_long: return row.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(row.get<unsigned long long>(i));
    case soci::dt_string: return std::stoll(row.get<std::string>(i));
    default: throw std::runtime_error("column " + row.get_properties(i).get_name() + " is not an integer");
  }
}

std::string Text(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return "";
  return row.get<std::string>(i);
}

Contact ContactFrom(const soci::row& row) {
  return Contact{Int(row, 0), Int(row, 1), Text(row, 2), Text(row, 3), Int(row, 4) != 0};
}

Group GroupFrom(const soci::row& row) {
  return Group{Int(row, 0), Int(row, 1), Text(row, 2), Int(row, 3) != 0};
}

Status Transact(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work) {
  try {
    return db.WithTransaction(work);
  } catch (const soci::soci_error& e) {
    // get_error_message(): what() would quote the bound values.
    return Error(ErrorCode::kInternal, std::string(what) + ": " + e.get_error_message());
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, std::string(what) + ": " + e.what());
  }
}

Status Read(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work) {
  try {
    auto session = db.Acquire();
    if (!session.ok()) return session.error();
    work(session->get());
    return OkStatus();
  } catch (const soci::soci_error& e) {
    return Error(ErrorCode::kInternal, std::string(what) + ": " + e.get_error_message());
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, std::string(what) + ": " + e.what());
  }
}

}  // namespace osprey::smsgw::phonebook::internal
