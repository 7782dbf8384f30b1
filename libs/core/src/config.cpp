#include "osprey/core/config.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <toml++/toml.h>

extern char** environ;

namespace osprey::config {
namespace {

std::string TypeName(Type t) {
  switch (t) {
    case Type::kString: return "string";
    case Type::kInt: return "integer";
    case Type::kBool: return "boolean";
    case Type::kDouble: return "float";
  }
  return "string";
}

Error Invalid(const std::string& source, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, fmt::format("{}: {}", source, what));
}

// Converts the text form (defaults, environment) to a typed value.
std::optional<Value> FromText(Type type, const std::string& text) {
  try {
    switch (type) {
      case Type::kString: return Value(text);
      case Type::kInt: {
        std::size_t used = 0;
        long long v = std::stoll(text, &used, 10);
        if (used != text.size()) return std::nullopt;
        return Value(static_cast<std::int64_t>(v));
      }
      case Type::kBool:
        if (text == "true" || text == "1") return Value(true);
        if (text == "false" || text == "0") return Value(false);
        return std::nullopt;
      case Type::kDouble: {
        std::size_t used = 0;
        double v = std::stod(text, &used);
        if (used != text.size()) return std::nullopt;
        return Value(v);
      }
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::optional<Value> FromToml(Type type, const toml::node& node) {
  switch (type) {
    case Type::kString:
      if (auto v = node.value<std::string>(); v && node.is_string()) return Value(*v);
      return std::nullopt;
    case Type::kInt:
      if (node.is_integer()) return Value(static_cast<std::int64_t>(*node.value<int64_t>()));
      return std::nullopt;
    case Type::kBool:
      if (node.is_boolean()) return Value(*node.value<bool>());
      return std::nullopt;
    case Type::kDouble:
      if (node.is_floating_point() || node.is_integer()) return Value(*node.value<double>());
      return std::nullopt;
  }
  return std::nullopt;
}

std::string TomlLiteral(const Option& o) {
  return o.type == Type::kString ? TomlString(o.default_value) : o.default_value;
}

}  // namespace

Schema& Schema::Add(Option option) {
  if (Find(option.key) != nullptr) throw std::logic_error("duplicate config key " + option.key);
  if (option.key.find('.') == std::string::npos)
    throw std::logic_error("config key needs a section: " + option.key);
  if (!FromText(option.type, option.default_value))
    throw std::logic_error("bad default for config key " + option.key);
  options_.push_back(std::move(option));
  return *this;
}

const Option* Schema::Find(const std::string& key) const {
  for (const auto& o : options_)
    if (o.key == key) return &o;
  return nullptr;
}

std::string Schema::EnvName(const std::string& key) {
  std::string name = "OSPREY_";
  for (char c : key)
    name += (c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

Result<Config> Config::Parse(const Schema& schema, const std::string& text, const std::string& source,
                             const std::map<std::string, std::string>& env) {
  Config cfg;
  cfg.source_ = source;
  for (const auto& o : schema.options()) cfg.values_[o.key] = *FromText(o.type, o.default_value);

  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Invalid(source, fmt::format("line {}: {}", e.source().begin.line, e.description()));
  }
  for (const auto& [section_key, section_node] : root) {
    std::string section(section_key.str());
    const toml::table* table = section_node.as_table();
    if (table == nullptr)
      return Invalid(source, fmt::format("unknown key '{}' (options live in sections)", section));
    for (const auto& [k, node] : *table) {
      std::string key = section + "." + std::string(k.str());
      const Option* o = schema.Find(key);
      if (o == nullptr) return Invalid(source, fmt::format("unknown key '{}'", key));
      auto v = FromToml(o->type, node);
      if (!v) return Invalid(source, fmt::format("key '{}' must be a {}", key, TypeName(o->type)));
      cfg.values_[key] = *v;
      cfg.set_[key] = true;
    }
  }
  for (const auto& o : schema.options()) {
    auto it = env.find(Schema::EnvName(o.key));
    if (it == env.end()) continue;
    auto v = FromText(o.type, it->second);
    if (!v) return Invalid(it->first, fmt::format("value for '{}' must be a {}", o.key, TypeName(o.type)));
    cfg.values_[o.key] = *v;
    cfg.set_[o.key] = true;
  }
  return cfg;
}

Result<Config> Config::Load(const Schema& schema, const std::string& path,
                            const std::map<std::string, std::string>& env) {
  std::ifstream in(path);
  if (!in) return Error(ErrorCode::kNotFound, fmt::format("cannot read config file {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  auto cfg = Parse(schema, ss.str(), path, env);
  if (!cfg.ok()) return cfg;
  std::error_code ec;
  auto dir = std::filesystem::absolute(std::filesystem::path(path), ec).parent_path();
  cfg->base_dir_ = dir.string();
  return cfg;
}

const Value& Config::Get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("config key not in schema: " + key);
  return it->second;
}

const std::string& Config::GetString(const std::string& key) const { return std::get<std::string>(Get(key)); }
std::int64_t Config::GetInt(const std::string& key) const { return std::get<std::int64_t>(Get(key)); }
bool Config::GetBool(const std::string& key) const { return std::get<bool>(Get(key)); }
double Config::GetDouble(const std::string& key) const { return std::get<double>(Get(key)); }
bool Config::IsSet(const std::string& key) const { return set_.count(key) != 0; }

std::string Config::GetPath(const std::string& key) const {
  const std::string& p = GetString(key);
  if (p.empty() || std::filesystem::path(p).is_absolute() || base_dir_.empty()) return p;
  return (std::filesystem::path(base_dir_) / p).lexically_normal().string();
}

std::string TomlString(const std::string& text) {
  std::ostringstream os;
  os << toml::value<std::string>(text);
  return os.str();
}

std::map<std::string, std::string> OspreyEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos || kv.substr(0, 7) != "OSPREY_") continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

std::string RenderCommentedToml(const Schema& schema, const std::map<std::string, std::string>& values) {
  std::string out;
  std::string section;
  for (const auto& o : schema.options()) {
    std::string sec = o.key.substr(0, o.key.find('.'));
    std::string name = o.key.substr(o.key.find('.') + 1);
    if (sec != section) {
      out += fmt::format("{}[{}]\n", section.empty() ? "" : "\n", sec);
      section = sec;
    }
    out += fmt::format("# {} (env {})\n", o.description, Schema::EnvName(o.key));
    auto it = values.find(o.key);
    if (it != values.end()) {
      out += fmt::format("{} = {}\n", name, it->second);
    } else {
      out += fmt::format("# {} = {}\n", name, TomlLiteral(o));
    }
  }
  return out;
}

std::string RenderMarkdown(const Schema& schema) {
  std::string out = "| key | environment | type | default | description |\n|---|---|---|---|---|\n";
  for (const auto& o : schema.options()) {
    std::string def = o.default_value.empty() ? "(empty)" : "`" + o.default_value + "`";
    out += fmt::format("| `{}` | `{}` | {} | {} | {} |\n", o.key, Schema::EnvName(o.key), TypeName(o.type),
                       def, o.description);
  }
  return out;
}

}  // namespace osprey::config
