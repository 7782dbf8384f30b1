#include "smsgw/emulator/at_parse.hpp"

#include <cctype>
#include <charconv>

namespace osprey::smsgw::emulator {

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::string ToUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view ArgText(std::string_view args) {
  if (args.empty() || args[0] != '=') return {};
  return args.substr(1);
}

std::vector<std::string> SplitArgs(std::string_view text) {
  std::vector<std::string> fields;
  if (TrimSpaces(text).empty()) return fields;
  std::string current;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      fields.emplace_back(TrimSpaces(current));
      current.clear();
      continue;
    }
    current += c;
  }
  fields.emplace_back(TrimSpaces(current));
  return fields;
}

std::string Unquote(std::string_view field) {
  field = TrimSpaces(field);
  if (field.size() >= 2 && field.front() == '"' && field.back() == '"')
    field = field.substr(1, field.size() - 2);
  return std::string(field);
}

std::optional<std::vector<int>> ParseIntArgs(std::string_view args) {
  if (args.empty() || args[0] != '=') return std::nullopt;
  std::vector<std::string> fields = SplitArgs(args.substr(1));
  if (fields.empty()) return std::nullopt;
  std::vector<int> values;
  for (const std::string& field : fields) {
    int value = 0;
    if (!field.empty()) {
      auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
      if (ec != std::errc() || end != field.data() + field.size()) return std::nullopt;
    }
    values.push_back(value);
  }
  return values;
}

}  // namespace osprey::smsgw::emulator
