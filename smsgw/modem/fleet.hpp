// Fleet: the modems one gateway process drives, by modem number: their drivers, the administrative on/off
// switch of PUT /modem/status (smseagle-api.md §10) and their health as the drivers report it. The API's
// modem endpoints, the send path's `modem_no` check and the dispatcher's "may this modem take work" all ask
// the fleet.
//
// The enabled switch lives in memory: a restart enables every modem again [D, docs/compatibility.md].
// Ownership: owns the drivers. Thread rule: every member may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "smsgw/modem/driver.hpp"

namespace osprey::smsgw::modem {

struct ModemInfo {
  int modem_no = 0;
  bool enabled = true;
  ModemHealth health;
};

class Fleet {
 public:
  // REQUIRES: modem numbers are distinct (std::logic_error otherwise).
  explicit Fleet(std::vector<std::unique_ptr<ModemDriver>> drivers);
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  bool Exists(int modem_no) const;
  std::vector<int> Numbers() const;  // ascending
  // nullopt for a modem number that is not configured.
  std::optional<ModemInfo> Info(int modem_no) const;
  std::vector<ModemInfo> Infos() const;  // by modem number
  // Whether the modem exists, is enabled and reports itself online.
  bool Available(int modem_no) const;
  bool Enabled(int modem_no) const;
  // false when the modem does not exist.
  bool SetEnabled(int modem_no, bool enabled);

  std::vector<ModemDriver*> Drivers() const;  // by modem number
  // Stops every driver (ModemDriver::Stop), in modem order.
  void StopAll();
  ModemDriver* Driver(int modem_no) const;  // nullptr when not configured

 private:
  struct Entry {
    std::unique_ptr<ModemDriver> driver;
    std::unique_ptr<std::atomic<bool>> enabled;
  };
  std::map<int, Entry> modems_;  // immutable after construction; `enabled` is atomic
};

}  // namespace osprey::smsgw::modem
