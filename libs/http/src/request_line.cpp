#include "request_line.hpp"

#include <algorithm>

namespace osprey::http::internal {

std::optional<std::string> RepairRequestLine(std::string_view line) {
  if (std::count(line.begin(), line.end(), ' ') <= 2) return std::nullopt;
  const std::size_t first = line.find(' ');
  const std::size_t version = line.rfind(" HTTP/");
  if (version == std::string_view::npos || version <= first) return std::nullopt;
  std::string repaired(line.substr(0, first + 1));
  for (const char c : line.substr(first + 1, version - first - 1)) {
    if (c == ' ') {
      repaired.append("%20");
    } else {
      repaired.push_back(c);
    }
  }
  repaired.append(line.substr(version));
  return repaired;
}

}  // namespace osprey::http::internal
