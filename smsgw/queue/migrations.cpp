#include "smsgw/queue/migrations.hpp"

namespace osprey::smsgw::queue {

const sql::MigrationSet& QueueMigrations() {
  static const sql::MigrationSet kSet{
      "smsgw_queue",
      {
          {1, "messages and parts",
           "CREATE TABLE smsgw_messages (\n"
           "  id {{id}},\n"
           "  owner_id {{bigint}} NOT NULL,\n"
           "  number {{text}} NOT NULL,\n"
           "  number_normalized {{text}} NOT NULL,\n"
           "  text {{text}} NOT NULL,\n"
           "  coding {{text}} NOT NULL,\n"
           "  priority INTEGER NOT NULL DEFAULT 0,\n"
           "  insert_date {{bigint}} NOT NULL,\n"
           "  update_date {{bigint}} NOT NULL,\n"
           "  not_before {{bigint}} NOT NULL,\n"
           "  send_after INTEGER,\n"
           "  send_before INTEGER,\n"
           "  validity {{text}} NOT NULL,\n"
           "  validity_vp INTEGER NOT NULL,\n"
           "  expires_at {{bigint}},\n"
           "  flash {{bool}} NOT NULL DEFAULT FALSE,\n"
           "  oid {{text}},\n"
           "  modem_no INTEGER,\n"
           "  modem_used INTEGER,\n"
           "  report_requested {{bool}} NOT NULL DEFAULT FALSE,\n"
           "  status {{text}} NOT NULL,\n"
           "  error_code INTEGER,\n"
           "  error_reason {{text}},\n"
           "  sending_date {{bigint}},\n"
           "  delivery_date {{bigint}},\n"
           "  lease_until {{bigint}},\n"
           "  lease_owner {{text}},\n"
           "  attempts INTEGER NOT NULL DEFAULT 0,\n"
           "  total_parts INTEGER NOT NULL\n"
           ");\n"
           "CREATE INDEX smsgw_messages_claim ON smsgw_messages (status, priority DESC, insert_date, id);\n"
           "CREATE INDEX smsgw_messages_owner ON smsgw_messages (owner_id, status);\n"
           "CREATE TABLE smsgw_message_parts (\n"
           "  message_id {{bigint}} NOT NULL REFERENCES smsgw_messages (id) ON DELETE CASCADE,\n"
           "  seq INTEGER NOT NULL,\n"
           "  text {{text}} NOT NULL,\n"
           "  state {{text}} NOT NULL,\n"
           "  tp_mr INTEGER,\n"
           "  modem_no INTEGER,\n"
           "  error_code INTEGER,\n"
           "  submitted_at {{bigint}},\n"
           "  report_status INTEGER,\n"
           "  report_date {{bigint}},\n"
           "  PRIMARY KEY (message_id, seq)\n"
           ");\n"
           "CREATE INDEX smsgw_message_parts_report ON smsgw_message_parts (modem_no, tp_mr)"},
      }};
  return kSet;
}

}  // namespace osprey::smsgw::queue
