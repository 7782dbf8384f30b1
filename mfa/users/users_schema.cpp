#include "mfa/users/users.hpp"

namespace osprey::mfa::users {

// mfa_users_state.generation is bumped by every definition change, so other processes notice a change with
// one single-row read (Directory's reload check).
const sql::MigrationSet& UsersMigrations() {
  static const sql::MigrationSet set{
      "mfa_users",
      {
          {1, "resolvers, realms and the sql resolver's users",
           "CREATE TABLE mfa_resolver (\n"
           "  id {{id}},\n"
           "  name {{text}} NOT NULL UNIQUE,\n"
           "  type {{text}} NOT NULL\n"
           ");\n"
           "CREATE TABLE mfa_resolver_param (\n"
           "  resolver_id {{bigint}} NOT NULL REFERENCES mfa_resolver (id) ON DELETE CASCADE,\n"
           "  name {{text}} NOT NULL,\n"
           "  value {{text}} NOT NULL,\n"
           "  PRIMARY KEY (resolver_id, name)\n"
           ");\n"
           "CREATE TABLE mfa_realm (\n"
           "  id {{id}},\n"
           "  name {{text}} NOT NULL UNIQUE,\n"
           "  is_default {{bool}} NOT NULL\n"
           ");\n"
           "CREATE TABLE mfa_realm_resolver (\n"
           "  realm_id {{bigint}} NOT NULL REFERENCES mfa_realm (id) ON DELETE CASCADE,\n"
           "  resolver_id {{bigint}} NOT NULL REFERENCES mfa_resolver (id),\n"
           "  priority {{bigint}} NOT NULL,\n"
           "  PRIMARY KEY (realm_id, resolver_id)\n"
           ");\n"
           "CREATE TABLE mfa_users_state (\n"
           "  id {{bigint}} PRIMARY KEY,\n"
           "  generation {{bigint}} NOT NULL\n"
           ");\n"
           "INSERT INTO mfa_users_state (id, generation) VALUES (1, 0);\n"
           "CREATE TABLE mfa_user (\n"
           "  id {{id}},\n"
           "  resolver {{text}} NOT NULL,\n"
           "  username {{text}} NOT NULL,\n"
           "  givenname {{text}} NOT NULL,\n"
           "  surname {{text}} NOT NULL,\n"
           "  email {{text}} NOT NULL,\n"
           "  mobile {{text}} NOT NULL,\n"
           "  phone {{text}} NOT NULL,\n"
           "  description {{text}} NOT NULL,\n"
           "  password_hash {{text}},\n"
           "  UNIQUE (resolver, username)\n"
           ")"},
          {2, "the sql resolver's lookup by name reads the index alone",
           // Every /validate/check looks its user up by name: with the attributes in the index, that is one
           // B-tree instead of two (SQLite re-reads the pages of each read transaction after another
           // connection's commit, so every page saved is a read saved).
           "CREATE INDEX mfa_user_by_name ON mfa_user "
           "(resolver, username, givenname, surname, email, mobile, phone, description)"},
      }};
  return set;
}

}  // namespace osprey::mfa::users
