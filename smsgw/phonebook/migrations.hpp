// The phonebook's schema (component "smsgw_phonebook"): smsgw_contacts, smsgw_groups and the membership table
// smsgw_group_members, whose rows go with either side (ON DELETE CASCADE). owner_id is the gateway user who
// created the entry (0 = created by the CLI without --owner); there is no foreign key to the accounts tables,
// like the queue's owner_id.
#pragma once

#include "osprey/sql/migrations.hpp"

namespace osprey::smsgw::phonebook {

const sql::MigrationSet& PhonebookMigrations();

}  // namespace osprey::smsgw::phonebook
