// libcurl, loaded on first use and shared by the HTTP client (client.cpp) and the SMTP client
// (smtp_client.cpp). Module-internal to osprey_http.
//
// libcurl is loaded on the first request, not linked: it brings libldap, GnuTLS, Kerberos, libssh2 and more
// (≈ 4 MB of resident pages), which a process that never sends an HTTP request or a mail (the MFA server
// without SMS, the CLI) need not map. The functions are called through the pointers below, with curl.h's own
// types.
// Thread rule: Curl() is safe from any thread (a function-local static); the table is immutable afterwards.
#pragma once

#include <curl/curl.h>

#include <new>
#include <string>

#include "osprey/core/result.hpp"

namespace osprey::http {

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

// Loads and initialises libcurl on the first call; later calls return the same result.
const LoadedCurl& Curl();

// REQUIRES: Curl() loaded without error.
inline const CurlApi& Api() { return Curl().api; }

// The ErrorCode of a failed transfer: kTimeout, kInvalidArgument (malformed URL, unsupported protocol),
// kPermissionDenied (the server refused the credentials: SMTP AUTH), kInternal (out of memory), else
// kUnavailable (resolve, connect, TLS, send/receive, redirects, a rejected SMTP command).
ErrorCode MapCurlError(CURLcode code);

// A curl_slist owned for the duration of one request. REQUIRES: as Api().
struct CurlList {
  curl_slist* list = nullptr;
  CurlList() = default;
  CurlList(const CurlList&) = delete;
  CurlList& operator=(const CurlList&) = delete;
  ~CurlList() { Api().slist_free_all(list); }
  void Append(const std::string& line) {
    curl_slist* next = Api().slist_append(list, line.c_str());
    if (next == nullptr) throw std::bad_alloc();
    list = next;
  }
};

}  // namespace osprey::http
