#include "smsgw/worker/worker_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <thread>

namespace osprey::smsgw::worker {
namespace {

using Millis = std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

Error SysError(ErrorCode code, const std::string& what) {
  return Error(code, "worker process: " + what + ": " + std::strerror(errno));
}

int RemainingMs(SteadyClock::time_point deadline) {
  // Rounded up, so that a poll never returns before the deadline and its caller does not spin.
  auto left = std::chrono::ceil<Millis>(deadline - SteadyClock::now()).count();
  if (left <= 0) return 0;
  return left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

void WriteStderr(const char* text) {
  // Only async-signal-safe calls between fork and exec.
  ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

// Runs in the forked child: only async-signal-safe calls (the parent has other threads).
[[noreturn]] void ExecChild(int fd, pid_t parent, bool merge_stderr, char* const* argv) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The parent may have died between fork and prctl; then nobody would kill us.
  if (::getppid() != parent) ::_exit(126);
  // A process group of its own: Ctrl-C in the terminal reaches the gateway, which stops the worker (and what
  // it started: the modem emulator behind proxyat) in order, instead of killing it mid-shutdown, which was
  // logged as a worker failure with a restart scheduled.
  ::setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  if (::dup2(fd, STDIN_FILENO) < 0 || ::dup2(fd, STDOUT_FILENO) < 0) ::_exit(127);
  if (merge_stderr && ::dup2(fd, STDERR_FILENO) < 0) ::_exit(127);
  if (::close_range(3, ~0U, 0) != 0) {
    for (int i = 3; i < 65536; ++i) ::close(i);
  }
  ::execv(argv[0], argv);
  WriteStderr("osprey: cannot execute the worker command: ");
  WriteStderr(std::strerror(errno));
  WriteStderr("\n");
  ::_exit(127);
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended with wait status " + std::to_string(status);
}

}  // namespace

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::Spawn(const std::vector<std::string>& argv,
                                                            const Options& options) {
  if (argv.empty() || argv[0].empty()) {
    return Error(ErrorCode::kInvalidArgument, "worker process: empty command");
  }
  // Prepared before fork: the child may not allocate.
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return SysError(ErrorCode::kUnavailable, "socketpair");
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return SysError(ErrorCode::kUnavailable, "fork");
  }
  if (pid == 0) ExecChild(fds[1], parent, options.merge_stderr, cargv.data());
  ::close(fds[1]);
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  return std::unique_ptr<WorkerProcess>(new WorkerProcess(pid, fds[0], options.max_line));
}

WorkerProcess::~WorkerProcess() {
  if (!reaped()) {
    Kill();
    Wait(Millis(5000));
    // SIGKILL cannot be ignored; a child still not gone is in uninterruptible sleep: reap it blocking rather
    // than leave a zombie.
    if (!reaped()) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  ::close(fd_);
}

Status WorkerProcess::WriteLine(std::string_view line, std::chrono::milliseconds timeout) {
  std::string data(line);
  data += '\n';
  const auto deadline = SteadyClock::now() + timeout;
  std::lock_guard lock(write_mu_);
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      return SysError(ErrorCode::kUnavailable, "write to worker");
    }
    pollfd p{fd_, POLLOUT, 0};
    const int left = RemainingMs(deadline);
    if (left == 0 || ::poll(&p, 1, left) == 0) {
      return Error(ErrorCode::kTimeout, "worker process: the worker does not read its input");
    }
  }
  return OkStatus();
}

Result<std::optional<std::string>> WorkerProcess::ReadLine(std::chrono::milliseconds timeout, int wake_fd) {
  const auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return std::optional<std::string>(std::move(line));
    }
    if (buffer_.size() > max_line_) {
      return Error(ErrorCode::kInvalidArgument, "worker process: line longer than the limit");
    }
    if (eof_) return Error(ErrorCode::kUnavailable, "worker process: end of output");
    pollfd p[2] = {{fd_, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    const int ready = ::poll(p, wake_fd >= 0 ? 2 : 1, RemainingMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return SysError(ErrorCode::kInternal, "poll");
    if (ready == 0 || (wake_fd >= 0 && (p[1].revents & POLLIN))) return std::optional<std::string>();
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK)) {
      eof_ = true;
    }
  }
}

void WorkerProcess::Kill() {
  if (!reaped()) ::kill(pid_, SIGKILL);
}

std::optional<std::string> WorkerProcess::Wait(std::chrono::milliseconds timeout) {
  if (reaped()) return exit_description_;
  const auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_description_ = DescribeStatus(status);
      return exit_description_;
    }
    if (r < 0 && errno != EINTR) {
      // ECHILD: someone else reaped it (SIGCHLD ignored); it is gone either way.
      exit_description_ = "ended (status unknown)";
      return exit_description_;
    }
    if (SteadyClock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(Millis(5));
  }
}

Result<std::string> SelfExecutablePath() {
  char path[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return SysError(ErrorCode::kUnavailable, "readlink /proc/self/exe");
  return std::string(path, static_cast<std::size_t>(n));
}

}  // namespace osprey::smsgw::worker
