// One HTTP/1.1 connection: the only translation unit with Beast in it (besides server.cpp's bare Asio).
#include "session.hpp"

#include <unistd.h>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "connection_registry.hpp"
#include "dispatch.hpp"
#include "request_line.hpp"

namespace osprey::http::internal {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using beast::error_code;
using Clock = std::chrono::steady_clock;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Parser = bhttp::request_parser<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// Read-buffer room beyond header_limit, so that a repaired request line (%20 for spaces) still fits.
constexpr std::size_t kBufferSlack = 4096;
constexpr std::size_t kReadChunk = 16384;
// After an early error response (413, 400) the unread request is drained for a while before closing, so that
// the client reads the response instead of a connection reset.
constexpr std::size_t kLingerBytes = std::size_t{4} << 20;
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr auto kTlsShutdownTime = std::chrono::milliseconds(500);

enum class State { kHandshake, kIdle, kReading, kHandling, kWriting, kClosing };

bool IsFramingField(std::string_view name) {
  return beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
         beast::iequals(name, "Connection");
}

bool IsSafeFieldText(std::string_view text) {
  return text.find_first_of("\r\n", 0) == std::string_view::npos;
}

// True for errors that mean "the request is malformed" (answer 400), as opposed to "the peer went away".
bool IsParseError(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::short_read;
}

BeastResponse BuildResponse(Response response, unsigned version, bool keep_alive, bool head) {
  BeastResponse res;
  res.version(version);
  res.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers.fields()) {
    if (IsFramingField(name)) continue;
    if (!IsSafeFieldText(name) || !IsSafeFieldText(value)) {
      spdlog::error("dropping response header with CR/LF: {}", PathForLog(name));
      continue;
    }
    res.insert(name, value);
  }
  if (res.find(bhttp::field::server) == res.end()) res.set(bhttp::field::server, "Osprey");
  res.keep_alive(keep_alive);
  // 204 and 304 carry neither a body nor Content-Length (RFC 9110 §8.6; Beast 1.74's prepare_payload would
  // add "Content-Length: 0").
  if (response.status == 204 || response.status == 304) return res;
  if (head) {
    res.content_length(response.body.size());  // what GET would send; the body itself is dropped
  } else {
    res.body() = std::move(response.body);
    res.prepare_payload();
  }
  return res;
}

std::string RemoteAddress(const tcp::socket& socket) {
  error_code ec;
  net::ip::address address = socket.remote_endpoint(ec).address();
  if (ec) return "unknown";
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(tcp::socket socket, const SessionContext& context)
      : remote_(RemoteAddress(socket)),
        stream_(MakeStream(std::move(socket), context)),
        strand_(stream_.get_executor()),
        context_(context),
        buffer_(context.options->header_limit + kBufferSlack) {}
  ~Session() override { context_.registry->Remove(id_); }

  void Run() {
    id_ = context_.registry->Add(this->weak_from_this());
    if (id_ == 0) return;                              // at the cap or stopping: the socket closes with *this
    Lowest().expires_after(options().header_timeout);  // covers handshake, request line and headers
    if constexpr (kTls) {
      state_ = State::kHandshake;
      stream_.async_handshake(net::ssl::stream_base::server,
                              beast::bind_front_handler(&Session::OnHandshake, this->shared_from_this()));
    } else {
      ReadRequestLine();
    }
  }

  void Drain() override {
    net::post(strand_, [self = this->shared_from_this()] {
      self->draining_ = true;
      // Waiting for a request, or lingering over a closed one: nothing in flight to finish.
      const State state = self->state_;
      if (state == State::kIdle || state == State::kHandshake || state == State::kClosing) {
        self->Lowest().close();
      }
    });
  }

  void Abort() override {
    net::post(strand_, [self = this->shared_from_this()] { self->Lowest().close(); });
  }

 private:
  static Stream MakeStream(tcp::socket socket, const SessionContext& context) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *context.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  const ServerOptions& options() const { return *context_.options; }

  void OnHandshake(error_code ec) {
    if (!ec) ReadRequestLine();
  }

  std::string_view Buffered() const {
    return {static_cast<const char*>(buffer_.data().data()), buffer_.size()};
  }

  // Reads until the buffer holds a whole request line, which is looked at before Beast parses it, so that raw
  // spaces can be repaired. (asio::async_read_until would read into a copy of a Beast buffer.)
  void ReadRequestLine() {
    state_ = State::kIdle;
    while (Buffered().starts_with("\r\n")) buffer_.consume(2);  // RFC 9112 §2.2: ignore empty lines before
    if (const std::size_t end = Buffered().find("\r\n"); end != std::string_view::npos) {
      return OnRequestLine(end + 2);
    }
    const std::size_t room = buffer_.max_size() - buffer_.size();
    if (room == 0) return Reject(FrameworkError::kBadRequest, "Request line too long");
    stream_.async_read_some(buffer_.prepare(std::min<std::size_t>(room, kReadChunk)),
                            [self = this->shared_from_this()](error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              // Peer gone, timed out or stopping: nothing to answer.
                              if (!ec && !self->draining_) self->ReadRequestLine();
                            });
  }

  // `length` covers the request line and its CRLF.
  void OnRequestLine(std::size_t length) {
    start_ = Clock::now();
    state_ = State::kReading;
    if (!RepairBufferedLine(length)) return Reject(FrameworkError::kBadRequest, "Request line too long");
    if (!first_request_) Lowest().expires_after(options().header_timeout);
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options().header_limit));
    parser_->body_limit(options().body_limit);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, this->shared_from_this()));
  }

  // Returns false when the repaired line no longer fits the buffer.
  bool RepairBufferedLine(std::size_t length) {
    const std::string_view data = Buffered();
    std::optional<std::string> line = RepairRequestLine(data.substr(0, length - 2));
    if (!line) return true;
    line->append(data.substr(length - 2));  // CRLF and whatever followed it
    if (line->size() > buffer_.max_size()) return false;
    buffer_.clear();
    buffer_.commit(net::buffer_copy(buffer_.prepare(line->size()), net::buffer(*line)));
    return true;
  }

  void OnHeader(error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    if (parser_->is_done()) return Handle();
    Lowest().expires_after(options().body_timeout);
    const auto expect = parser_->get()[bhttp::field::expect];
    if (parser_->get().version() >= 11 && beast::iequals(expect, "100-continue")) {
      return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              [self = this->shared_from_this()](error_code write_ec, std::size_t) {
                                if (!write_ec) self->ReadBody();
                              });
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](error_code ec, std::size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->Handle();
                      });
  }

  void OnReadError(const error_code& ec) {
    if (ec == bhttp::error::body_limit) {
      return Reject(FrameworkError::kPayloadTooLarge,
                    "The data value transmitted exceeds the capacity limit.");
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      return Reject(FrameworkError::kBadRequest, "Request header too large");
    }
    if (IsParseError(ec)) return Reject(FrameworkError::kBadRequest, "Malformed request");
  }

  // Copies what the parser has seen (all of it after a complete header) into a Request.
  Request RequestFromParser() {
    Request request;
    request.remote_address = remote_;
    request.tls = kTls;
    if (!parser_ || !parser_->got_some()) return request;
    const auto& message = parser_->get();
    request.method = std::string(message.method_string());
    for (char& c : request.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    request.target = std::string(message.target());
    for (const auto& field : message)
      request.headers.Add(std::string(field.name_string()), std::string(field.value()));
    method_ = request.method;
    target_ = request.target;
    return request;
  }

  void Handle() {
    state_ = State::kHandling;
    Lowest().expires_never();
    keep_alive_ = parser_->get().keep_alive();
    version_ = parser_->get().version();
    Request request = RequestFromParser();
    head_ = request.method == "HEAD";
    request.body = std::move(parser_->get().body());
    net::post(*context_.workers, [self = this->shared_from_this(), request = std::move(request)]() mutable {
      Response response = Dispatch(request, *self->context_.service);
      net::post(self->strand_,
                [self, response = std::move(response)]() mutable { self->Send(std::move(response), false); });
    });
  }

  // Answers a request that could not be read to the end, then closes the connection.
  void Reject(FrameworkError error, const std::string& detail) {
    if (start_ == Clock::time_point{}) start_ = Clock::now();
    keep_alive_ = false;
    linger_ = true;
    head_ = false;
    if (parser_ && parser_->is_header_done()) version_ = parser_->get().version();
    const Request request = RequestFromParser();
    Send(RenderErrorSafe(*context_.service, error, detail, request), true);
  }

  void Send(Response response, bool close) {
    state_ = State::kWriting;
    const bool keep_alive = keep_alive_ && !close && !draining_;
    status_ = response.status;
    response_ = BuildResponse(std::move(response), version_, keep_alive, head_);
    Lowest().expires_after(options().body_timeout);
    bhttp::async_write(stream_, response_,
                       beast::bind_front_handler(&Session::OnWrite, this->shared_from_this(), keep_alive));
  }

  void OnWrite(bool keep_alive, error_code ec, std::size_t) {
    LogRequest();
    if (ec) return;
    if (!keep_alive || draining_) return Shutdown();  // Drain() may have come during the write
    first_request_ = false;
    parser_.reset();
    response_ = {};
    start_ = {};
    Lowest().expires_after(options().idle_timeout);
    ReadRequestLine();
  }

  void LogRequest() {
    if (context_.access_log == nullptr) return;
    LogAccess(*context_.access_log, {.service = context_.service->Name(),
                                     .remote_address = remote_,
                                     .method = method_.empty() ? std::string_view("-") : method_,
                                     .target = target_.empty() ? std::string_view("-") : target_,
                                     .status = status_,
                                     .elapsed = Clock::now() - start_});
    method_.clear();
    target_.clear();
  }

  // Ends the connection after a response sent with Connection: close.
  void Shutdown() {
    state_ = State::kClosing;
    if (draining_) return Lowest().close();  // stopping: no close_notify exchange, no lingering
    if constexpr (kTls) {
      Lowest().expires_after(kTlsShutdownTime);
      stream_.async_shutdown([self = this->shared_from_this()](error_code) { self->Lowest().close(); });
    } else {
      error_code ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (!ec && linger_) {
        Lowest().expires_after(kLingerTime);
        Linger();
      }
    }
  }

  void Linger() {
    Lowest().async_read_some(net::buffer(scratch_),
                             [self = this->shared_from_this()](error_code ec, std::size_t n) {
                               self->lingered_ += n;
                               if (!ec && self->lingered_ < kLingerBytes) self->Linger();
                             });
  }

  const std::string remote_;
  Stream stream_;
  const net::any_io_executor strand_;
  const SessionContext context_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  BeastResponse response_;
  std::uint64_t id_ = 0;
  State state_ = State::kIdle;
  bool first_request_ = true;
  bool draining_ = false;
  bool keep_alive_ = false;
  bool head_ = false;
  bool linger_ = false;
  unsigned version_ = 11;
  int status_ = 0;
  std::string method_;  // of the current request, for the access log
  std::string target_;
  Clock::time_point start_{};
  std::size_t lingered_ = 0;
  std::array<char, 16384> scratch_{};
};

}  // namespace

void StartSession(net::io_context& io, int fd, bool ipv6, const SessionContext& context) {
  tcp::socket socket(net::make_strand(io));
  error_code ec;
  socket.assign(ipv6 ? tcp::v6() : tcp::v4(), fd, ec);
  if (ec) {
    ::close(fd);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  if (context.tls != nullptr) {
    std::make_shared<Session<TlsStream>>(std::move(socket), context)->Run();
  } else {
    std::make_shared<Session<PlainStream>>(std::move(socket), context)->Run();
  }
}

}  // namespace osprey::http::internal
