#include "dispatch.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

#include <spdlog/spdlog.h>

namespace osprey::http::internal {
namespace {

int DefaultStatus(FrameworkError error) {
  switch (error) {
    case FrameworkError::kBadRequest: return 400;
    case FrameworkError::kNotFound: return 404;
    case FrameworkError::kMethodNotAllowed: return 405;
    case FrameworkError::kPayloadTooLarge: return 413;
    case FrameworkError::kInternal: return 500;
  }
  return 500;
}

bool IsValidStatus(int status) { return status >= 200 && status <= 599; }

std::string_view Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// True when the media type of Content-Type (parameters ignored, case-insensitive) is `type`.
bool HasMediaType(const Headers& headers, std::string_view type) {
  const auto value = headers.Get("Content-Type");
  if (!value) return false;
  const std::string_view media = Trim(value->substr(0, value->find(';')));
  return media.size() == type.size() &&
         std::equal(media.begin(), media.end(), type.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// "http://host/p?q" (absolute form, sent to proxies) → "/p?q"; origin form is returned unchanged.
std::string_view OriginForm(std::string_view target) {
  if (target.empty() || target.front() == '/') return target;
  const std::size_t scheme = target.find("://");
  if (scheme == std::string_view::npos) return target;
  const std::size_t slash = target.find('/', scheme + 3);
  return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
}

// A short reason that never echoes the body (it may hold credentials), unlike nlohmann's what().
std::string JsonErrorReason(const std::string& body) {
  try {
    [[maybe_unused]] const nlohmann::json parsed = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    return "syntax error at byte " + std::to_string(e.byte);
  } catch (const std::exception&) {
  }
  return "not JSON";
}

std::string AllowHeader(std::vector<std::string> methods) {
  if (std::find(methods.begin(), methods.end(), "OPTIONS") == methods.end()) methods.push_back("OPTIONS");
  std::sort(methods.begin(), methods.end());
  std::string allow;
  for (const std::string& method : methods) allow.append(allow.empty() ? "" : ", ").append(method);
  return allow;
}

Response RunHandler(const Handler& handler, Request& request, const Service& service) {
  Response response = handler(request);
  if (IsValidStatus(response.status)) return response;
  spdlog::error("[{}] {} {}: handler returned invalid status {}", service.Name(), request.method,
                PathForLog(request.target), response.status);
  return RenderErrorSafe(service, FrameworkError::kInternal, "Internal server error", request);
}

Response Route(Request& request, const Service& service) {
  const Router::Match match = service.Routes().Find(request.method, request.path, request);
  switch (match.kind) {
    case Router::MatchKind::kFound: return RunHandler(*match.handler, request, service);
    case Router::MatchKind::kNotFound:
      return RenderErrorSafe(service, FrameworkError::kNotFound,
                             "The requested URL was not found on the server.", request);
    case Router::MatchKind::kMethodNotAllowed: break;
  }
  Response response = request.method == "OPTIONS"
                          ? Response::Empty(204)
                          : RenderErrorSafe(service, FrameworkError::kMethodNotAllowed,
                                            "The method is not allowed for the requested URL.", request);
  response.headers.Set("Allow", AllowHeader(match.allowed_methods));
  return response;
}

}  // namespace

std::optional<Response> CompleteRequest(Request& request, const Service& service) {
  const std::string_view target = OriginForm(request.target);
  const std::size_t question = target.find('?');
  request.path = PercentDecode(target.substr(0, question), false);
  request.raw_query =
      question == std::string_view::npos ? std::string() : std::string(target.substr(question + 1));
  request.query = ParseUrlEncoded(request.raw_query);
  if (HasMediaType(request.headers, "application/x-www-form-urlencoded")) {
    request.form = ParseUrlEncoded(request.body);
  }
  if (request.body.empty()) return std::nullopt;
  nlohmann::json json = nlohmann::json::parse(request.body, nullptr, false);
  if (!json.is_discarded()) {
    request.json = std::move(json);
  } else if (HasMediaType(request.headers, "application/json") && !Trim(request.body).empty()) {
    return RenderErrorSafe(service, FrameworkError::kBadRequest,
                           "Invalid JSON body: " + JsonErrorReason(request.body), request);
  }
  return std::nullopt;
}

Response Dispatch(Request& request, const Service& service) {
  try {
    if (auto error = CompleteRequest(request, service)) return std::move(*error);
    return Route(request, service);
  } catch (const std::exception& e) {
    spdlog::error("[{}] {} {}: handler threw: {}", service.Name(), request.method, PathForLog(request.target),
                  e.what());
  } catch (...) {
    spdlog::error("[{}] {} {}: handler threw a non-standard exception", service.Name(), request.method,
                  PathForLog(request.target));
  }
  return RenderErrorSafe(service, FrameworkError::kInternal, "Internal server error", request);
}

Response RenderErrorSafe(const Service& service, FrameworkError error, const std::string& detail,
                         const Request& request) {
  try {
    Response response = service.RenderError(error, detail, request);
    if (!IsValidStatus(response.status)) response.status = DefaultStatus(error);
    return response;
  } catch (const std::exception& e) {
    spdlog::error("[{}] RenderError threw: {}", service.Name(), e.what());
  } catch (...) {
    spdlog::error("[{}] RenderError threw a non-standard exception", service.Name());
  }
  return Response::Text(500, "Internal Server Error\n");
}

std::string PathForLog(std::string_view target) {
  std::string path(target.substr(0, std::min(target.find('?'), std::size_t{256})));
  std::replace_if(
      path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; },
      '?');
  return path;
}

void LogAccess(spdlog::logger& logger, const AccessRecord& record) {
  const double ms = std::chrono::duration<double, std::milli>(record.elapsed).count();
  logger.info("{} \"{} {}\" {} {:.1f}ms [{}]", record.remote_address, record.method,
              PathForLog(record.target), record.status, ms, record.service);
}

}  // namespace osprey::http::internal
