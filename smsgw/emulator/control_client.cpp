// EmulatorControl: the blocking client side of the emulator's control socket (contract in control.hpp).
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string_view>

#include "smsgw/emulator/control.hpp"
#include "smsgw/emulator/recording.hpp"

namespace osprey::smsgw::emulator {
namespace {

using Deadline = std::chrono::steady_clock::time_point;

int MsLeft(Deadline deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Closes the fd when the call returns, whatever the path.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

Status SendAll(int fd, std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      return Error(ErrorCode::kUnavailable, std::string("control send: ") + ::strerror(errno));
    if (MsLeft(deadline) == 0) return Error(ErrorCode::kTimeout, "control send timed out");
    pollfd pfd{fd, POLLOUT, 0};
    ::poll(&pfd, 1, MsLeft(deadline));
  }
  return OkStatus();
}

Result<std::string> ReceiveLine(int fd, Deadline deadline) {
  std::string data;
  for (;;) {
    std::size_t eol = data.find('\n');
    if (eol != std::string::npos) return data.substr(0, eol);
    int left = MsLeft(deadline);
    if (left == 0) return Error(ErrorCode::kTimeout, "no reply from the emulator in time");
    pollfd pfd{fd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, left);
    if (ready < 0 && errno != EINTR)
      return Error(ErrorCode::kUnavailable, std::string("poll: ") + ::strerror(errno));
    if (ready <= 0) continue;
    char buffer[4096];
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0) {
      data.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return Error(ErrorCode::kUnavailable, "the emulator closed the control connection without a reply");
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return Error(ErrorCode::kUnavailable, std::string("control recv: ") + ::strerror(errno));
    }
  }
}

}  // namespace

Result<nlohmann::json> EmulatorControl(const std::string& socket_path, const nlohmann::json& request,
                                       std::chrono::milliseconds timeout) {
  const Deadline deadline = std::chrono::steady_clock::now() + timeout;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof(addr.sun_path))
    return Error(ErrorCode::kInvalidArgument, "control socket path is empty or too long: " + socket_path);
  ::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  FdGuard guard{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (guard.fd < 0) return Error(ErrorCode::kUnavailable, std::string("socket: ") + ::strerror(errno));
  if (::connect(guard.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
    return Error(ErrorCode::kUnavailable, "connect " + socket_path + ": " + ::strerror(errno));
  if (Status sent = SendAll(guard.fd, JsonLine(request) + "\n", deadline); !sent.ok()) return sent.error();
  Result<std::string> line = ReceiveLine(guard.fd, deadline);
  if (!line.ok()) return line.error();
  nlohmann::json reply = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded() || !reply.is_object() || !reply.contains("ok"))
    return Error(ErrorCode::kCorrupted, "the emulator's reply is not a JSON object: " + *line);
  if (reply["ok"] != true) {
    std::string error = reply.contains("error") && reply["error"].is_string()
                            ? reply["error"].get<std::string>()
                            : std::string("request refused");
    return Error(ErrorCode::kFailedPrecondition, error);
  }
  return reply;
}

}  // namespace osprey::smsgw::emulator
