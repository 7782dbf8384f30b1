// Test harness for black-box tests: runs the real `osprey` binary as a child process on free loopback ports.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace osprey::blackbox {

// A fresh directory under the system temp dir, removed by the caller (RemoveTree).
std::string MakeTempDir();
void RemoveTree(const std::string& path);
std::string ReadFile(const std::string& path);

// A TCP port on 127.0.0.1 that was free a moment ago.
std::uint16_t FreePort();

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

// Runs `osprey <args>` to completion with `env` added to the environment.
RunResult RunOsprey(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});
// The same with `input` on the child's standard input (then end of file), e.g. a password the command reads.
RunResult RunOspreyWithInput(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env, const std::string& input);

// A running `osprey` child process, leader of a process group of its own (as a shell starts a job); killed
// (SIGKILL) on destruction if still alive.
class OspreyProcess {
 public:
  // Starts `osprey <args>`; stdout and stderr go to `log_path`.
  OspreyProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                const std::string& log_path);
  ~OspreyProcess();
  OspreyProcess(const OspreyProcess&) = delete;
  OspreyProcess& operator=(const OspreyProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // To the child's whole process group, which it leads, as a terminal's Ctrl-C reaches a shell job.
  void SignalGroup(int sig);
  // Waits up to `timeout` for the process to exit; returns its exit code (128+signal if killed).
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// Sends `raw` on a new connection to 127.0.0.1:port and returns everything read until the server closes or
// `timeout` passes.
std::string RawExchange(std::uint16_t port, const std::string& raw,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// Opens a TCP connection and returns its fd (-1 on failure).
int Connect(std::uint16_t port);

// Polls GET http://127.0.0.1:port/healthz until it answers 200 or `timeout` passes.
bool WaitHealthy(std::uint16_t port, std::chrono::milliseconds timeout);

// Runs `argv` (argv[0] = the program's path, e.g. "/usr/bin/gammu") with stdout and stderr captured; kills it
// (SIGKILL) when it runs longer than `timeout`, and then returns exit_code -1 with what it wrote so far.
RunResult RunProgram(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// Waits until the file at `path` holds a complete first line and returns it without the newline (e.g. the pty
// path `osprey modem-emulator` prints); nullopt when `timeout` passes first.
std::optional<std::string> WaitFirstLine(const std::string& path, std::chrono::milliseconds timeout);

}  // namespace osprey::blackbox
