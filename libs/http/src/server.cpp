// HttpServer: threads, listeners and shutdown. Connections are served in session.cpp; this file has Asio but
// no Beast.
#include "osprey/http/server.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "connection_registry.hpp"
#include "session.hpp"

namespace osprey::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;
using internal::SessionContext;

constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);
// After the grace period, aborted connections get this long to unwind before the I/O threads stop.
constexpr auto kAbortWait = std::chrono::milliseconds(200);

std::size_t HardwareThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace

std::size_t DefaultWorkerThreads() { return std::max<std::size_t>(32, 4 * HardwareThreads()); }

namespace {

Result<std::unique_ptr<net::ssl::context>> MakeTlsContext(const TlsOptions& tls) {
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1);
  error_code ec;
  context->use_certificate_chain_file(tls.certificate_file, ec);
  if (ec) {
    return Error(ErrorCode::kInvalidArgument,
                 "cannot load TLS certificate " + tls.certificate_file + ": " + ec.message());
  }
  context->use_private_key_file(tls.private_key_file, net::ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return Error(ErrorCode::kInvalidArgument,
                 "cannot use TLS private key " + tls.private_key_file +
                     (ec ? ": " + ec.message() : ": does not match the certificate"));
  }
  return context;
}

// One listening socket. Accepted sockets are handed to StartSession.
class Listener {
 public:
  Listener(net::io_context& io, const SessionContext& context)
      : io_(io), acceptor_(net::make_strand(io)), retry_(acceptor_.get_executor()), context_(context) {}

  Status Open(const ListenerOptions& options) {
    const Result<tcp::endpoint> endpoint = Resolve(options);
    if (!endpoint.ok()) return endpoint.error();
    const std::string where = options.address + " port " + std::to_string(options.port);
    error_code ec;
    acceptor_.open(endpoint->protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(*endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return Error(ErrorCode::kUnavailable, "cannot listen on " + where + ": " + ec.message());
    port_ = acceptor_.local_endpoint(ec).port();
    ipv6_ = endpoint->protocol() == tcp::v6();
    return OkStatus();
  }

  std::uint16_t port() const { return port_; }
  void Start() {
    net::post(acceptor_.get_executor(), [this] { Accept(); });
  }
  // Thread-safe: stops accepting soon.
  void Close() {
    net::post(acceptor_.get_executor(), [this] { CloseNow(); });
  }
  // Only once no I/O thread runs.
  void CloseNow() {
    closed_ = true;
    error_code ec;
    acceptor_.close(ec);
    retry_.cancel();
  }

 private:
  Result<tcp::endpoint> Resolve(const ListenerOptions& options) {
    error_code ec;
    const net::ip::address address = net::ip::make_address(options.address, ec);
    if (!ec) return tcp::endpoint(address, options.port);
    tcp::resolver resolver(io_);
    const auto results = resolver.resolve(options.address, std::to_string(options.port), ec);
    if (ec || results.empty()) {
      return Error(ErrorCode::kUnavailable, "cannot resolve listen address " + options.address);
    }
    return results.begin()->endpoint();
  }

  void Accept() {
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
  }

  void OnAccept(error_code ec, tcp::socket socket) {
    if (closed_ || ec == net::error::operation_aborted) return;
    if (ec) {  // e.g. out of file descriptors: back off instead of spinning
      spdlog::warn("[{}] accept failed: {}", context_.service->Name(), ec.message());
      retry_.expires_after(kAcceptRetryDelay);
      retry_.async_wait([this](error_code wait_ec) {
        if (!wait_ec && !closed_) Accept();
      });
      return;
    }
    const int fd = socket.release(ec);
    if (!ec) internal::StartSession(io_, fd, ipv6_, context_);
    Accept();
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  const SessionContext context_;
  std::uint16_t port_ = 0;
  bool ipv6_ = false;
  bool closed_ = false;  // on the acceptor's strand
};

struct ListenerSpec {
  ListenerOptions options;
  const Service* service;
};

enum class State { kNew, kRunning, kStopped };

}  // namespace

// Member order is destruction order, reversed: sessions die with the io_context and still use the registry,
// options, logger and TLS contexts declared before it.
struct HttpServer::Impl {
  explicit Impl(ServerOptions server_options)
      : options(std::move(server_options)),
        registry(options.max_connections),
        io(static_cast<int>(options.io_threads != 0 ? options.io_threads : HardwareThreads())) {}

  Status OpenListeners();
  void Shutdown();

  ServerOptions options;
  std::vector<ListenerSpec> specs;
  internal::ConnectionRegistry registry;
  std::shared_ptr<spdlog::logger> access_log;
  std::vector<std::unique_ptr<net::ssl::context>> tls_contexts;
  net::io_context io;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<net::thread_pool> workers;
  std::vector<std::unique_ptr<net::thread_pool>> own_workers;  // ListenerOptions::worker_threads pools
  std::vector<std::unique_ptr<Listener>> listeners;
  std::vector<std::thread> io_threads;

  std::mutex mutex;  // serialises Start/Stop; guards state
  std::condition_variable stopped;
  State state = State::kNew;
};

Status HttpServer::Impl::OpenListeners() {
  for (const ListenerSpec& spec : specs) {
    SessionContext context{.options = &options,
                           .service = spec.service,
                           .registry = &registry,
                           .workers = &*workers,
                           .tls = nullptr,
                           .access_log = access_log.get()};
    if (spec.options.worker_threads != 0) {
      own_workers.push_back(std::make_unique<net::thread_pool>(spec.options.worker_threads));
      context.workers = own_workers.back().get();
    }
    if (spec.options.tls) {
      auto tls = MakeTlsContext(*spec.options.tls);
      if (!tls.ok()) return tls.error();
      context.tls = tls->get();
      tls_contexts.push_back(std::move(tls.value()));
    }
    auto listener = std::make_unique<Listener>(io, context);
    if (Status status = listener->Open(spec.options); !status.ok()) return status;
    listeners.push_back(std::move(listener));
  }
  return OkStatus();
}

void HttpServer::Impl::Shutdown() {
  for (const auto& listener : listeners) listener->Close();
  registry.DrainAll();
  if (!registry.WaitUntilEmpty(std::chrono::steady_clock::now() + options.shutdown_grace)) {
    spdlog::warn("HttpServer: {} connection(s) still busy after the shutdown grace; closing them",
                 registry.size());
    registry.AbortAll();
    (void)registry.WaitUntilEmpty(std::chrono::steady_clock::now() + kAbortWait);
  }
  work.reset();
  io.stop();
  for (std::thread& thread : io_threads) thread.join();
  io_threads.clear();
  for (const auto& listener : listeners) listener->CloseNow();
  if (workers) {
    workers->stop();  // queued handlers are dropped; a running one is waited for
    workers->join();
  }
  for (const auto& pool : own_workers) {
    pool->stop();
    pool->join();
  }
}

HttpServer::HttpServer(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::AddListener(const ListenerOptions& listener, const Service& service) {
  impl_->specs.push_back({listener, &service});
}

Status HttpServer::Start() {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  if (s.state != State::kNew)
    return Error(ErrorCode::kFailedPrecondition, "HttpServer: Start() called twice");
  if (s.options.access_log) {
    s.access_log = spdlog::get("access");
    if (!s.access_log) s.access_log = spdlog::default_logger();
  }
  // The shared pool has its configured size only when a listener uses it; otherwise one idle thread.
  const bool shared =
      s.specs.empty() || std::any_of(s.specs.begin(), s.specs.end(),
                                     [](const ListenerSpec& l) { return l.options.worker_threads == 0; });
  s.workers.emplace(!shared                         ? 1
                    : s.options.worker_threads != 0 ? s.options.worker_threads
                                                    : DefaultWorkerThreads());
  if (Status status = s.OpenListeners(); !status.ok()) {
    s.Shutdown();
    s.state = State::kStopped;
    s.stopped.notify_all();
    return status;
  }
  s.work.emplace(s.io.get_executor());
  const std::size_t io_threads = s.options.io_threads != 0 ? s.options.io_threads : HardwareThreads();
  for (std::size_t i = 0; i < io_threads; ++i) {
    s.io_threads.emplace_back([&io = s.io] {
      while (true) {
        try {
          io.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("HttpServer: I/O thread caught: {}", e.what());
        }
      }
    });
  }
  for (const auto& listener : s.listeners) listener->Start();
  s.state = State::kRunning;
  return OkStatus();
}

std::uint16_t HttpServer::BoundPort(std::size_t index) const {
  return index < impl_->listeners.size() ? impl_->listeners[index]->port() : 0;
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  if (s.state == State::kStopped) return;
  if (s.state == State::kRunning) s.Shutdown();
  s.state = State::kStopped;
  s.stopped.notify_all();
}

void HttpServer::Wait() {
  Impl& s = *impl_;
  std::unique_lock lock(s.mutex);
  s.stopped.wait(lock, [&s] { return s.state == State::kStopped; });
}

}  // namespace osprey::http
