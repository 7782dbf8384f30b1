#include "smsgw/accounts/schema.hpp"

namespace osprey::smsgw::accounts {

const sql::MigrationSet& AccountMigrations() {
  static const sql::MigrationSet set{
      "smsgw_accounts",
      {
          {1, "gateway users, api tokens and permissions",
           "CREATE TABLE gateway_users (\n"
           "  id {{id}},\n"
           "  username {{text}} NOT NULL UNIQUE,\n"
           "  access_level {{text}} NOT NULL CHECK (access_level IN ('user', 'admin')),\n"
           "  apiv1_enabled {{bool}} NOT NULL,\n"
           "  apiv2_enabled {{bool}} NOT NULL,\n"
           "  password_access {{bool}} NOT NULL,\n"
           "  all_resources {{bool}} NOT NULL,\n"
           "  password_hash {{text}},\n"
           "  created_at {{bigint}} NOT NULL\n"
           ");\n"
           "CREATE TABLE gateway_api_tokens (\n"
           "  id {{id}},\n"
           "  user_id {{bigint}} NOT NULL REFERENCES gateway_users (id),\n"
           "  kind {{text}} NOT NULL CHECK (kind IN ('apiv1', 'apiv2')),\n"
           "  token_hash {{text}} NOT NULL UNIQUE,\n"
           "  created_at {{bigint}} NOT NULL,\n"
           "  revoked_at {{bigint}}\n"
           ");\n"
           "CREATE UNIQUE INDEX gateway_api_tokens_one_active ON gateway_api_tokens (user_id, kind)\n"
           "  WHERE revoked_at IS NULL;\n"
           "CREATE TABLE gateway_user_permissions (\n"
           "  user_id {{bigint}} NOT NULL REFERENCES gateway_users (id),\n"
           "  permission {{text}} NOT NULL,\n"
           "  PRIMARY KEY (user_id, permission)\n"
           ")"},
      }};
  return set;
}

}  // namespace osprey::smsgw::accounts
