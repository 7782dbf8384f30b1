// Router: one route table per service. Patterns are literal segments and named parameters:
//   "/token/{serial}"  matches "/token/OATH1" with path_params["serial"] = "OATH1"
//   "/messages/{folder}/{id}"
// A trailing "{name...}" captures the rest of the path (slashes included).
// Thread rule: build the table at start-up; Match() is safe from many threads afterwards.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "osprey/http/message.hpp"

namespace osprey::http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers `handler` for `method` ("GET", "POST", ...; "*" for any) on `pattern`. A GET route also answers
  // HEAD. Throws std::logic_error on a malformed pattern or method, or on a duplicate (same method and same
  // pattern shape; parameter names do not matter).
  Router& Add(std::string method, std::string pattern, Handler handler);

  enum class MatchKind { kFound, kNotFound, kMethodNotAllowed };
  struct Match {
    MatchKind kind = MatchKind::kNotFound;
    const Handler* handler = nullptr;  // kFound only; valid while the router lives and is not modified
    std::vector<std::string> allowed_methods;  // kMethodNotAllowed: AllowedMethods(path)
  };

  // Finds the route for `method` and the percent-decoded `path`, filling request.path_params on success.
  // Among the routes whose pattern matches, the most specific wins (segment by segment, literal over
  // {param} over {rest...}); on equal patterns an exact method wins over HEAD-via-GET over "*". A route whose
  // pattern matches but whose method does not is skipped, so a less specific route may still answer.
  Match Find(const std::string& method, const std::string& path, Request& request) const;

  // Every method registered for `path`, sorted, HEAD included when GET is; a "*" route contributes the
  // standard methods. Empty when no pattern matches (for OPTIONS and 405 Allow headers).
  std::vector<std::string> AllowedMethods(const std::string& path) const;

 private:
  struct Route;  // defined in router.cpp
  std::vector<Route> routes_;
};

}  // namespace osprey::http
