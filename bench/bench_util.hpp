// Helpers shared by the plain-main load tests in bench/ (gateway_send_bench, modem_dispatch_bench,
// validate_bench): dying with a message, reading options, unwrapping a Result, CPU clocks, percentiles and
// ClosedLoopClient (keep-alive HTTP/1.1 connections driven by one epoll thread). Header-only; not a
// benchmark (the CMake glob takes *_bench.cpp only). Thread rule: the functions are pure or read process-wide
// clocks; any thread. A ClosedLoopClient belongs to the one thread that calls its Run.
#pragma once

#include <errno.h>  // program_invocation_short_name (GNU)
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey::bench {

// Prints "<program>: <what>" to stderr and exits with status 1.
[[noreturn]] inline void Die(const std::string& what) {
  std::cerr << program_invocation_short_name << ": " << what << "\n";
  std::exit(1);
}

// Reads the command line: calls `option(name, value)` for every option, where value() consumes and returns
// the argument after it (dying with "missing value for <name>" when there is none). `option` returns false
// for a name it does not know, which dies pointing at the usage in the program's header comment.
template <typename F>
void ParseOptions(int argc, char** argv, F&& option) {
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value for " + name);
      return argv[++i];
    };
    if (!option(name, value)) {
      Die("unknown option " + name + " (see the comment at the top of bench/" +
          program_invocation_short_name + ".cpp)");
    }
  }
}

// "a,b,c" → {"a", "b", "c"} (option values that are lists).
inline std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

// The value of `r`, or Die("<what>: <error>").
template <typename T>
T OrDie(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.error().ToString());
  return std::move(*r);
}

// Seconds on the clock `id` (CLOCK_PROCESS_CPUTIME_ID: this process's CPU time, all threads, user + system;
// CLOCK_THREAD_CPUTIME_ID: the calling thread's).
inline double CpuClockSeconds(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// This process's CPU time in seconds (all threads, user + system; not its children).
inline double ProcessCpuSeconds() { return CpuClockSeconds(CLOCK_PROCESS_CPUTIME_ID); }

// The sample at rank floor(p x (n - 1)) of `v` (nearest rank below, no interpolation); 0 when `v` is empty.
// Takes `v` by value: pass std::move(v) where the order of the samples does not matter afterwards.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  auto at = v.begin() + static_cast<std::ptrdiff_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), at, v.end());
  return *at;
}

// A TCP connection to 127.0.0.1:port with TCP_NODELAY, or -1 when the connect fails.
inline int ConnectLoopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// One HTTP/1.1 response as ClosedLoopClient hands it over; the views die with the callback.
struct HttpReply {
  int status = 0;
  std::string_view head;  // status line and headers
  std::string_view body;
};

// `connections` keep-alive connections, each closed-loop (the next request goes out when the previous reply
// is in), driven by ONE thread with epoll, as wrk does. Thirty-two blocking client threads would cost a
// 2-core machine a context switch per request on the client side alone, CPU the server then lacks; the server
// sees the same thing either way: N connections, each with one request in flight. Responses must carry a
// Content-Length (no chunked encoding); a closed connection or a socket error dies.
class ClosedLoopClient {
 public:
  using Clock = std::chrono::steady_clock;

  ClosedLoopClient(std::uint16_t port, int connections) {
    epoll_ = ::epoll_create1(0);
    if (epoll_ < 0) Die("epoll_create1");
    conns_.resize(static_cast<std::size_t>(connections));
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      Conn& c = conns_[i];
      c.fd = ConnectLoopback(port);
      if (c.fd < 0) Die("connect to 127.0.0.1:" + std::to_string(port));
      ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) | O_NONBLOCK);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev) != 0) Die("epoll_ctl");
    }
  }
  ~ClosedLoopClient() {
    for (Conn& c : conns_) ::close(c.fd);
    ::close(epoll_);
  }
  ClosedLoopClient(const ClosedLoopClient&) = delete;
  ClosedLoopClient& operator=(const ClosedLoopClient&) = delete;

  std::size_t connections() const { return conns_.size(); }

  // Drives every connection: `next(i)` returns connection i's next request (std::optional<std::string>;
  // nullopt = connection i is done), `on_reply(i, const HttpReply&, Clock::time_point sent)` sees every
  // reply. Returns when no connection has a request in flight and none gets a new one: every connection is
  // done, or `stop` (may be null) was set - then in-flight requests are still answered (drained) first, so a
  // reply never arrives on a later Run by surprise.
  template <typename Next, typename OnReply>
  void Run(Next&& next, OnReply&& on_reply, const std::atomic<bool>* stop = nullptr) {
    std::size_t in_flight = 0;
    auto stopped = [&] { return stop != nullptr && stop->load(std::memory_order_relaxed); };
    auto send_next = [&](std::size_t i) {
      if (stopped()) return;
      std::optional<std::string> request = next(i);
      if (!request) return;
      Send(conns_[i], *request);
      ++in_flight;
    };
    for (std::size_t i = 0; i < conns_.size(); ++i) send_next(i);
    std::vector<epoll_event> events(conns_.size());
    while (in_flight > 0) {
      const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
      if (n < 0 && errno != EINTR) Die("epoll_wait");
      for (int e = 0; e < n; ++e) {
        const std::size_t i = events[static_cast<std::size_t>(e)].data.u64;
        Conn& c = conns_[i];
        if (!Receive(c)) continue;
        --in_flight;
        on_reply(i, c.reply, c.start);
        c.buffer.erase(0, c.consumed);
        send_next(i);
      }
    }
  }

 private:
  struct Conn {
    int fd = -1;
    std::string buffer;
    Clock::time_point start;
    HttpReply reply;
    std::size_t consumed = 0;
  };

  // Sends the whole request (a few hundred bytes: the socket buffer takes it at once, or we wait briefly).
  static void Send(Conn& c, const std::string& request) {
    c.start = Clock::now();
    for (std::size_t sent = 0; sent < request.size();) {
      const ssize_t n = ::send(c.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        std::this_thread::yield();
      } else {
        Die("send");
      }
    }
  }

  // Reads what arrived; true once one whole response is in (then c.reply and c.consumed describe it).
  static bool Receive(Conn& c) {
    char chunk[16384];
    while (true) {
      const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, 0);
      if (n > 0) {
        c.buffer.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) Die("connection closed by the server");
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno != EINTR) Die("recv");
    }
    const std::size_t header_end = c.buffer.find("\r\n\r\n");
    if (header_end == std::string::npos) return false;
    const std::string_view head(c.buffer.data(), header_end);
    std::size_t length = 0;
    for (const char* name : {"\r\nContent-Length:", "\r\ncontent-length:"}) {
      if (auto at = head.find(name); at != std::string::npos)
        length = std::strtoul(c.buffer.c_str() + at + std::strlen(name), nullptr, 10);
    }
    if (c.buffer.size() < header_end + 4 + length) return false;
    c.reply.head = head;
    c.reply.body = std::string_view(c.buffer.data() + header_end + 4, length);
    c.reply.status = head.size() > 12 ? std::atoi(std::string(head.substr(9, 3)).c_str()) : 0;
    c.consumed = header_end + 4 + length;
    return true;
  }

  int epoll_ = -1;
  std::vector<Conn> conns_;
};

}  // namespace osprey::bench
