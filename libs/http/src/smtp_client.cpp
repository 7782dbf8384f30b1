#include "osprey/http/smtp_client.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include <openssl/crypto.h>

#include "curl_api.hpp"

namespace osprey::http {
namespace {

// An easy handle for one message: mail is rare next to HTTP, so it keeps no connection between messages.
struct EasyHandle {
  CURL* curl = Api().easy_init();
  EasyHandle() = default;
  EasyHandle(const EasyHandle&) = delete;
  EasyHandle& operator=(const EasyHandle&) = delete;
  ~EasyHandle() {
    if (curl != nullptr) Api().easy_cleanup(curl);
  }
};

std::size_t OnRead(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* rest = static_cast<std::string_view*>(user);
  const std::size_t n = std::min(size * count, rest->size());
  std::memcpy(buffer, rest->data(), n);
  rest->remove_prefix(n);
  return n;
}

void SetTransport(CURL* curl, const SmtpMessage& m) {
  Api().easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  Api().easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  const long ms = std::max<long>(1, static_cast<long>(m.timeout.count()));  // 0 would mean "no limit"
  Api().easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ms);
  Api().easy_setopt(curl, CURLOPT_TIMEOUT_MS, 2 * ms);
  Api().easy_setopt(
      curl, CURLOPT_USE_SSL,
      static_cast<long>(m.tls == SmtpTls::kStartTlsRequired ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  Api().easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, m.verify_tls ? 1L : 0L);
  Api().easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, m.verify_tls ? 2L : 0L);
  if (!m.ca_file.empty()) Api().easy_setopt(curl, CURLOPT_CAINFO, m.ca_file.c_str());
  // An explicit "" proxy and NOPROXY keep libcurl from reading proxies from the environment.
  Api().easy_setopt(curl, CURLOPT_PROXY, "");
  Api().easy_setopt(curl, CURLOPT_NOPROXY, "*");
  if (!m.username.empty()) {
    Api().easy_setopt(curl, CURLOPT_USERNAME, m.username.c_str());
    // libcurl keeps a copy of string options; the NUL-terminated one made here is wiped at once.
    std::string password(m.password.view());
    Api().easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
    OPENSSL_cleanse(password.data(), password.size());
  }
}

class CurlSmtpClient final : public SmtpClient {
 public:
  Status Send(const SmtpMessage& m) override {
    if (const LoadedCurl& loaded = Curl(); !loaded.error.empty()) {
      return Error(ErrorCode::kUnavailable, "SMTP client unavailable: " + loaded.error);
    }
    if (m.recipients.empty()) return Error(ErrorCode::kInvalidArgument, "the mail has no recipient");
    EasyHandle handle;
    if (handle.curl == nullptr) return Error(ErrorCode::kInternal, "curl_easy_init failed");
    CURL* curl = handle.curl;
    CurlList recipients;
    for (const std::string& r : m.recipients) recipients.Append("<" + r + ">");
    std::string_view rest = m.message;
    char error[CURL_ERROR_SIZE] = {};
    Api().easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    Api().easy_setopt(curl, CURLOPT_URL, m.server_url.c_str());
    SetTransport(curl, m);
    Api().easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + m.from + ">").c_str());
    Api().easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients.list);
    Api().easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    Api().easy_setopt(curl, CURLOPT_READFUNCTION, &OnRead);
    Api().easy_setopt(curl, CURLOPT_READDATA, &rest);
    const CURLcode code = Api().easy_perform(curl);
    if (code == CURLE_OK) return OkStatus();
    // curl's texts name the host, the port and the server's reply at most; never the credentials.
    return Error(MapCurlError(code), std::string("SMTP delivery failed: ") + Api().easy_strerror(code) +
                                         (error[0] ? ": " : "") + error);
  }
};

}  // namespace

std::unique_ptr<SmtpClient> MakeCurlSmtpClient() { return std::make_unique<CurlSmtpClient>(); }

}  // namespace osprey::http
