#include "osprey/http/client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <new>
#include <string>
#include <type_traits>

#include "osprey/core/shared_library.hpp"

namespace osprey::http {
namespace {

constexpr char kUserAgent[] = "Osprey";

// libcurl is loaded on the first request, not linked: it brings libldap, GnuTLS, Kerberos, libssh2 and more
// (≈ 4 MB of resident pages), which a process that never sends an HTTP request (the MFA server without SMS,
// the CLI) need not map. The functions are called through the pointers below, with curl.h's own types.
struct CurlApi {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_reset) easy_reset = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
};

struct LoadedCurl {
  CurlApi api;
  std::string error;  // empty when loaded and initialised
};

const LoadedCurl& Curl() {
  static const LoadedCurl loaded = [] {
    LoadedCurl l;
    const Result<void*> handle = OpenSharedLibrary(OSPREY_CURL_LIBRARY);
    if (!handle.ok()) {
      l.error = handle.error().message();
      return l;
    }
    bool complete = true;
    auto bind = [&](auto& fn, const char* name) {
      fn = SharedLibrarySymbol<std::remove_reference_t<decltype(fn)>>(*handle, name);
      complete = complete && fn != nullptr;
    };
    bind(l.api.global_init, "curl_global_init");
    bind(l.api.easy_init, "curl_easy_init");
    bind(l.api.easy_setopt, "curl_easy_setopt");
    bind(l.api.easy_perform, "curl_easy_perform");
    bind(l.api.easy_getinfo, "curl_easy_getinfo");
    bind(l.api.easy_reset, "curl_easy_reset");
    bind(l.api.easy_cleanup, "curl_easy_cleanup");
    bind(l.api.easy_strerror, "curl_easy_strerror");
    bind(l.api.slist_append, "curl_slist_append");
    bind(l.api.slist_free_all, "curl_slist_free_all");
    if (!complete) {
      l.error = std::string(OSPREY_CURL_LIBRARY) + " lacks a function Osprey uses";
    } else if (l.api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      l.error = "curl_global_init failed";
    }
    return l;
  }();
  return loaded;
}

// Only after Curl() loaded without error (Send checks first).
const CurlApi& Api() { return Curl().api; }

// One easy handle per thread: curl_easy_reset() between requests keeps its connection, DNS and TLS session
// caches, so repeated requests to one gateway reuse the connection.
CURL* ThreadHandle() {
  struct Holder {
    CURL* handle = Api().easy_init();
    ~Holder() { Api().easy_cleanup(handle); }
  };
  thread_local Holder holder;
  if (holder.handle != nullptr) Api().easy_reset(holder.handle);
  return holder.handle;
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { Api().slist_free_all(list); }
  void Append(const std::string& line) {
    curl_slist* next = Api().slist_append(list, line.c_str());
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
  Api().easy_setopt(curl, CURLOPT_HTTPHEADER, list.list);
  if (!request.headers.Has("User-Agent")) Api().easy_setopt(curl, CURLOPT_USERAGENT, kUserAgent);
}

void SetMethodAndBody(CURL* curl, const ClientRequest& request) {
  if (request.method == "GET" && request.body.empty()) {
    Api().easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (request.method == "HEAD") {
    Api().easy_setopt(curl, CURLOPT_NOBODY, 1L);
    return;
  }
  if (request.method == "POST" || !request.body.empty()) {
    Api().easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    Api().easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  // CUSTOMREQUEST keeps its method across redirects, so plain POST must not use it (301/302/303 → GET).
  if (request.method != "POST") Api().easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
}

void SetTransport(CURL* curl, const ClientRequest& request) {
  Api().easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  Api().easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  Api().easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // 0 would mean "no limit" to libcurl.
  const long connect_ms = std::max<long>(1, static_cast<long>(request.connect_timeout.count()));
  const long rest_ms = std::max<long>(1, static_cast<long>(request.timeout.count()));
  Api().easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  Api().easy_setopt(curl, CURLOPT_TIMEOUT_MS, connect_ms + rest_ms);
  Api().easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
  Api().easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
  if (!request.ca_file.empty()) Api().easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
  const std::string& proxy = IsHttps(request.url) ? request.https_proxy : request.http_proxy;
  // An explicit "" proxy and NOPROXY keep libcurl from reading http_proxy / no_proxy from the environment.
  Api().easy_setopt(curl, CURLOPT_PROXY, proxy.c_str());
  Api().easy_setopt(curl, CURLOPT_NOPROXY, proxy.empty() ? "*" : "");
  Api().easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  Api().easy_setopt(curl, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  Api().easy_setopt(curl, CURLOPT_MAXREDIRS, static_cast<long>(request.max_redirects));
  Api().easy_setopt(curl, CURLOPT_POSTREDIR, 0L);  // 301/302/303 turn POST into GET, as python-requests does
  Api().easy_setopt(curl, CURLOPT_UNRESTRICTED_AUTH, 0L);
  if (request.basic_auth_user) {
    Api().easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    Api().easy_setopt(curl, CURLOPT_USERNAME, request.basic_auth_user->c_str());
    Api().easy_setopt(curl, CURLOPT_PASSWORD,
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
    if (const LoadedCurl& loaded = Curl(); !loaded.error.empty()) {
      return Error(ErrorCode::kUnavailable, "HTTP client unavailable: " + loaded.error);
    }
    CURL* curl = ThreadHandle();
    if (curl == nullptr) return Error(ErrorCode::kInternal, "curl_easy_init failed");
    ClientResponse response;
    HeaderList headers;
    char error[CURL_ERROR_SIZE] = {};
    Api().easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    Api().easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    SetTransport(curl, request);
    SetHeaders(curl, request, headers);
    SetMethodAndBody(curl, request);
    Api().easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    Api().easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    Api().easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    Api().easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    const CURLcode code = Api().easy_perform(curl);
    // The handle outlives this call: drop pointers into locals before they go out of scope.
    Api().easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    Api().easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    if (code != CURLE_OK) {
      // curl's texts name host and port at most; never the URL's query or the credentials.
      return Error(MapCurlError(code), std::string("HTTP request failed: ") + Api().easy_strerror(code) +
                                           (error[0] ? ": " : "") + error);
    }
    long status = 0;
    Api().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    char* effective_url = nullptr;
    Api().easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective_url);
    if (effective_url != nullptr) response.effective_url = effective_url;
    return response;
  }
};

}  // namespace

std::unique_ptr<HttpClient> MakeCurlHttpClient() { return std::make_unique<CurlHttpClient>(); }

}  // namespace osprey::http
