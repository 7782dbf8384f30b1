// WorkerProcess: one child process that the gateway talks to in lines over its stdin/stdout (the modem
// worker, or a reset command whose output is logged). The child's stdin and stdout are the two directions of
// one AF_UNIX stream socket pair, so that writing to a dead child gives EPIPE (send with MSG_NOSIGNAL)
// instead of a process-wide SIGPIPE [D]. The child's stderr is inherited (the worker's logs go to the
// gateway's log) unless `merge_stderr` asks for it on the socket too. Every other descriptor is closed in the
// child, its signal mask is cleared, and it gets PR_SET_PDEATHSIG(SIGKILL): it dies with the thread that
// spawned it, so it never outlives the gateway (REQUIRES: spawn from a thread that lives as long as the child
// should).
//
// Ownership: the object owns the child: the destructor SIGKILLs a child that was not reaped yet and reaps it
// (no zombies). Thread rule: WriteLine may be called from any thread, also concurrently with the others;
// ReadLine, Kill, Wait and the destructor belong to one owner thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey::smsgw::worker {

class WorkerProcess {
 public:
  struct Options {
    bool merge_stderr = false;  // also connect the child's stderr to the socket
    std::size_t max_line = 1 << 20;
  };

  // Starts argv[0] (a path; no PATH search) with argv. kInvalidArgument for an empty argv, kUnavailable when
  // the socket pair or fork fails. A failing exec shows as the child exiting with status 127.
  static Result<std::unique_ptr<WorkerProcess>> Spawn(const std::vector<std::string>& argv,
                                                      const Options& options);
  static Result<std::unique_ptr<WorkerProcess>> Spawn(const std::vector<std::string>& argv) {
    return Spawn(argv, Options{});
  }

  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;
  ~WorkerProcess();

  pid_t pid() const { return pid_; }

  // Writes `line` + "\n". kUnavailable when the child's end is closed; kTimeout when the child did not take
  // the bytes within `timeout` (a hung child that stopped reading).
  Status WriteLine(std::string_view line, std::chrono::milliseconds timeout);

  // The next line without its "\n". nullopt when none arrived within `timeout` or when `wake_fd` (>= 0)
  // became readable; kUnavailable at end of file (the child closed stdout or died); kInvalidArgument for a
  // line longer than Options::max_line.
  Result<std::optional<std::string>> ReadLine(std::chrono::milliseconds timeout, int wake_fd = -1);

  // Sends SIGKILL unless the child was reaped already.
  void Kill();

  // Waits up to `timeout` for the child to exit and reaps it. The exit described ("exited with status 3",
  // "killed by signal 9"), or nullopt while it still runs. Returns the same description once reaped.
  std::optional<std::string> Wait(std::chrono::milliseconds timeout);

  bool reaped() const { return exit_description_.has_value(); }

 private:
  WorkerProcess(pid_t pid, int fd, std::size_t max_line) : pid_(pid), fd_(fd), max_line_(max_line) {}

  const pid_t pid_;
  const int fd_;  // the gateway's end of the socket pair, non-blocking
  const std::size_t max_line_;
  std::mutex write_mu_;                          // serialises whole lines from several writers
  std::string buffer_;                           // read side, owner thread only
  bool eof_ = false;                             // owner thread only
  std::optional<std::string> exit_description_;  // owner thread only
};

// The real path of the running executable (readlink of /proc/self/exe); kUnavailable when it cannot be read.
Result<std::string> SelfExecutablePath();

}  // namespace osprey::smsgw::worker
