#include "osprey/http/client.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "curl_api.hpp"

namespace osprey::http {
namespace {

constexpr char kUserAgent[] = "Osprey";

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

void SetHeaders(CURL* curl, const ClientRequest& request, CurlList& list) {
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

class CurlHttpClient final : public HttpClient {
 public:
  Result<ClientResponse> Send(const ClientRequest& request) override {
    if (const LoadedCurl& loaded = Curl(); !loaded.error.empty()) {
      return Error(ErrorCode::kUnavailable, "HTTP client unavailable: " + loaded.error);
    }
    CURL* curl = ThreadHandle();
    if (curl == nullptr) return Error(ErrorCode::kInternal, "curl_easy_init failed");
    ClientResponse response;
    CurlList headers;
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
