// Running a domain store's SQL work as a Status: exceptions from SOCI and the engine become kInternal errors
// named by `what` (e.g. "enqueue"), with SOCI's error message only — soci_error::what() would quote the
// bound values (message texts, numbers, hashes) into logs.
// Thread rule: as Database; any thread.
#pragma once

#include <functional>
#include <string_view>

#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::sql {

// `work` inside one transaction (see Database::WithTransaction for retries and isolation).
Status RunTransaction(Database& db, std::string_view what, const std::function<void(soci::session&)>& work,
                      Isolation isolation = Isolation::kSerializable);

// `work` on one pooled session, without a transaction.
Status RunRead(Database& db, std::string_view what, const std::function<void(soci::session&)>& work);

}  // namespace osprey::sql
