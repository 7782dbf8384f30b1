#include "cli/account_context.hpp"

#include "cli/commands.hpp"
#include "cli/settings.hpp"
#include "osprey/core/keyfile.hpp"

namespace osprey::cli {

Status OpenAccountContext(const std::string& config_path, AccountContext& ctx) {
  auto settings = LoadSettings(config_path);
  if (!settings.ok()) return settings.error();
  auto db = sql::Database::Open(settings->database_url, settings->database);
  if (!db.ok()) return db.error();
  ctx.db = std::move(*db);
  if (auto m = MigrateAll(*ctx.db); !m.ok()) return m.error();
  auto ring = crypto::LoadKeyRing(settings->hash_key_file);
  if (!ring.ok()) return ring.error();
  ctx.hasher = std::make_unique<crypto::KeyedHasher>(std::move(*ring));
  ctx.store = std::make_unique<smsgw::accounts::AccountStore>(*ctx.db, *ctx.hasher, ctx.clock);
  return OkStatus();
}

int ExitCodeFor(const Status& s) {
  if (s.ok()) return kExitOk;
  PrintError(s.error().message());
  return s.error().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

}  // namespace osprey::cli
