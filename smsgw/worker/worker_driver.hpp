// WorkerDriver: the gateway side of one modem worker process (`osprey modem-worker`, protocol.hpp). A
// supervisor thread owns the child: it spawns it, checks its hello, sends configure, reads its lines and
// restarts it with back-off when it exits, breaks the protocol or hangs. A hung modem (no line at all for
// 3 x heartbeat_ms, or no answer to a submit within submit_timeout_ms + submit_margin) is SIGKILLed and
// re-initialised by a new worker; after `reset_after_failures` consecutive failed starts/hangs/crashes the
// optional reset command (e.g. a USB power cycle) runs through /bin/sh -c, bounded in time, its output
// logged.
//
// Submit sends one part and blocks until the worker's answer for that id. Nothing sent (worker not ready, or
// its last state says offline) → SubmitFailure kTransient "modem offline"; the worker died, hung or the
// driver stopped while the part was outstanding → kUnknown (the part may have gone out, modems-and-sms.md
// §5 item 4), never kTransient.
//
// Incoming SMS and delivery reports go to the listener on a dedicated event thread (never while a lock of
// the Submit path is held); when the listener returns true, Stored{key} goes back to the same worker process
// that offered the event (a key means nothing to its successor), otherwise nothing (the worker offers it
// again).
//
// Ownership: owns the child process and its threads; the destructor (or Stop) sends shutdown, waits up to
// `shutdown_grace`, then SIGKILLs and reaps the child and joins the threads. Thread rule: as ModemDriver;
// status() and Health() may be called from any thread and never wait for the worker.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "osprey/core/clock.hpp"
#include "smsgw/modem/driver.hpp"
#include "smsgw/worker/protocol.hpp"
#include "smsgw/worker/worker_process.hpp"

namespace osprey::smsgw::worker {

using std::chrono::milliseconds;

struct WorkerOptions {
  int modem_no = 1;
  std::vector<std::string> argv;  // the worker command, e.g. {<real path of osprey>, "modem-worker"}
  Configure configure;            // sent after hello; its modem_no is overwritten with `modem_no`
  milliseconds backoff_initial{1000};
  milliseconds backoff_max{60000};
  // A worker that stayed up this long after its first state resets the back-off and the failure count.
  milliseconds stable_after{60000};
  milliseconds hello_timeout{10000};  // spawn → hello
  // configure → first state: libgammu's init takes seconds (modems-and-sms.md §1 item 4).
  milliseconds init_timeout{60000};
  milliseconds submit_margin{5000};   // added to configure.submit_timeout_ms for the hang bound
  milliseconds write_timeout{2000};   // a worker that does not read a line within this is hung
  milliseconds shutdown_grace{3000};  // shutdown → SIGKILL
  std::string reset_command;          // empty: none
  int reset_after_failures = 3;       // consecutive failures before the reset command runs
  milliseconds reset_timeout{60000};  // the reset command is killed after this
  const Clock* clock = nullptr;       // timestamps (last heartbeat); nullptr = the system clock
};

enum class WorkerState { kStarting, kReady, kBackoff, kStopped };

// "starting", "ready", "backoff", "stopped"
const char* WorkerStateName(WorkerState state);

struct WorkerStatus {
  WorkerState state = WorkerState::kStarting;
  int restarts = 0;                                // workers started after the first one
  int consecutive_failures = 0;                    // failed starts/crashes/hangs since the last stable run
  int resets = 0;                                  // times the reset command ran
  pid_t pid = 0;                                   // the running worker, 0 when none
  std::optional<Clock::TimePoint> last_heartbeat;  // time of the worker's last line
  std::string last_exit;  // why the last worker ended ("worker exited with status 3", "worker not answering")
  std::string last_error;  // while down: last_exit; while running: the worker's own last error
  std::string model;       // the model the worker reported
};

class WorkerDriver final : public modem::ModemDriver {
 public:
  // Starts the supervisor at once. REQUIRES: options.argv not empty.
  explicit WorkerDriver(WorkerOptions options);
  ~WorkerDriver() override;

  int modem_no() const override { return options_.modem_no; }
  modem::SubmitResult Submit(const modem::OutgoingPart& part) override;
  modem::ModemHealth Health() override;
  void SetListener(modem::ModemListener* listener) override;

  WorkerStatus status() const;

  // Shuts the worker down (bounded, see above) and joins the threads; Submit then answers "modem offline".
  // Idempotent.
  void Stop() override;

 private:
  // One running worker process. `ended` (GUARDED_BY(mu_)) is set once the supervisor gave it up.
  struct Link {
    std::unique_ptr<WorkerProcess> process;
    bool ended = false;
  };
  // An Incoming or Report waiting for the listener, with the worker that offered it (Stored goes only there).
  struct Event {
    std::shared_ptr<Link> link;
    std::string key;
    std::variant<modem::IncomingSms, modem::DeliveryReport> payload;
  };
  // The one submit in flight.
  struct Outstanding {
    std::int64_t id = 0;
    std::shared_ptr<Link> link;
    std::chrono::steady_clock::time_point deadline;  // the hang bound for this submit
    std::optional<modem::SubmitResult> result;
  };

  // Supervisor thread.
  void SuperviseLoop();
  // One worker's life from spawn to its end; returns why it ended ("" after a requested stop).
  std::string RunOnce();
  std::string Handshake(const std::shared_ptr<Link>& link);
  std::string ReadLoop(const std::shared_ptr<Link>& link);
  void HandleLine(const std::shared_ptr<Link>& link, const std::string& line);
  // Stops the child (shutdown + grace when `why` is empty, i.e. a requested stop; SIGKILL at once otherwise),
  // reaps it, and only then marks the link ended, waking a waiting Submit (which answers kUnknown).
  void EndLink(const std::shared_ptr<Link>& link, const std::string& why);
  // REQUIRES: mu_ held. Whether this worker's event `key` waits for the listener already.
  bool Queued(const std::shared_ptr<Link>& link, const std::string& key) const;
  std::string ExitReason(WorkerProcess& process, const Error& error);
  void AfterFailure(const std::string& why);
  void RunResetCommand();
  void CheckStableRun();
  milliseconds SilenceBound(bool submit_outstanding) const;
  bool SleepUnlessStopping(milliseconds d);  // false when stopping
  bool Stopping() const;
  void DrainWakePipe();

  void EventLoop();
  void Wake();
  Clock::TimePoint Now() const;

  const WorkerOptions options_;
  SystemClock system_clock_;
  int wake_pipe_[2] = {-1, -1};  // written by Stop to interrupt the supervisor's poll

  mutable std::mutex mu_;
  std::condition_variable cv_;                 // submit answers, link ends, listener calls, stop
  std::condition_variable events_cv_;          // events queued, stop (the event thread only)
  std::shared_ptr<Link> link_;                 // GUARDED_BY(mu_): the current worker, null when none
  bool ready_ = false;                         // GUARDED_BY(mu_): configured and a state arrived
  bool stopping_ = false;                      // GUARDED_BY(mu_)
  WorkerStatus status_;                        // GUARDED_BY(mu_)
  std::optional<modem::ModemHealth> health_;   // GUARDED_BY(mu_): the worker's last state
  std::unique_ptr<Outstanding> outstanding_;   // GUARDED_BY(mu_)
  std::int64_t next_id_ = 1;                   // GUARDED_BY(mu_)
  std::deque<std::unique_ptr<Event>> events_;  // GUARDED_BY(mu_)
  modem::ModemListener* listener_ = nullptr;   // GUARDED_BY(mu_)
  int listener_calls_ = 0;                     // GUARDED_BY(mu_): calls running now (SetListener waits)
  bool spawned_ = false;                       // GUARDED_BY(mu_): a worker was started before
  std::shared_ptr<Link> kill_link_;            // GUARDED_BY(mu_): a worker Submit found not reading
  // GUARDED_BY(mu_): when the supervisor, asleep in poll, wakes by itself; nullopt while it is awake or not
  // reading a worker. Submit writes the wake pipe only for a hang bound earlier than this.
  std::optional<std::chrono::steady_clock::time_point> supervisor_wake_at_;

  // Supervisor thread only.
  milliseconds backoff_;
  std::chrono::steady_clock::time_point last_line_;
  std::optional<std::chrono::steady_clock::time_point> ready_since_;
  bool awaiting_first_state_ = false;

  std::thread events_thread_;
  std::thread supervisor_;
};

// The worker command of this executable: {real path of /proc/self/exe, "modem-worker"}.
struct WorkerCommand {
  std::vector<std::string> argv;
};
Result<WorkerCommand> SelfWorkerCommand();

// Builds WorkerOptions from a driver config. Parameters: device (required), connection, model, pin, smsc,
// reset_command, reset_after_failures, heartbeat_ms, submit_timeout_ms, poll_ms. kInvalidArgument for an
// unknown key, a missing device or a malformed number.
Result<WorkerOptions> WorkerOptionsFromConfig(const modem::DriverConfig& config,
                                              const WorkerCommand& command);

// Registers the driver type "gammu": a WorkerDriver running `command` (its factory throws
// std::invalid_argument with the message of WorkerOptionsFromConfig for a bad config, as the built-in types).
void RegisterWorkerModemDriver(modem::ModemDriverRegistry& registry, WorkerCommand command);

}  // namespace osprey::smsgw::worker
