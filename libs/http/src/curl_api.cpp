#include "curl_api.hpp"

#include <type_traits>

#include "osprey/core/shared_library.hpp"

namespace osprey::http {

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

ErrorCode MapCurlError(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return ErrorCode::kTimeout;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT: return ErrorCode::kInvalidArgument;
    case CURLE_LOGIN_DENIED: return ErrorCode::kPermissionDenied;  // not an HTTP outcome: 401 is a status
    case CURLE_OUT_OF_MEMORY: return ErrorCode::kInternal;
    default: return ErrorCode::kUnavailable;
  }
}

}  // namespace osprey::http
