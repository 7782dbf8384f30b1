#include "smsgw/phonebook/migrations.hpp"

namespace osprey::smsgw::phonebook {

const sql::MigrationSet& PhonebookMigrations() {
  static const sql::MigrationSet kSet{
      "smsgw_phonebook",
      {
          {1, "contacts, groups and members",
           "CREATE TABLE smsgw_contacts (\n"
           "  id {{id}},\n"
           "  owner_id {{bigint}} NOT NULL,\n"
           "  name {{text}} NOT NULL,\n"
           "  number {{text}} NOT NULL,\n"
           "  is_public {{bool}} NOT NULL DEFAULT FALSE\n"
           ");\n"
           "CREATE INDEX smsgw_contacts_owner ON smsgw_contacts (owner_id);\n"
           "CREATE INDEX smsgw_contacts_name ON smsgw_contacts (name);\n"
           "CREATE TABLE smsgw_groups (\n"
           "  id {{id}},\n"
           "  owner_id {{bigint}} NOT NULL,\n"
           "  name {{text}} NOT NULL,\n"
           "  is_public {{bool}} NOT NULL DEFAULT FALSE\n"
           ");\n"
           "CREATE INDEX smsgw_groups_owner ON smsgw_groups (owner_id);\n"
           "CREATE INDEX smsgw_groups_name ON smsgw_groups (name);\n"
           "CREATE TABLE smsgw_group_members (\n"
           "  group_id {{bigint}} NOT NULL REFERENCES smsgw_groups (id) ON DELETE CASCADE,\n"
           "  contact_id {{bigint}} NOT NULL REFERENCES smsgw_contacts (id) ON DELETE CASCADE,\n"
           "  PRIMARY KEY (group_id, contact_id)\n"
           ");\n"
           "CREATE INDEX smsgw_group_members_contact ON smsgw_group_members (contact_id)"},
      }};
  return kSet;
}

}  // namespace osprey::smsgw::phonebook
