#include "osprey/http/client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

namespace osprey::http {
namespace {

constexpr char kUserAgent[] = "Osprey";

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
  });
}

// One easy handle per thread: curl_easy_reset() between requests keeps its connection, DNS and TLS session
// caches, so repeated requests to one gateway reuse the connection.
CURL* ThreadHandle() {
  struct Holder {
    CURL* handle = curl_easy_init();
    ~Holder() { curl_easy_cleanup(handle); }
  };
  thread_local Holder holder;
  if (holder.handle != nullptr) curl_easy_reset(holder.handle);
  return holder.handle;
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void Append(const std::string& line) {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) throw std::bad_alloc();
    list = next;
  }
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Keeps the header of the last response only: a redirect or a 100 Continue starts a new status line.
std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    *headers = Headers();
  } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
    headers->Add(std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1))));
  }
  return size * count;
}

bool IsHttps(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  return url.size() >= kScheme.size() &&
         std::equal(kScheme.begin(), kScheme.end(), url.begin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

void SetHeaders(CURL* curl, const ClientRequest& request, HeaderList& list) {
  for (const auto& [name, value] : request.headers.fields()) {
    list.Append(value.empty() ? name + ";" : name + ": " + value);  // "Name;" is curl for an empty value
  }
  // curl would add "Expect: 100-continue" to large bodies and a form Content-Type to every POST body.
  if (!request.headers.Has("Expect")) list.Append("Expect:");
  if (!request.headers.Has("Content-Type")) list.Append("Content-Type:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list.list);
  if (!request.headers.Has("User-Agent")) curl_easy_setopt(curl, CURLOPT_USERAGENT, kUserAgent);
}

void SetMethodAndBody(CURL* curl, const ClientRequest& request) {
  if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    return;
  }
  if (request.method == "POST" || !request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  // CUSTOMREQUEST keeps its method across redirects, so plain POST must not use it (301/302/303 → GET).
  if (request.method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
}

void SetTransport(CURL* curl, const ClientRequest& request) {
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // 0 would mean "no limit" to libcurl.
  const long connect_ms = std::max<long>(1, static_cast<long>(request.connect_timeout.count()));
  const long rest_ms = std::max<long>(1, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, connect_ms + rest_ms);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
  if (!request.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
  const std::string& proxy = IsHttps(request.url) ? request.https_proxy : request.http_proxy;
  // An explicit "" proxy and NOPROXY keep libcurl from reading http_proxy / no_proxy from the environment.
  curl_easy_setopt(curl, CURLOPT_PROXY, proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, proxy.empty() ? "*" : "");
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, static_cast<long>(request.max_redirects));
  curl_easy_setopt(curl, CURLOPT_POSTREDIR, 0L);  // 301/302/303 turn POST into GET, as python-requests does
  curl_easy_setopt(curl, CURLOPT_UNRESTRICTED_AUTH, 0L);
  if (request.basic_auth_user) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(curl, CURLOPT_USERNAME, request.basic_auth_user->c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD,
                     request.basic_auth_password ? request.basic_auth_password->c_str() : "");
  }
}

ErrorCode MapCurlError(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return ErrorCode::kTimeout;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT: return ErrorCode::kInvalidArgument;
    case CURLE_OUT_OF_MEMORY: return ErrorCode::kInternal;
    default: return ErrorCode::kUnavailable;  // resolve, connect, TLS, send/receive, redirects
  }
}

class CurlHttpClient final : public HttpClient {
 public:
  Result<ClientResponse> Send(const ClientRequest& request) override {
    CURL* curl = ThreadHandle();
    if (curl == nullptr) return Error(ErrorCode::kInternal, "curl_easy_init failed");
    ClientResponse response;
    HeaderList headers;
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    SetTransport(curl, request);
    SetHeaders(curl, request, headers);
    SetMethodAndBody(curl, request);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    const CURLcode code = curl_easy_perform(curl);
    // The handle outlives this call: drop pointers into locals before they go out of scope.
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    if (code != CURLE_OK) {
      // curl's texts name host and port at most; never the URL's query or the credentials.
      return Error(MapCurlError(code), std::string("HTTP request failed: ") + curl_easy_strerror(code) +
                                           (error[0] ? ": " : "") + error);
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    char* effective_url = nullptr;
    curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective_url);
    if (effective_url != nullptr) response.effective_url = effective_url;
    return response;
  }
};

}  // namespace

std::unique_ptr<HttpClient> MakeCurlHttpClient() {
  GlobalInitOnce();
  return std::make_unique<CurlHttpClient>();
}

}  // namespace osprey::http
