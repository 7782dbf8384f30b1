// `osprey serve`: opens the database, applies migrations, loads the keys and runs the enabled services until
// SIGTERM or SIGINT.
#include <pthread.h>
#include <signal.h>

#include <spdlog/spdlog.h>

#include "cli/commands.hpp"
#include "cli/gateway_wiring.hpp"
#include "cli/mfa_runtime.hpp"
#include "cli/settings.hpp"
#include "mfa/api/service.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/keyfile.hpp"
#include "osprey/core/logging.hpp"
#include "osprey/http/server.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::cli {
namespace {

// A cheap readiness probe: one round trip on a pooled session.
bool DatabaseHealthy(sql::Database& db) {
  auto session = db.Acquire();
  if (!session.ok()) return false;
  try {
    int one = 0;
    session->get() << "SELECT 1", soci::into(one);
    return one == 1;
  } catch (const std::exception&) {
    return false;
  }
}

Status CheckKeys(const Settings& s) {
  for (const std::string& path : {s.master_key_file, s.hash_key_file}) {
    auto ring = crypto::LoadKeyRing(path);
    if (!ring.ok()) return ring.error();
  }
  return OkStatus();
}

// Blocks SIGTERM/SIGINT in this thread and every thread started after it, so sigwait() below receives them.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int RunServe(const std::string& config_path) {
  auto settings = LoadSettings(config_path);
  if (!settings.ok()) {
    PrintError(settings.error().message());
    return kExitUsage;
  }
  if (auto s = logging::SetupLogging(settings->log); !s.ok()) {
    PrintError(s.error().message());
    return kExitUsage;
  }
  sigset_t signals = BlockShutdownSignals();
  auto db = sql::Database::Open(settings->database_url, settings->database);
  if (!db.ok()) {
    spdlog::critical("database: {}", db.error().message());
    return kExitFailure;
  }
  if (auto m = MigrateAll(**db); !m.ok()) {
    spdlog::critical("migrations: {}", m.error().message());
    return kExitFailure;
  }
  if (auto k = CheckKeys(*settings); !k.ok()) {
    spdlog::critical("keys: {}", k.error().message());
    return kExitFailure;
  }
  auto hash_keys = crypto::LoadKeyRing(settings->hash_key_file);
  if (!hash_keys.ok()) {
    spdlog::critical("keys: {}", hash_keys.error().message());
    return kExitFailure;
  }
  const crypto::KeyedHasher hasher(std::move(*hash_keys));
  SystemClock clock;
  sql::Database& database = **db;
  auto healthy = [&database] { return DatabaseHealthy(database); };
  std::unique_ptr<MfaRuntime> mfa_runtime;
  if (settings->mfa.enabled) {
    auto rt = MfaRuntime::Build(*settings, database, clock);
    if (!rt.ok()) {
      spdlog::critical("mfa: {}", rt.error().message());
      return kExitFailure;
    }
    mfa_runtime = std::move(*rt);
  }
  mfa::api::MfaService mfa_service(clock, healthy, mfa_runtime ? &mfa_runtime->api() : nullptr);
  auto gateway = GatewayRuntime::Build(*settings, database, hasher, clock, healthy);
  if (!gateway.ok()) {
    spdlog::critical("{}", gateway.error().message());
    return kExitUsage;
  }

  http::HttpServer server(settings->http);
  std::vector<std::string> names;
  if (settings->mfa.enabled) {
    server.AddListener(settings->mfa.listener, mfa_service);
    names.push_back("mfa");
  }
  if (settings->gateway.enabled) {
    server.AddListener(settings->gateway.listener, (*gateway)->service());
    names.push_back("gateway");
  }
  if (names.empty()) {
    spdlog::critical("no service enabled (mfa.enabled and gateway.enabled are both false)");
    return kExitUsage;
  }
  if (auto s = server.Start(); !s.ok()) {
    spdlog::critical("http: {}", s.error().message());
    return kExitFailure;
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& l = names[i] == "mfa" ? settings->mfa.listener : settings->gateway.listener;
    bool v6 = l.address.find(':') != std::string::npos;
    spdlog::info("{} listening on {}{}{}{}:{}", names[i], l.tls ? "https://" : "http://", v6 ? "[" : "",
                 l.address, v6 ? "]" : "", server.BoundPort(i));
  }
  if (settings->gateway.enabled) (*gateway)->Start();
  if (mfa_runtime) mfa_runtime->Start();
  spdlog::info("osprey {} ready (database {})", OSPREY_VERSION,
               sql::RedactDatabaseUrl(settings->database_url));
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Stop();
  if (mfa_runtime) mfa_runtime->Stop();
  (*gateway)->Stop();
  spdlog::info("stopped");
  spdlog::shutdown();
  return kExitOk;
}

}  // namespace osprey::cli
