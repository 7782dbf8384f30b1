// HttpServer: HTTP/1.1 (keep-alive) on Boost.Beast/Asio, optionally TLS, serving one Service per listener.
// Beast and Asio stay inside src/server.cpp and src/session.cpp; this header is plain.
//
// Request path: accept → read headers (header_timeout) → read body (body_limit → 413; body_timeout) → parse
// query/form/JSON → router → handler on the worker pool → write → wait for the next request (idle_timeout).
// The server answers by itself: 404 / 405 with Allow (rendered by the Service), OPTIONS on a known path → 204
// with Allow (unless a route, "*" included, takes OPTIONS), HEAD → the GET handler's headers without the
// body, a malformed request or an oversized header → kBadRequest, a handler exception → kInternal. Framing
// headers (Content-Length, Transfer-Encoding, Connection) in a handler's Response are ignored; Server
// defaults to Osprey.
//
// Thread rule: configure before Start(); Stop() and Wait() may be called from any thread (also a
// signal-handling thread) except the server's own I/O and handler threads, which Stop() joins.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "osprey/core/result.hpp"
#include "osprey/http/message.hpp"
#include "osprey/http/router.hpp"

namespace osprey::http {

// The framework-level errors a service renders in its own wire format (privacyIDEA envelope, SMSEagle
// {"message":...}). The service owns the texts.
enum class FrameworkError {
  kBadRequest,        // malformed JSON body, malformed request target
  kNotFound,          // no route for the path
  kMethodNotAllowed,  // the path exists, the method does not
  kPayloadTooLarge,   // body over body_limit (413)
  kInternal,          // a handler threw (500)
};

// Thread rule: Routes() handlers and RenderError() are called from many worker threads at once.
class Service {
 public:
  virtual ~Service() = default;
  // Short name for logs ("mfa", "gateway").
  virtual std::string Name() const = 0;
  virtual const Router& Routes() const = 0;
  // Renders a framework error. `detail` is a human-readable reason that is safe to show the client. The
  // server adds framing headers (and Allow for kMethodNotAllowed); an exception here yields a plain 500.
  virtual Response RenderError(FrameworkError error, const std::string& detail,
                               const Request& request) const = 0;
};

struct TlsOptions {
  std::string certificate_file;  // PEM chain
  std::string private_key_file;  // PEM
};

struct ListenerOptions {
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal, or a host name resolved at start
  std::uint16_t port = 0;             // 0 = any free port (see HttpServer::BoundPort)
  std::optional<TlsOptions> tls;
  // Handler threads of this listener's own; 0 = the server's shared pool (ServerOptions::worker_threads).
  // A pool of its own keeps one service's blocked handlers (a slow outbound call, a long commit) from
  // starving another's, and lets a service run with the pool size that suits it.
  std::size_t worker_threads = 0;
};

// Handlers block (on database commits, on outbound HTTP), and every request in flight holds a worker, so the
// pool bounds how many requests the gateway's group commit can gather into one transaction: max(32, 4 ×
// hardware concurrency). An idle worker costs a sleeping thread.
std::size_t DefaultWorkerThreads();

struct ServerOptions {
  std::size_t io_threads = 0;      // 0 = hardware concurrency
  std::size_t worker_threads = 0;  // handler pool; 0 = DefaultWorkerThreads()
  std::size_t body_limit = 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  std::chrono::milliseconds header_timeout{
      10000};                                     // from connection or end of last response to end of headers
  std::chrono::milliseconds body_timeout{30000};  // reading the body; also bounds writing a response
  std::chrono::milliseconds idle_timeout{60000};  // keep-alive connection with no request
  std::chrono::milliseconds shutdown_grace{5000};  // Stop(): time in-flight requests get to finish
  std::size_t max_connections = 10000;             // further connections are closed at once
  bool access_log = true;  // one line per request to spdlog "access" (else the default logger)
};

class HttpServer {
 public:
  explicit HttpServer(ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Adds a listener for `service` (which must outlive the server). Call before Start().
  void AddListener(const ListenerOptions& listener, const Service& service);

  // Binds every listener and starts the threads. Errors: kUnavailable (address in use, bad address),
  // kInvalidArgument (unreadable TLS files).
  Status Start();

  // The port bound by listener `index` (useful with port 0); 0 before Start() or for an unknown index.
  std::uint16_t BoundPort(std::size_t index) const;

  // Stops accepting, closes idle connections, lets in-flight requests finish (up to shutdown_grace; their
  // responses carry Connection: close), then stops I/O and joins the threads. A handler still running after
  // the grace cannot be interrupted: Stop() returns when it does. Idempotent; the destructor calls it.
  void Stop();

  // Blocks until Stop() has completed.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace osprey::http
