#include "mfa/token/token_store.hpp"

namespace osprey::mfa::token {

// counter is privacyIDEA's `count` (a reserved word in some SQL dialects). Realm names are stored lower-case,
// as the users module stores them.
const sql::MigrationSet& TokenMigrations() {
  static const sql::MigrationSet set{
      "mfa_token",
      {
          {1, "tokens, tokeninfo, token realms, challenges",
           "CREATE TABLE mfa_token (\n"
           "  id {{id}},\n"
           "  serial {{text}} NOT NULL UNIQUE,\n"
           "  tokentype {{text}} NOT NULL,\n"
           "  description {{text}} NOT NULL DEFAULT '',\n"
           "  otplen INTEGER NOT NULL DEFAULT 6,\n"
           "  maxfail INTEGER NOT NULL DEFAULT 10,\n"
           "  active {{bool}} NOT NULL DEFAULT TRUE,\n"
           "  revoked {{bool}} NOT NULL DEFAULT FALSE,\n"
           "  locked {{bool}} NOT NULL DEFAULT FALSE,\n"
           "  failcount INTEGER NOT NULL DEFAULT 0,\n"
           "  counter {{bigint}} NOT NULL DEFAULT 0,\n"
           "  count_window INTEGER NOT NULL DEFAULT 10,\n"
           "  sync_window INTEGER NOT NULL DEFAULT 1000,\n"
           "  rollout_state {{text}} NOT NULL DEFAULT '',\n"
           "  user_id {{text}} NOT NULL DEFAULT '',\n"
           "  resolver {{text}} NOT NULL DEFAULT '',\n"
           "  user_realm {{text}} NOT NULL DEFAULT '',\n"
           "  sealed_key {{text}} NOT NULL DEFAULT '',\n"
           "  pin_hash {{text}} NOT NULL DEFAULT '',\n"
           "  user_pin_hash {{text}} NOT NULL DEFAULT '',\n"
           "  so_pin_hash {{text}} NOT NULL DEFAULT '',\n"
           "  count_auth {{bigint}} NOT NULL DEFAULT 0,\n"
           "  count_auth_success {{bigint}} NOT NULL DEFAULT 0\n"
           ");\n"
           "CREATE INDEX mfa_token_owner ON mfa_token (resolver, user_id);\n"
           "CREATE INDEX mfa_token_type ON mfa_token (tokentype);\n"
           "CREATE TABLE mfa_tokeninfo (\n"
           "  id {{id}},\n"
           "  token_id {{bigint}} NOT NULL REFERENCES mfa_token (id) ON DELETE CASCADE,\n"
           "  info_key {{text}} NOT NULL,\n"
           "  info_value {{text}} NOT NULL DEFAULT '',\n"
           "  UNIQUE (token_id, info_key)\n"
           ");\n"
           "CREATE TABLE mfa_token_realm (\n"
           "  token_id {{bigint}} NOT NULL REFERENCES mfa_token (id) ON DELETE CASCADE,\n"
           "  realm {{text}} NOT NULL,\n"
           "  PRIMARY KEY (token_id, realm)\n"
           ");\n"
           "CREATE INDEX mfa_token_realm_realm ON mfa_token_realm (realm);\n"
           "CREATE TABLE mfa_challenge (\n"
           "  id {{id}},\n"
           "  transaction_id {{text}} NOT NULL,\n"
           "  serial {{text}} NOT NULL,\n"
           "  data {{text}} NOT NULL DEFAULT '',\n"
           "  challenge {{text}} NOT NULL DEFAULT '',\n"
           "  created_ms {{bigint}} NOT NULL,\n"
           "  expiration_ms {{bigint}} NOT NULL,\n"
           "  received_count INTEGER NOT NULL DEFAULT 0,\n"
           "  otp_valid {{bool}} NOT NULL DEFAULT FALSE\n"
           ");\n"
           "CREATE INDEX mfa_challenge_serial_tid ON mfa_challenge (serial, transaction_id);\n"
           "CREATE INDEX mfa_challenge_tid ON mfa_challenge (transaction_id)"},
          {2, "token reads take the tokeninfo values from the index",
           // TokenStore::Get/ListOwned join the tokeninfo by token_id on every /validate/check: with the
           // value in the index, that is one B-tree instead of two (users migration 2 says why pages matter).
           "CREATE INDEX mfa_tokeninfo_values ON mfa_tokeninfo (token_id, info_key, info_value)"},
          {3, "expired challenges are found by serial and expiration",
           // Each new challenge deletes its token's expired ones (TokenStore::PurgeExpiredIn): with the index
           // on (serial, transaction_id) that visited every challenge of the token; lookups by transaction id
           // take mfa_challenge_tid.
           "CREATE INDEX mfa_challenge_serial_exp ON mfa_challenge (serial, expiration_ms);\n"
           "DROP INDEX mfa_challenge_serial_tid"},
      }};
  return set;
}

}  // namespace osprey::mfa::token
