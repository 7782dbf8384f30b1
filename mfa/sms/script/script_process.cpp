#include "mfa/sms/script/script_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace osprey::mfa::sms {
namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string Errno(int error) { return std::strerror(error); }

// The spawn attributes and file actions, released on every path out of Spawn.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// posix_spawn rather than fork: the server has many threads and a large address space. The child gets a
// process group of its own (so a timeout kills its children too), default signal dispositions and an empty
// signal mask (the server ignores SIGPIPE), and only descriptors 0-2.
Result<pid_t> Spawn(const ScriptRun& run, int stdin_fd) {
  SpawnSetup s;
  posix_spawn_file_actions_adddup2(&s.actions, stdin_fd, STDIN_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&s.actions, STDERR_FILENO + 1);
  posix_spawn_file_actions_addchdir_np(&s.actions, run.directory.c_str());
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &all);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::string executable = run.executable.string(), phone = run.phone;
  char* argv[] = {executable.data(), phone.data(), nullptr};
  std::string path = "PATH=/usr/local/bin:/usr/bin:/bin", lang = "LANG=C.UTF-8";
  char* envp[] = {path.data(), lang.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, executable.c_str(), &s.actions, &s.attr, argv, envp);
  if (rc != 0)
    return Error(ErrorCode::kUnavailable, "SMS could not be sent: cannot start the script: " + Errno(rc));
  return pid;
}

// Writes all of `text` before `deadline`. A child that exits without reading is not an error here: its exit
// code tells.
bool Feed(int fd, std::string_view text, Steady::time_point deadline) {
  while (!text.empty()) {
    const ssize_t n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (n > 0) {
      text.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return true;  // EPIPE, ECONNRESET: not read
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Steady::now()).count();
    pollfd p{fd, POLLOUT, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) == 0) return false;
  }
  return true;
}

void KillGroup(pid_t pid) {
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

Status Outcome(int status) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return OkStatus();
  if (WIFEXITED(status)) {
    return Error(ErrorCode::kUnavailable,
                 "SMS could not be sent: exit code " + std::to_string(WEXITSTATUS(status)));
  }
  return Error(ErrorCode::kUnavailable,
               "SMS could not be sent: killed by signal " + std::to_string(WTERMSIG(status)));
}

}  // namespace

Result<pid_t> StartScript(const ScriptRun& run, milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return Error(ErrorCode::kUnavailable, "SMS could not be sent: no stdin for the script: " + Errno(errno));
  }
  auto pid = Spawn(run, fds[1]);
  ::close(fds[1]);
  if (!pid.ok()) {
    ::close(fds[0]);
    return pid.error();
  }
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  const bool fed = Feed(fds[0], run.text, deadline);
  ::close(fds[0]);  // the script reads EOF after the text
  if (!fed) {
    KillGroup(*pid);
    return Error(ErrorCode::kTimeout, "SMS could not be sent: the script did not read its input within " +
                                          std::to_string(timeout.count()) + " ms");
  }
  return *pid;
}

Status WaitForScript(pid_t pid, milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  milliseconds pause(1);
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return Outcome(status);
    if (r < 0 && errno != EINTR) {
      return Error(ErrorCode::kUnavailable,
                   "SMS could not be sent: the script's exit status is lost: " + Errno(errno));
    }
    const auto now = Steady::now();
    if (now >= deadline) {
      KillGroup(pid);
      return Error(ErrorCode::kTimeout, "SMS could not be sent: the script did not finish within " +
                                            std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::min<Steady::duration>(pause, deadline - now));
    pause = std::min(pause * 2, milliseconds(20));
  }
}

ChildReaper::~ChildReaper() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChildReaper::Adopt(pid_t pid) {
  {
    std::lock_guard lock(mu_);
    children_.push_back(pid);
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  }
  wake_.notify_all();
}

std::size_t ChildReaper::Pending() const {
  std::lock_guard lock(mu_);
  return children_.size();
}

void ChildReaper::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    std::erase_if(children_, [](pid_t pid) {
      int status = 0;
      const pid_t r = ::waitpid(pid, &status, WNOHANG);
      return r == pid || (r < 0 && errno == ECHILD);
    });
    if (children_.empty()) {
      wake_.wait(lock, [this] { return stop_ || !children_.empty(); });
    } else {
      wake_.wait_for(lock, milliseconds(50), [this] { return stop_; });
    }
  }
}

}  // namespace osprey::mfa::sms
