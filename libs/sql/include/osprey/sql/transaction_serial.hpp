// For caches valid within one transaction only (state read under a lock that the transaction holds until
// it ends): which Database::WithTransaction attempt is running its work on this thread.
// Thread rule: per thread.
#pragma once

#include <cstdint>

namespace osprey::sql {

// Non-zero and different for every attempt while this thread runs the work of Database::WithTransaction
// (the innermost one when they nest); 0 outside. A value seen again on this thread means the same
// transaction, still open.
std::uint64_t CurrentTransactionSerial();

}  // namespace osprey::sql
