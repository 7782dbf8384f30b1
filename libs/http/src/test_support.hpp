// Test helpers for libs/http (header-only, used by the *_test.cpp files only): a Service with a fixed route
// table, an HttpServer wrapper on a free loopback port, and a raw socket client for byte-exact requests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "osprey/http/server.hpp"

namespace osprey::http::testing {

using namespace std::chrono_literals;

inline nlohmann::json HeadersToJson(const Headers& headers) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : headers.fields()) {
    std::string lower;
    for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (!out.contains(lower)) out[lower] = value;
  }
  return out;
}

inline Response Echo(const Request& request) {
  return Response::Json(200, {{"method", request.method},
                              {"path", request.path},
                              {"raw_query", request.raw_query},
                              {"query", request.query},
                              {"form", request.form},
                              {"json", request.json ? *request.json : nlohmann::json()},
                              {"body", request.body},
                              {"remote", request.remote_address},
                              {"tls", request.tls},
                              {"params", request.path_params},
                              {"headers", HeadersToJson(request.headers)}});
}

class TestService : public Service {
 public:
  TestService() {
    router_.Add("GET", "/hello", [](Request&) { return Response::Text(200, "hello"); })
        .Add("GET", "/echo", Echo)
        .Add("POST", "/echo", Echo)
        .Add("GET", "/items/{id}", Echo)
        .Add("GET", "/items/special", [](Request&) { return Response::Text(200, "literal"); })
        .Add("GET", "/files/{rest...}", Echo)
        .Add("POST", "/only-post", [](Request&) { return Response::Text(200, "posted"); })
        .Add("OPTIONS", "/custom-options", [](Request&) { return Response::Text(200, "custom"); })
        .Add("GET", "/custom-options", [](Request&) { return Response::Text(200, "get"); })
        .Add("GET", "/throw", [](Request&) -> Response { throw std::runtime_error("boom"); })
        .Add("GET", "/slow",
             [this](Request&) {
               ++slow_started;
               std::this_thread::sleep_for(slow_delay);
               return Response::Text(200, "slow done");
             })
        .Add("*", "/redirect/{code}", [](Request& request) {
          Response response = Response::Empty(std::stoi(request.path_params.at("code")));
          response.headers.Set("Location", request.QueryOrForm("to").value_or("/echo"));
          return response;
        });
  }

  std::string Name() const override { return "test"; }
  const Router& Routes() const override { return router_; }
  Response RenderError(FrameworkError error, const std::string& detail, const Request&) const override {
    static const std::map<FrameworkError, std::pair<int, std::string>> kTable = {
        {FrameworkError::kBadRequest, {400, "bad_request"}},
        {FrameworkError::kNotFound, {404, "not_found"}},
        {FrameworkError::kMethodNotAllowed, {405, "method_not_allowed"}},
        {FrameworkError::kPayloadTooLarge, {413, "payload_too_large"}},
        {FrameworkError::kInternal, {500, "internal"}}};
    const auto& [status, name] = kTable.at(error);
    return Response::Json(status, {{"error", name}, {"detail", detail}});
  }

  std::atomic<int> slow_started{0};
  std::chrono::milliseconds slow_delay{300};

 private:
  Router router_;
};

// A TCP socket listening on 127.0.0.1 at a port the system picked (stored in `port`), for raw test servers.
// Throws std::runtime_error when that fails.
inline int ListenOnLoopback(int backlog, std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(fd, backlog) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port = ntohs(address.sin_port);
  return fd;
}

// Short timeouts so that timeout tests finish quickly; tests override what they exercise.
inline ServerOptions FastOptions() {
  ServerOptions options;
  options.io_threads = 2;
  options.worker_threads = 4;
  options.header_timeout = 2s;
  options.body_timeout = 2s;
  options.idle_timeout = 2s;
  options.shutdown_grace = 2s;
  options.access_log = false;
  return options;
}

// An HttpServer serving a TestService on one loopback listener.
struct TestServer {
  explicit TestServer(ServerOptions options = FastOptions(), std::optional<TlsOptions> tls = std::nullopt,
                      std::string address = "127.0.0.1")
      : server(options) {
    ListenerOptions listener;
    listener.address = std::move(address);
    listener.tls = std::move(tls);
    server.AddListener(listener, service);
    status = server.Start();
    port = server.BoundPort(0);
  }
  std::string Url(std::string_view path, bool https = false) const {
    return std::string(https ? "https" : "http") + "://127.0.0.1:" + std::to_string(port) + std::string(path);
  }

  TestService service;  // outlives the server
  HttpServer server;
  Status status;
  std::uint16_t port = 0;
};

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  nlohmann::json Json() const { return nlohmann::json::parse(body); }
};

// A blocking client socket that sends exactly the given bytes.
class RawConnection {
 public:
  // Connects to 127.0.0.1:port, or to ::1 when `ipv6`. Throws std::runtime_error on failure.
  explicit RawConnection(std::uint16_t port, bool ipv6 = false) {
    fd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    int rc;
    if (ipv6) {
      sockaddr_in6 address{};
      address.sin6_family = AF_INET6;
      address.sin6_port = htons(port);
      address.sin6_addr = in6addr_loopback;
      rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    } else {
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(port);
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    }
    if (rc != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed");
    }
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Writes all of `data`; false when the peer closed or reset.
  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response; for a response to HEAD pass head = true (no body follows). nullopt on timeout or
  // close.
  std::optional<RawResponse> ReadResponse(std::chrono::milliseconds timeout = 5s, bool head = false) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return std::nullopt;
    }
    RawResponse response = ParseHead(pending_.substr(0, end));
    pending_.erase(0, end + 4);
    const std::size_t length =
        head ? 0
             : std::stoul(response.headers.count("content-length") ? response.headers["content-length"]
                                                                   : std::string("0"));
    while (pending_.size() < length) {
      if (!Fill(deadline)) return std::nullopt;
    }
    response.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return response;
  }

  // True when the peer closes (EOF or reset) within `timeout`; data that arrives meanwhile is kept.
  bool WaitClosed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) return true;
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
  }

  int fd() const { return fd_; }

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  static RawResponse ParseHead(const std::string& head) {
    RawResponse response;
    std::size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    response.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line =
          head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::size_t value = line.find_first_not_of(' ', colon + 1);
      response.headers[name] = value == std::string::npos ? std::string() : line.substr(value);
    }
    return response;
  }

  int fd_ = -1;
  std::string pending_;
};

// GET/POST helper over one fresh connection.
inline std::optional<RawResponse> RawRequest(std::uint16_t port, const std::string& request,
                                             bool head = false) {
  RawConnection connection(port);
  if (!connection.Send(request)) return std::nullopt;
  return connection.ReadResponse(5s, head);
}

}  // namespace osprey::http::testing
