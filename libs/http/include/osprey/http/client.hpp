// HttpClient: outbound HTTP for domain code (SMS providers, webhooks). Domain code depends on this interface
// only; main injects CurlHttpClient, tests inject fakes.
// Thread rule: implementations are safe to call from many threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "osprey/core/result.hpp"
#include "osprey/http/message.hpp"

namespace osprey::http {

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{3000};  // the rest of the exchange after connect (total: connect + this)
  bool verify_tls = true;
  std::string ca_file;      // empty: system store
  std::string http_proxy;   // for http:// URLs; empty: none (environment proxies are never used)
  std::string https_proxy;  // for https:// URLs
  std::optional<std::string> basic_auth_user;
  std::optional<std::string> basic_auth_password;  // empty when absent; never logged nor put in error texts
  bool follow_redirects =
      true;  // 301/302/303 turn POST into GET without body; 307/308 repeat method and body
  int max_redirects = 30;
};

struct ClientResponse {
  int status = 0;
  Headers headers;            // of the final response only
  std::string body;           // decoded when the server used gzip/deflate
  std::string effective_url;  // after redirects
};

class HttpClient {
 public:
  HttpClient() = default;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  virtual ~HttpClient() = default;
  // Performs the request. Any HTTP status is a success value; failures are kTimeout (connect or read
  // deadline), kUnavailable (DNS, connection refused, TLS handshake or verification), kInvalidArgument
  // (malformed URL).
  virtual Result<ClientResponse> Send(const ClientRequest& request) = 0;
};

// libcurl implementation with connection reuse (one cached easy handle per thread).
std::unique_ptr<HttpClient> MakeCurlHttpClient();

}  // namespace osprey::http
