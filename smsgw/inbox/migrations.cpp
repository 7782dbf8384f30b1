#include "smsgw/inbox/migrations.hpp"

namespace osprey::smsgw::inbox {

const sql::MigrationSet& InboxMigrations() {
  static const sql::MigrationSet kSet{
      "smsgw_inbox",
      {
          {1, "inbox, pending parts and notifications",
           "CREATE TABLE smsgw_inbox (\n"
           "  id {{id}},\n"
           "  modem_no INTEGER NOT NULL,\n"
           "  number {{text}} NOT NULL,\n"
           "  number_normalized {{text}} NOT NULL,\n"
           "  text {{text}} NOT NULL,\n"
           "  coding {{text}} NOT NULL,\n"
           "  parts INTEGER NOT NULL,\n"
           "  complete {{bool}} NOT NULL DEFAULT TRUE,\n"
           "  receive_date {{bigint}} NOT NULL,\n"
           "  insert_date {{bigint}} NOT NULL,\n"
           "  update_date {{bigint}} NOT NULL,\n"
           "  oid {{text}},\n"
           "  is_read {{bool}} NOT NULL DEFAULT FALSE,\n"
           "  processed {{bool}} NOT NULL DEFAULT FALSE\n"
           ");\n"
           "CREATE INDEX smsgw_inbox_receive ON smsgw_inbox (receive_date);\n"
           "CREATE INDEX smsgw_inbox_number ON smsgw_inbox (number_normalized);\n"
           "CREATE TABLE smsgw_inbox_parts (\n"
           "  modem_no INTEGER NOT NULL,\n"
           "  sender {{text}} NOT NULL,\n"
           "  ref INTEGER NOT NULL,\n"
           "  total INTEGER NOT NULL,\n"
           "  seq INTEGER NOT NULL,\n"
           "  text {{text}} NOT NULL,\n"
           "  coding {{text}} NOT NULL,\n"
           "  received_at {{bigint}} NOT NULL,\n"
           "  stored_at {{bigint}} NOT NULL,\n"
           "  PRIMARY KEY (modem_no, sender, ref, total, seq)\n"
           ");\n"
           "CREATE INDEX smsgw_inbox_parts_age ON smsgw_inbox_parts (stored_at);\n"
           "CREATE TABLE smsgw_inbox_closed (\n"
           "  modem_no INTEGER NOT NULL,\n"
           "  sender {{text}} NOT NULL,\n"
           "  ref INTEGER NOT NULL,\n"
           "  total INTEGER NOT NULL,\n"
           "  last_received_at {{bigint}} NOT NULL,\n"
           "  closed_at {{bigint}} NOT NULL,\n"
           "  PRIMARY KEY (modem_no, sender, ref, total)\n"
           ");\n"
           "CREATE TABLE smsgw_notifications (\n"
           "  id {{id}},\n"
           "  kind {{text}} NOT NULL,\n"
           "  message_id {{bigint}} NOT NULL,\n"
           "  number {{text}} NOT NULL,\n"
           "  text {{text}} NOT NULL,\n"
           "  modem_no INTEGER NOT NULL,\n"
           "  oid {{text}},\n"
           "  receive_date {{bigint}} NOT NULL,\n"
           "  state {{text}} NOT NULL,\n"
           "  created_at {{bigint}} NOT NULL,\n"
           "  first_attempt_at {{bigint}},\n"
           "  next_attempt_at {{bigint}} NOT NULL,\n"
           "  attempts INTEGER NOT NULL DEFAULT 0,\n"
           "  last_status INTEGER,\n"
           "  last_error {{text}},\n"
           "  done_at {{bigint}}\n"
           ");\n"
           "CREATE INDEX smsgw_notifications_due ON smsgw_notifications (state, next_attempt_at);\n"
           "CREATE INDEX smsgw_notifications_message ON smsgw_notifications (message_id)"},
      }};
  return kSet;
}

}  // namespace osprey::smsgw::inbox
