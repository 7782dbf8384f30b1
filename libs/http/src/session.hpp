// StartSession: serves HTTP/1.1 on one accepted connection. The Beast code lives in session.cpp; this header
// only forward-declares the Asio types it passes through, so that server.cpp can stay free of Beast.
#pragma once

#include "osprey/http/server.hpp"

namespace boost::asio {
class io_context;
class thread_pool;
namespace ssl {
class context;
}  // namespace ssl
}  // namespace boost::asio

namespace spdlog {
class logger;
}

namespace osprey::http::internal {

class ConnectionRegistry;

// What the connections of one listener share. Everything pointed to outlives every session (HttpServer::Impl
// owns it and destroys it after the io_context).
struct SessionContext {
  const ServerOptions* options = nullptr;
  const Service* service = nullptr;
  ConnectionRegistry* registry = nullptr;
  boost::asio::thread_pool* workers = nullptr;  // runs the handlers
  boost::asio::ssl::context* tls = nullptr;     // null: plain HTTP
  spdlog::logger* access_log = nullptr;         // null: no access log
};

// Takes ownership of the connected socket `fd` (an IPv6 socket when `ipv6`) and serves requests on it until
// the peer closes, a timeout fires or the registry drains it. Returns at once; the work runs on `io`,
// serialised by one strand per connection, and the handlers on context.workers. When the registry refuses the
// connection (max_connections, or stopping) the socket is closed at once.
void StartSession(boost::asio::io_context& io, int fd, bool ipv6, const SessionContext& context);

}  // namespace osprey::http::internal
