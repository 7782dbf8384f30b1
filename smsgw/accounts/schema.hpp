// The database schema of gateway accounts, as the migration component "smsgw_accounts".
//
//   gateway_users             id, username (unique), access_level ('user'|'admin'), apiv1_enabled,
//                             apiv2_enabled, password_access, all_resources, password_hash (argon2id PHC
//                             string, NULL = no password), created_at (Unix seconds)
//   gateway_api_tokens        id, user_id -> gateway_users, kind ('apiv1'|'apiv2'), token_hash (keyed hash
//                             "h1:<key id>:<mac>" with context = kind; unique, the lookup index),
//                             created_at, revoked_at (NULL = active). A partial unique index allows at most
//                             one active token per (user, kind). Revoked rows stay as a record until the user
//                             is removed.
//   gateway_user_permissions  (user_id, permission) primary key; permission is a PermissionName. Permissions
//   are
//                             the user's, shared by the user's tokens (see account.hpp for why).
// Timestamps are Unix seconds in BIGINT, the same on both engines.
#pragma once

#include "osprey/sql/migrations.hpp"

namespace osprey::smsgw::accounts {

// The migrations of the component "smsgw_accounts"; apply with sql::ApplyMigrations. Thread-safe.
const sql::MigrationSet& AccountMigrations();

}  // namespace osprey::smsgw::accounts
