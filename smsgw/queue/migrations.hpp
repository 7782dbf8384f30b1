// The queue's schema (component "smsgw_queue"): smsgw_messages and their smsgw_message_parts. Times are
// milliseconds since the Unix epoch (UTC) in BIGINT columns; minutes of day are local gateway time.
#pragma once

#include "osprey/sql/migrations.hpp"

namespace osprey::smsgw::queue {

const sql::MigrationSet& QueueMigrations();

}  // namespace osprey::smsgw::queue
