#include "smsgw/emulator/emulator_runner.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "smsgw/emulator/control.hpp"
#include "smsgw/emulator/pty_port.hpp"
#include "smsgw/emulator/recording.hpp"

namespace osprey::smsgw::emulator {
namespace {

constexpr std::size_t kMaxClients = 16;
constexpr std::size_t kMaxRequestLine = 64 * 1024;
constexpr std::chrono::milliseconds kControlWriteTimeout{1000};

Error ErrnoError(std::string_view what, int err) {
  return Error(ErrorCode::kUnavailable, std::string(what) + ": " + ::strerror(err));
}

bool IsSocket(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

enum class WriteOutcome { kDone, kTimedOut, kFailed };

// Writes all of `bytes`, waiting for POLLOUT up to `timeout` in total. Sockets get MSG_NOSIGNAL, so a peer
// that went away is an EPIPE (kFailed), never a SIGPIPE.
WriteOutcome WriteAll(int fd, bool socket, std::string_view bytes, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!bytes.empty()) {
    ssize_t n = socket ? ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT)
                       : ::write(fd, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;  // a signal: finish the write first
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return WriteOutcome::kFailed;
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return WriteOutcome::kTimedOut;
    pollfd pfd{fd, POLLOUT, 0};
    ::poll(&pfd, 1, static_cast<int>(left.count()) + 1);
  }
  return WriteOutcome::kDone;
}

}  // namespace

class EmulatorRunner::Impl {
 public:
  Impl(RunnerOptions options, const Clock& clock)
      : options_(std::move(options)), clock_(clock), modem_(options_.modem, clock) {}
  ~Impl();

  Status Open();
  Status Run();
  void RequestStop() {
    char byte = 1;
    ssize_t ignored = ::write(stop_pipe_[1], &byte, 1);  // a full pipe already holds a stop request
    (void)ignored;
  }
  const std::string& device_path() const { return device_path_; }

 private:
  struct Client {
    int fd = -1;
    std::string input;
  };

  Status OpenControl();
  Status OpenStopPipe();
  std::vector<pollfd> PollSet() const;
  Result<bool> ServeTransport();
  void WriteToHost(std::string_view bytes);
  void AcceptClients();
  bool ServeClient(Client& client);
  bool AnswerRequests(Client& client);
  void CloseControl();
  void OnMessage(const PhoneMessage& message);
  void OnSubmit(const SubmitRecord& record);

  RunnerOptions options_;
  const Clock& clock_;
  AtModem modem_;
  std::optional<PtyPort> pty_;
  std::string device_path_;
  int in_fd_ = -1;
  int out_fd_ = -1;
  bool out_is_socket_ = false;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::vector<Client> clients_;
  AppendFile record_;
  std::optional<TrafficLog> log_;
  EmulatorStats stats_;
  bool closing_ = false;    // "close" was requested
  bool host_gone_ = false;  // stdio: end of input or the host stopped reading
};

EmulatorRunner::Impl::~Impl() {
  CloseControl();
  for (int fd : stop_pipe_) {
    if (fd >= 0) ::close(fd);
  }
  if (log_) log_->Flush();
}

Status EmulatorRunner::Impl::Open() {
  if (!options_.record_path.empty()) {
    Result<AppendFile> record = AppendFile::Open(options_.record_path);
    if (!record.ok()) return record.error();
    record_ = std::move(*record);
  }
  AppendFile log_file;
  if (!options_.log_path.empty()) {
    Result<AppendFile> opened = AppendFile::Open(options_.log_path);
    if (!opened.ok()) return opened.error();
    log_file = std::move(*opened);
  }
  log_.emplace(std::move(log_file), clock_);
  modem_.SetMessageCallback([this](const PhoneMessage& m) { OnMessage(m); });
  modem_.SetSubmitCallback([this](const SubmitRecord& r) { OnSubmit(r); });
  if (options_.stdio) {
    in_fd_ = options_.stdio_in;
    out_fd_ = options_.stdio_out;
    out_is_socket_ = IsSocket(out_fd_);
  } else {
    Result<PtyPort> pty = PtyPort::Open();
    if (!pty.ok()) return pty.error();
    pty_.emplace(std::move(*pty));
    device_path_ = pty_->slave_path();
    in_fd_ = out_fd_ = pty_->master_fd();
  }
  if (Status s = OpenStopPipe(); !s.ok()) return s;
  return OpenControl();
}

Status EmulatorRunner::Impl::OpenStopPipe() {
  if (::pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) return ErrnoError("pipe2", errno);
  return OkStatus();
}

Status EmulatorRunner::Impl::OpenControl() {
  const std::string& path = options_.control_path;
  if (path.empty()) return OkStatus();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path))
    return Error(ErrorCode::kInvalidArgument, "control socket path too long: " + path);
  ::memcpy(addr.sun_path, path.data(), path.size());
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      return Error(ErrorCode::kInvalidArgument, path + " exists and is not a socket");
    ::unlink(path.c_str());  // left behind by an emulator that was killed
  }
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0) return ErrnoError("socket", errno);
  if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
    return ErrnoError("bind " + path, errno);
  ::chmod(path.c_str(), 0600);  // whoever can connect can make the modem fail
  if (::listen(listen_fd_, static_cast<int>(kMaxClients)) != 0) return ErrnoError("listen " + path, errno);
  return OkStatus();
}

void EmulatorRunner::Impl::CloseControl() {
  for (Client& client : clients_) ::close(client.fd);
  clients_.clear();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    ::unlink(options_.control_path.c_str());
  }
}

std::vector<pollfd> EmulatorRunner::Impl::PollSet() const {
  // Fixed slots first: transport, stop pipe, listener (fd -1 = ignored by poll); then the clients in order.
  std::vector<pollfd> fds;
  fds.push_back({in_fd_, POLLIN, 0});
  fds.push_back({stop_pipe_[0], POLLIN, 0});
  fds.push_back({listen_fd_, POLLIN, 0});
  for (const Client& client : clients_) fds.push_back({client.fd, POLLIN, 0});
  return fds;
}

Status EmulatorRunner::Impl::Run() {
  const int tick_ms = static_cast<int>(options_.tick.count() > 0 ? options_.tick.count() : 1);
  while (!closing_ && !host_gone_) {
    std::vector<pollfd> fds = PollSet();
    int ready = ::poll(fds.data(), fds.size(), tick_ms);
    if (ready < 0 && errno != EINTR) return ErrnoError("poll", errno);
    if (ready > 0 && (fds[1].revents & POLLIN) != 0) break;
    if (ready > 0 && fds[0].revents != 0) {
      Result<bool> more = ServeTransport();
      if (!more.ok()) return more.error();
      if (!*more) break;
    }
    if (ready > 0) {
      std::vector<Client> kept;
      for (std::size_t i = 0; i < clients_.size(); ++i) {
        bool keep = fds[3 + i].revents == 0 || ServeClient(clients_[i]);
        if (keep) {
          kept.push_back(std::move(clients_[i]));
        } else {
          ::close(clients_[i].fd);
        }
      }
      clients_ = std::move(kept);
      if (!closing_ && (fds[2].revents & POLLIN) != 0) AcceptClients();
    }
    if (!closing_) WriteToHost(modem_.Tick());
  }
  if (log_) log_->Flush();
  CloseControl();
  pty_.reset();  // modem loss: the host sees the line go away
  return OkStatus();
}

Result<bool> EmulatorRunner::Impl::ServeTransport() {
  char buffer[4096];
  ssize_t n = ::read(in_fd_, buffer, sizeof(buffer));
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return true;
    if (pty_ && errno == EIO) return true;  // no slave open: cannot happen while the port holds one
    if (options_.stdio) return false;       // the host's end of the line is gone
    return ErrnoError("transport read", errno);
  }
  if (n == 0) return !options_.stdio;  // stdio: end of input, the host disconnected
  std::string_view input(buffer, static_cast<std::size_t>(n));
  log_->FromHost(input);
  WriteToHost(modem_.Feed(input));
  return true;
}

void EmulatorRunner::Impl::WriteToHost(std::string_view bytes) {
  if (bytes.empty()) return;
  log_->ToHost(bytes);
  WriteOutcome outcome = WriteAll(out_fd_, out_is_socket_, bytes, kPtyWriteTimeout);
  if (outcome == WriteOutcome::kDone) return;
  // A pty host that stopped reading only loses these bytes; on stdio the host is gone.
  if (options_.stdio) host_gone_ = true;
  log_->Note("dropped " + std::to_string(bytes.size()) + " bytes: the host did not read");
}

void EmulatorRunner::Impl::AcceptClients() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;  // EAGAIN: no more pending; other errors: the client is gone
    if (clients_.size() >= kMaxClients) {
      ::close(fd);
      continue;
    }
    clients_.push_back(Client{fd, {}});
  }
}

// Reads what the client sent and answers every complete line. Returns false when the client is to be closed.
bool EmulatorRunner::Impl::ServeClient(Client& client) {
  char buffer[4096];
  for (;;) {
    ssize_t n = ::recv(client.fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0) {
      client.input.append(buffer, static_cast<std::size_t>(n));
      if (!AnswerRequests(client)) return false;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;  // closed by the client, or an error
  }
}

bool EmulatorRunner::Impl::AnswerRequests(Client& client) {
  std::size_t eol;
  while (!closing_ && (eol = client.input.find('\n')) != std::string::npos) {
    std::string line = client.input.substr(0, eol);
    client.input.erase(0, eol + 1);
    ControlResult result = ApplyControlLine(line, modem_, stats_);
    std::string reply = JsonLine(result.reply) + "\n";
    if (WriteAll(client.fd, true, reply, kControlWriteTimeout) != WriteOutcome::kDone) return false;
    closing_ = result.close;
    // Output the request caused (+CMTI after deliver) goes out before the next request is read.
    if (!closing_) WriteToHost(modem_.Tick());
  }
  if (client.input.size() > kMaxRequestLine) {
    std::string reply = JsonLine({{"ok", false}, {"error", "request line too long"}}) + "\n";
    (void)WriteAll(client.fd, true, reply, kControlWriteTimeout);
    return false;
  }
  return true;
}

void EmulatorRunner::Impl::OnMessage(const PhoneMessage& message) {
  ++stats_.messages;
  if (!record_.is_open()) return;
  if (Status s = record_.WriteLine(JsonLine(PhoneMessageJson(message))); !s.ok()) {
    log_->Note("record write failed: " + s.error().message());
  }
}

void EmulatorRunner::Impl::OnSubmit(const SubmitRecord& record) {
  if (record.cms_error == 0) {
    ++stats_.submits_accepted;
  } else {
    ++stats_.submits_refused;
  }
  log_->Submit(record);
}

EmulatorRunner::EmulatorRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EmulatorRunner::~EmulatorRunner() = default;

Result<std::unique_ptr<EmulatorRunner>> EmulatorRunner::Create(RunnerOptions options, const Clock& clock) {
  auto impl = std::make_unique<Impl>(std::move(options), clock);
  if (Status s = impl->Open(); !s.ok()) return s.error();
  return std::unique_ptr<EmulatorRunner>(new EmulatorRunner(std::move(impl)));
}

const std::string& EmulatorRunner::device_path() const { return impl_->device_path(); }
Status EmulatorRunner::Run() { return impl_->Run(); }
void EmulatorRunner::RequestStop() { impl_->RequestStop(); }

}  // namespace osprey::smsgw::emulator
