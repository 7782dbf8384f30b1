#include "smsgw/modem/driver.hpp"

#include <stdexcept>

#include "smsgw/modem/loopback_driver.hpp"

namespace osprey::smsgw::modem {

void RegisterBuiltinModemDrivers(ModemDriverRegistry& registry) {
  registry.Register("loopback", [](const DriverConfig& config) -> std::unique_ptr<ModemDriver> {
    auto driver = LoopbackDriver::Create(config);
    // The registry's factories return instances, not Results: a bad parameter is a configuration error that
    // start-up validation reports before any driver is built.
    if (!driver.ok()) throw std::invalid_argument(driver.error().message());
    return std::move(driver.value());
  });
}

}  // namespace osprey::smsgw::modem
