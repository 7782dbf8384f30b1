// The processes of the ScriptSMSProvider: an executable started without a shell, in a process group of its
// own, in its directory, with a fixed small environment (PATH, LANG: the server's own environment may hold
// secrets), no descriptor of the server but stdin/stdout/stderr, the phone number as its one argument and
// the SMS text on stdin (a socket that reaches EOF after the text).
// Thread rule: any thread; a ChildReaper may be shared by all threads.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey::mfa::sms {

struct ScriptRun {
  std::filesystem::path executable;  // absolute
  std::filesystem::path directory;   // the working directory
  std::string phone;
  std::string text;
};

// Starts `run` and hands it the text; returns the child's pid (also its process group id). Errors:
// kUnavailable when the process cannot be started, kTimeout when the child did not take the text within
// `timeout` (it is killed and reaped then).
Result<pid_t> StartScript(const ScriptRun& run, std::chrono::milliseconds timeout);

// Waits for `pid` until `timeout`. OkStatus for exit code 0. Errors (privacyIDEA-style log texts):
// kUnavailable "SMS could not be sent: exit code N" or "...: killed by signal N"; kTimeout "SMS could not be
// sent: the script did not finish within N ms" after the whole process group was killed (and the child
// reaped).
Status WaitForScript(pid_t pid, std::chrono::milliseconds timeout);

// Reaps the children of background runs as they exit, so that none stays a zombie. Its thread runs only
// while there is a child to wait for. The destructor stops it; children still running then are left to
// init when the process exits.
class ChildReaper {
 public:
  ChildReaper() = default;
  ChildReaper(const ChildReaper&) = delete;
  ChildReaper& operator=(const ChildReaper&) = delete;
  ~ChildReaper();

  void Adopt(pid_t pid);
  // How many adopted children have not been reaped yet.
  std::size_t Pending() const;

 private:
  void Loop();

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::vector<pid_t> children_;  // guarded by mu_
  bool stop_ = false;            // guarded by mu_
  std::thread thread_;           // started by the first Adopt
};

}  // namespace osprey::mfa::sms
