// The inbox's schema (component "smsgw_inbox"): smsgw_inbox (received messages, multipart joined),
// smsgw_inbox_parts (parts of multipart messages waiting for their siblings), smsgw_inbox_closed (multipart
// keys already joined, so that a part offered again after a worker restart is recognised) and
// smsgw_notifications (the durable outbox of callback/webhook deliveries). Times are milliseconds since the
// Unix epoch (UTC) in BIGINT columns, like the queue's.
#pragma once

#include "osprey/sql/migrations.hpp"

namespace osprey::smsgw::inbox {

const sql::MigrationSet& InboxMigrations();

}  // namespace osprey::smsgw::inbox
