// What the `osprey gateway` and `osprey phonebook` commands open from the config file: the migrated database,
// the keyed hasher and the account store.
#pragma once

#include <memory>
#include <string>

#include "osprey/core/clock.hpp"
#include "osprey/core/keyed_hash.hpp"
#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"
#include "smsgw/accounts/account_store.hpp"

namespace osprey::cli {

// Everything an account command needs, opened from the config file. `store` uses `db`, `hasher` and `clock`,
// so the context is not movable once opened.
struct AccountContext {
  std::unique_ptr<sql::Database> db;
  std::unique_ptr<crypto::KeyedHasher> hasher;
  SystemClock clock;
  std::unique_ptr<smsgw::accounts::AccountStore> store;
};

// Loads the settings at `config_path`, opens and migrates their database, loads the hash key and fills `ctx`.
// On error `ctx` is partly filled and must not be used.
Status OpenAccountContext(const std::string& config_path, AccountContext& ctx);

// The exit code for a command's outcome: kExitOk; kExitUsage for kInvalidArgument, else kExitFailure, after
// printing the error to stderr.
int ExitCodeFor(const Status& s);

}  // namespace osprey::cli
