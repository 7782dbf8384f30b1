#include "osprey/http/router.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>
#include <string_view>

namespace osprey::http {
namespace {

// Ordered so that a larger value is more specific.
enum class SegmentKind { kRest = 0, kParam = 1, kLiteral = 2 };

struct Segment {
  SegmentKind kind;
  std::string text;  // literal text or parameter name
};

// "/a/b" → {"a", "b"}; "/" → {""}; "/a/" → {"a", ""}. The path always starts with '/' (else no segments).
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsParamName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

Segment ParseSegment(std::string_view text, const std::string& pattern) {
  const auto fail = [&](const char* why) {
    return std::logic_error("Router: malformed pattern \"" + pattern + "\": " + why);
  };
  if (text.empty() || text.front() != '{') {
    if (text.find_first_of("{}") != std::string_view::npos) throw fail("braces inside a literal segment");
    return {SegmentKind::kLiteral, std::string(text)};
  }
  if (text.back() != '}') throw fail("unterminated parameter");
  std::string_view name = text.substr(1, text.size() - 2);
  SegmentKind kind = SegmentKind::kParam;
  if (name.ends_with("...")) {
    name.remove_suffix(3);
    kind = SegmentKind::kRest;
  }
  if (!IsParamName(name)) throw fail("parameter names are letters, digits and '_'");
  return {kind, std::string(name)};
}

std::vector<Segment> ParsePattern(const std::string& pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::logic_error("Router: pattern \"" + pattern + "\" must start with '/'");
  }
  std::vector<Segment> segments;
  std::set<std::string> names;
  for (const std::string_view text : SplitPath(pattern)) {
    if (!segments.empty() && segments.back().kind == SegmentKind::kRest) {
      throw std::logic_error("Router: pattern \"" + pattern + "\": {name...} must be the last segment");
    }
    Segment segment = ParseSegment(text, pattern);
    if (segment.kind != SegmentKind::kLiteral && !names.insert(segment.text).second) {
      throw std::logic_error("Router: pattern \"" + pattern + "\": duplicate parameter " + segment.text);
    }
    segments.push_back(std::move(segment));
  }
  return segments;
}

bool IsMethodName(const std::string& method) {
  return method == "*" || (!method.empty() && std::all_of(method.begin(), method.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
         }));
}

// 0: the route does not answer `method`; higher is a better fit.
int MethodRank(const std::string& route_method, const std::string& method) {
  if (route_method == method) return 3;
  if (method == "HEAD" && route_method == "GET") return 2;
  if (route_method == "*") return 1;
  return 0;
}

}  // namespace

struct Router::Route {
  std::string method;
  std::vector<Segment> segments;
  Handler handler;

  bool Matches(const std::vector<std::string_view>& path) const {
    const bool rest = !segments.empty() && segments.back().kind == SegmentKind::kRest;
    if (rest ? path.size() < segments.size() : path.size() != segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (segments[i].kind == SegmentKind::kLiteral && segments[i].text != path[i]) return false;
    }
    return true;
  }

  // Negative: this route is less specific than `other`; 0: same shape; positive: more specific.
  int CompareSpecificity(const Route& other) const {
    const std::size_t n = std::min(segments.size(), other.segments.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (segments[i].kind != other.segments[i].kind) {
        return static_cast<int>(segments[i].kind) - static_cast<int>(other.segments[i].kind);
      }
    }
    return static_cast<int>(segments.size()) - static_cast<int>(other.segments.size());
  }

  bool SameShape(const Route& other) const {
    if (CompareSpecificity(other) != 0 || segments.size() != other.segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (segments[i].kind == SegmentKind::kLiteral && segments[i].text != other.segments[i].text)
        return false;
    }
    return true;
  }

  void FillParams(const std::vector<std::string_view>& path, Request& request) const {
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (segments[i].kind == SegmentKind::kParam) {
        request.path_params[segments[i].text] = std::string(path[i]);
      } else if (segments[i].kind == SegmentKind::kRest) {
        std::string rest(path[i]);
        for (std::size_t j = i + 1; j < path.size(); ++j) rest.append("/").append(path[j]);
        request.path_params[segments[i].text] = std::move(rest);
      }
    }
  }
};

Router::Router() = default;
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Router& Router::Add(std::string method, std::string pattern, Handler handler) {
  if (!IsMethodName(method)) throw std::logic_error("Router: bad method \"" + method + "\"");
  if (!handler) throw std::logic_error("Router: empty handler for " + pattern);
  Route route{std::move(method), ParsePattern(pattern), std::move(handler)};
  for (const Route& existing : routes_) {
    if (existing.method == route.method && existing.SameShape(route)) {
      throw std::logic_error("Router: duplicate route " + route.method + " " + pattern);
    }
  }
  routes_.push_back(std::move(route));
  return *this;
}

Router::Match Router::Find(const std::string& method, const std::string& path, Request& request) const {
  const std::vector<std::string_view> segments = SplitPath(path);
  const Route* best = nullptr;
  int best_rank = 0;
  bool path_exists = false;
  for (const Route& route : routes_) {
    if (!route.Matches(segments)) continue;
    path_exists = true;
    const int rank = MethodRank(route.method, method);
    if (rank == 0) continue;
    const int specificity = best == nullptr ? 1 : route.CompareSpecificity(*best);
    if (specificity > 0 || (specificity == 0 && rank > best_rank)) {
      best = &route;
      best_rank = rank;
    }
  }
  Match match;
  if (best != nullptr) {
    best->FillParams(segments, request);
    match.kind = MatchKind::kFound;
    match.handler = &best->handler;
  } else if (path_exists) {
    match.kind = MatchKind::kMethodNotAllowed;
    match.allowed_methods = AllowedMethods(path);
  }
  return match;
}

std::vector<std::string> Router::AllowedMethods(const std::string& path) const {
  static const char* const kStandard[] = {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"};
  const std::vector<std::string_view> segments = SplitPath(path);
  std::set<std::string> methods;
  for (const Route& route : routes_) {
    if (!route.Matches(segments)) continue;
    if (route.method == "*") {
      methods.insert(std::begin(kStandard), std::end(kStandard));
    } else {
      methods.insert(route.method);
      if (route.method == "GET") methods.insert("HEAD");
    }
  }
  return {methods.begin(), methods.end()};
}

}  // namespace osprey::http
