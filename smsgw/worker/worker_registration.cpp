// The "gammu" driver type: WorkerOptions from DriverConfig::params, and its registration.
#include <charconv>
#include <set>
#include <stdexcept>

#include "smsgw/worker/worker_driver.hpp"

namespace osprey::smsgw::worker {
namespace {

const std::set<std::string>& KnownKeys() {
  static const std::set<std::string> keys = {
      "device",  "connection",          "model",        "pin",
      "smsc",    "reset_command",       "heartbeat_ms", "submit_timeout_ms",
      "poll_ms", "reset_after_failures"};
  return keys;
}

// The parameter `key` as an integer in [min, max], or `fallback` when absent.
Result<int> IntParam(const modem::DriverConfig& config, const std::string& key, int fallback, int min,
                     int max) {
  auto it = config.params.find(key);
  if (it == config.params.end()) return fallback;
  const std::string& v = it->second;
  int value = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (ec != std::errc() || end != v.data() + v.size() || value < min || value > max) {
    return Error(ErrorCode::kInvalidArgument, "gammu: " + key + " must be an integer between " +
                                                  std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

std::string StringParam(const modem::DriverConfig& config, const std::string& key,
                        const std::string& fallback) {
  auto it = config.params.find(key);
  return it == config.params.end() ? fallback : it->second;
}

}  // namespace

Result<WorkerCommand> SelfWorkerCommand() {
  auto self = SelfExecutablePath();
  if (!self.ok()) return self.error();
  return WorkerCommand{{*self, "modem-worker"}};
}

Result<WorkerOptions> WorkerOptionsFromConfig(const modem::DriverConfig& config,
                                              const WorkerCommand& command) {
  for (const auto& [key, value] : config.params) {
    if (KnownKeys().count(key) == 0) {
      std::string known;
      for (const auto& k : KnownKeys()) known += (known.empty() ? "" : ", ") + k;
      return Error(ErrorCode::kInvalidArgument, "gammu: unknown parameter '" + key + "' (" + known + ")");
    }
  }
  WorkerOptions options;
  options.modem_no = config.modem_no;
  options.argv = command.argv;
  Configure& c = options.configure;
  c.modem_no = config.modem_no;
  c.device = StringParam(config, "device", "");
  if (c.device.empty()) return Error(ErrorCode::kInvalidArgument, "gammu: device is required");
  c.connection = StringParam(config, "connection", c.connection);
  c.model = StringParam(config, "model", c.model);
  c.pin = Secret(StringParam(config, "pin", ""));
  c.smsc = StringParam(config, "smsc", "");
  options.reset_command = StringParam(config, "reset_command", "");
  auto heartbeat = IntParam(config, "heartbeat_ms", c.heartbeat_ms, 10, 600000);
  if (!heartbeat.ok()) return heartbeat.error();
  auto submit_timeout = IntParam(config, "submit_timeout_ms", c.submit_timeout_ms, 100, 600000);
  if (!submit_timeout.ok()) return submit_timeout.error();
  auto poll = IntParam(config, "poll_ms", c.poll_ms, 10, 3600000);
  if (!poll.ok()) return poll.error();
  auto reset_after = IntParam(config, "reset_after_failures", options.reset_after_failures, 1, 1000);
  if (!reset_after.ok()) return reset_after.error();
  c.heartbeat_ms = *heartbeat;
  c.submit_timeout_ms = *submit_timeout;
  c.poll_ms = *poll;
  options.reset_after_failures = *reset_after;
  if (options.argv.empty()) return Error(ErrorCode::kInvalidArgument, "gammu: no worker command");
  return options;
}

void RegisterWorkerModemDriver(modem::ModemDriverRegistry& registry, WorkerCommand command) {
  registry.Register("gammu",
                    [command](const modem::DriverConfig& config) -> std::unique_ptr<modem::ModemDriver> {
                      auto options = WorkerOptionsFromConfig(config, command);
                      // As the built-in types: a bad parameter is a configuration error reported before any
                      // driver is built.
                      if (!options.ok()) throw std::invalid_argument(options.error().message());
                      return std::make_unique<WorkerDriver>(std::move(options.value()));
                    });
}

}  // namespace osprey::smsgw::worker
