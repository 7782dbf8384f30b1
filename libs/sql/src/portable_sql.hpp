// Splitting migration SQL into statements. Internal to osprey_sql; pure and thread-safe.
#pragma once

#include <string>
#include <vector>

namespace osprey::sql::internal {

// Splits `sql` at every ';' that ends a line (trailing blanks allowed) and drops pieces holding nothing but
// blanks and "--" comments: SOCI runs one statement per call, and SQLite silently ignores the rest.
std::vector<std::string> SplitStatements(const std::string& sql);

}  // namespace osprey::sql::internal
