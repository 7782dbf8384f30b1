// Dispatcher: one sending loop per modem driver. Each loop claims the best eligible message for its modem
// from the Store, sends its waiting parts back-to-back through that modem (writing `submitting` before each),
// and records every outcome. A lease keeper thread renews the leases of messages being sent, so a slow modem
// does not lose its message; a crashed process's leases simply expire and RecoverAbandoned (run now and then,
// with ExpireOverdue) resolves the parts it left in `submitting`. Several dispatchers, in one process or
// many, may share one database.
//
// Thread rule: Start, Stop and the destructor from one owning thread; Wake from any thread.
// REQUIRES: the Store, the drivers and the Clock outlive the Dispatcher; no one else drives these drivers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "osprey/core/clock.hpp"
#include "smsgw/modem/driver.hpp"
#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::queue {

struct DispatcherOptions {
  std::string id = "dispatcher";  // names the leases this dispatcher takes (with a per-claim suffix)
  std::chrono::milliseconds poll_interval{1000};   // idle wait between claims when not woken
  std::chrono::milliseconds renew_interval{1000};  // lease renewal while sending (spec: every second)
  std::chrono::milliseconds recover_interval{std::chrono::seconds(10)};  // maintenance cadence (Clock time)
  // Whether a modem may take new messages now (e.g. not disabled through PUT /modem/status); unset = always.
  // Called from the sending loops; must be thread-safe and cheap.
  std::function<bool(int modem_no)> available;
  // Per-modem send rate limit in SMS parts per minute (absent or 0 = unlimited): consecutive parts on that
  // modem start at least 60 s / rate apart (real time).
  std::map<int, double> parts_per_minute;
  // A modem that has not been available for this long (Clock time) gives up the unpinned messages it had
  // part-sent, so that another modem sends them whole (Store::ReleaseStranded). Unpinned messages it never
  // touched flow to the other modems at once anyway.
  std::chrono::milliseconds failover_after{std::chrono::seconds(60)};
};

class Dispatcher {
 public:
  Dispatcher(Store& store, std::vector<modem::ModemDriver*> drivers, const Clock& clock,
             DispatcherOptions options = {});
  // Stops first if still running.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Starts one loop per driver and the lease keeper. REQUIRES: not started before.
  void Start();
  // Asks the loops to stop and joins them. A loop in the middle of a message finishes the part it is
  // submitting, releases the lease and leaves the rest for later (on the same modem). Idempotent.
  void Stop();
  // Makes idle loops look for work now instead of after the poll interval (e.g. after an Enqueue).
  void Wake();

 private:
  // Per-loop state of one modem's sending loop (only that loop's thread touches it).
  struct ModemPace {
    std::chrono::steady_clock::duration interval{};     // rate limit gap between parts; 0 = none
    std::chrono::steady_clock::time_point next_part{};  // earliest start of the next part
    std::optional<Clock::TimePoint> unavailable_since;  // when the modem was first seen unavailable
    bool released = false;                              // stranded messages released for this outage
    bool served = false;  // the modem has been in service since the dispatcher started
  };
  void Loop(modem::ModemDriver* driver);
  // Claims and sends one message; false when there was nothing to claim (or the store failed).
  bool SendOne(modem::ModemDriver& driver, ModemPace& pace);
  bool CheckAvailable(int modem_no, ModemPace& pace);
  void SendParts(modem::ModemDriver& driver, const ClaimedMessage& message, ModemPace& pace);
  // Waits until the rate limit allows the next part; false when stopping.
  bool WaitForPace(ModemPace& pace);
  void MaybeRecover();
  void KeepLeases();
  void Track(const ClaimedMessage& message);
  void Untrack(std::int64_t id);
  bool stopping();

  Store& store_;
  const std::vector<modem::ModemDriver*> drivers_;
  const Clock& clock_;
  const DispatcherOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;       // with mu_: new work (Wake) or Stop, for the modem loops
  std::condition_variable stop_cv_;  // with mu_: Stop only, for waits that new work must not cut short
  bool stopping_ = false;            // GUARDED_BY(mu_)
  std::uint64_t wake_seq_ = 0;       // GUARDED_BY(mu_)
  std::map<std::int64_t, ClaimedMessage> in_flight_;  // GUARDED_BY(mu_)
  std::optional<Clock::TimePoint> last_recover_;      // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
};

}  // namespace osprey::smsgw::queue
