// The SMS gateway as `osprey serve` runs it: accounts, the durable queue, the modems (one driver per
// configured modem, built by name from the driver registry), the send path (optionally behind group commit),
// the dispatcher and the HTTP service, built from the settings in dependency order.
//
// Ownership: owns everything it builds; refers to the database, hasher and clock, which must outlive it.
// Thread rule: Build, Start, Stop and the destructor from one thread; service() is used by the HTTP server.
#pragma once

#include <functional>
#include <memory>

#include "cli/settings.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/keyed_hash.hpp"
#include "osprey/core/result.hpp"
#include "osprey/http/server.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::cli {

class GatewayRuntime {
 public:
  // kInvalidArgument for an unknown modem driver or bad driver parameters (the message names the option).
  static Result<std::unique_ptr<GatewayRuntime>> Build(const Settings& settings, sql::Database& db,
                                                       const crypto::KeyedHasher& hasher, const Clock& clock,
                                                       std::function<bool()> healthy);
  ~GatewayRuntime();
  GatewayRuntime(const GatewayRuntime&) = delete;
  GatewayRuntime& operator=(const GatewayRuntime&) = delete;

  http::Service& service();
  // Starts sending (recovers what a previous run left first). Idempotent.
  void Start();
  // Stops sending: parts being submitted complete, the rest stays queued. Idempotent.
  void Stop();

  struct Parts;  // defined in gateway_wiring.cpp

 private:
  explicit GatewayRuntime(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace osprey::cli
