#include "smsgw/modem/fleet.hpp"

#include <stdexcept>
#include <string>

namespace osprey::smsgw::modem {

Fleet::Fleet(std::vector<std::unique_ptr<ModemDriver>> drivers) {
  for (auto& driver : drivers) {
    const int n = driver->modem_no();
    auto [it, inserted] =
        modems_.emplace(n, Entry{std::move(driver), std::make_unique<std::atomic<bool>>(true)});
    if (!inserted) throw std::logic_error("modem " + std::to_string(n) + " is configured twice");
  }
}

bool Fleet::Exists(int modem_no) const { return modems_.count(modem_no) > 0; }

std::vector<int> Fleet::Numbers() const {
  std::vector<int> out;
  for (const auto& [n, entry] : modems_) out.push_back(n);
  return out;
}

std::optional<ModemInfo> Fleet::Info(int modem_no) const {
  auto it = modems_.find(modem_no);
  if (it == modems_.end()) return std::nullopt;
  return ModemInfo{modem_no, it->second.enabled->load(), it->second.driver->Health()};
}

std::vector<ModemInfo> Fleet::Infos() const {
  std::vector<ModemInfo> out;
  for (const auto& [n, entry] : modems_)
    out.push_back(ModemInfo{n, entry.enabled->load(), entry.driver->Health()});
  return out;
}

bool Fleet::Available(int modem_no) const {
  auto it = modems_.find(modem_no);
  return it != modems_.end() && it->second.enabled->load() && it->second.driver->Health().online;
}

bool Fleet::Enabled(int modem_no) const {
  auto it = modems_.find(modem_no);
  return it != modems_.end() && it->second.enabled->load();
}

bool Fleet::SetEnabled(int modem_no, bool enabled) {
  auto it = modems_.find(modem_no);
  if (it == modems_.end()) return false;
  it->second.enabled->store(enabled);
  return true;
}

std::vector<ModemDriver*> Fleet::Drivers() const {
  std::vector<ModemDriver*> out;
  for (const auto& [n, entry] : modems_) out.push_back(entry.driver.get());
  return out;
}

ModemDriver* Fleet::Driver(int modem_no) const {
  auto it = modems_.find(modem_no);
  return it == modems_.end() ? nullptr : it->second.driver.get();
}

void Fleet::StopAll() {
  for (auto& [number, entry] : modems_) entry.driver->Stop();
}

}  // namespace osprey::smsgw::modem
