#include "smsgw/emulator/pty_port.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <string_view>
#include <utility>

namespace osprey::smsgw::emulator {
namespace {

Error ErrnoError(std::string_view what, int err) {
  return Error(ErrorCode::kUnavailable, std::string(what) + ": " + ::strerror(err));
}

int PollMs(std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) return 0;
  return timeout.count() > 60'000 ? 60'000 : static_cast<int>(timeout.count());
}

// Writes all of `bytes` to the non-blocking `fd`, waiting for POLLOUT at most kPtyWriteTimeout in total.
Status WriteAll(int fd, std::string_view bytes) {
  const auto deadline = std::chrono::steady_clock::now() + kPtyWriteTimeout;
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return ErrnoError("pty write", errno);
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Error(ErrorCode::kUnavailable,
                   "pty write: client did not read for " + std::to_string(kPtyWriteTimeout.count()) + " ms");
    }
    pollfd pfd{fd, POLLOUT, 0};
    if (::poll(&pfd, 1, PollMs(left) + 1) < 0 && errno != EINTR) return ErrnoError("pty poll", errno);
  }
  return OkStatus();
}

}  // namespace

PtyPort::PtyPort(int master_fd, int slave_fd, std::string slave_path)
    : master_fd_(master_fd), slave_fd_(slave_fd), slave_path_(std::move(slave_path)) {}

PtyPort::PtyPort(PtyPort&& other) noexcept
    : master_fd_(std::exchange(other.master_fd_, -1)),
      slave_fd_(std::exchange(other.slave_fd_, -1)),
      slave_path_(std::move(other.slave_path_)) {}

PtyPort& PtyPort::operator=(PtyPort&& other) noexcept {
  if (this != &other) {
    Close();
    master_fd_ = std::exchange(other.master_fd_, -1);
    slave_fd_ = std::exchange(other.slave_fd_, -1);
    slave_path_ = std::move(other.slave_path_);
  }
  return *this;
}

PtyPort::~PtyPort() { Close(); }

void PtyPort::Close() {
  if (slave_fd_ >= 0) ::close(slave_fd_);
  if (master_fd_ >= 0) ::close(master_fd_);
  slave_fd_ = -1;
  master_fd_ = -1;
}

Result<PtyPort> PtyPort::Open() {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return ErrnoError("posix_openpt", errno);
  // From here on `port` owns the fds, so every early return closes them.
  PtyPort port(master, -1, "");
  if (::grantpt(master) != 0) return ErrnoError("grantpt", errno);
  if (::unlockpt(master) != 0) return ErrnoError("unlockpt", errno);
  std::array<char, 128> name{};
  if (const int err = ::ptsname_r(master, name.data(), name.size()); err != 0)
    return ErrnoError("ptsname_r", err);
  port.slave_path_ = name.data();
  port.slave_fd_ = ::open(name.data(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (port.slave_fd_ < 0) return ErrnoError("open " + port.slave_path_, errno);
  termios tio{};
  if (::tcgetattr(port.slave_fd_, &tio) != 0) return ErrnoError("tcgetattr", errno);
  ::cfmakeraw(&tio);
  if (::tcsetattr(port.slave_fd_, TCSANOW, &tio) != 0) return ErrnoError("tcsetattr", errno);
  const int flags = ::fcntl(master, F_GETFL);
  if (flags < 0 || ::fcntl(master, F_SETFL, flags | O_NONBLOCK) != 0)
    return ErrnoError("fcntl O_NONBLOCK", errno);
  return port;
}

Status ServeOnce(PtyPort& port, AtModem& modem, std::chrono::milliseconds poll_timeout) {
  const int fd = port.master_fd();
  pollfd pfd{fd, POLLIN, 0};
  const int ready = ::poll(&pfd, 1, PollMs(poll_timeout));
  if (ready < 0 && errno != EINTR) return ErrnoError("pty poll", errno);

  std::string input;
  if (ready > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
    std::array<char, 4096> buffer{};
    for (;;) {
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n > 0) {
        input.append(buffer.data(), static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      // 0 / EAGAIN: drained; EIO: no slave open (cannot happen while the port holds one, harmless anyway).
      if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == EIO) break;
      return ErrnoError("pty read", errno);
    }
  }
  if (!input.empty()) {
    if (Status s = WriteAll(fd, modem.Feed(input)); !s.ok()) return s;
  }
  return WriteAll(fd, modem.Tick());
}

}  // namespace osprey::smsgw::emulator
