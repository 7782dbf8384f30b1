#include "osprey/sql/rows.hpp"

#include <stdexcept>

namespace osprey::sql {

std::optional<std::int64_t> OptInt(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer: return row.get<int>(i);
    case soci::dt_long_long: return row.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(row.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<std::int64_t>(row.get<double>(i));
    case soci::dt_string: return std::stoll(row.get<std::string>(i));
    default: throw std::runtime_error("column " + row.get_properties(i).get_name() + " is not an integer");
  }
}

std::int64_t Int(const soci::row& row, std::size_t i) {
  auto v = OptInt(row, i);
  if (!v) throw std::runtime_error("column " + row.get_properties(i).get_name() + " is null");
  return *v;
}

std::optional<std::string> OptText(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  return row.get<std::string>(i);
}

std::string Text(const soci::row& row, std::size_t i) { return OptText(row, i).value_or(""); }

}  // namespace osprey::sql
