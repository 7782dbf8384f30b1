#include "osprey/sql/cached_tables.hpp"

#include <spdlog/spdlog.h>

namespace osprey::sql::internal {

void LogLoadFailure(std::string_view what, const Error& error, bool serving_old) {
  spdlog::error("{}: cannot load from the database{}: {}", what,
                serving_old ? " (serving the last copy)" : "", error.ToString());
}

}  // namespace osprey::sql::internal
