#include "osprey/core/config.hpp"

#include <algorithm>

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

const Option* FindField(const TableArray& array, std::string_view field) {
  for (const auto& f : array.fields)
    if (f.key == field) return &f;
  return nullptr;
}

}  // namespace

Schema& Schema::Add(Option option) {
  if (Find(option.key) != nullptr || FindTableArray(option.key) != nullptr)
    throw std::logic_error("duplicate config key " + option.key);
  if (option.key.find('.') == std::string::npos)
    throw std::logic_error("config key needs a section: " + option.key);
  if (!FromText(option.type, option.default_value))
    throw std::logic_error("bad default for config key " + option.key);
  options_.push_back(std::move(option));
  return *this;
}

Schema& Schema::AddTableArray(TableArray array) {
  if (Find(array.key) != nullptr || FindTableArray(array.key) != nullptr)
    throw std::logic_error("duplicate config key " + array.key);
  if (array.key.find('.') == std::string::npos)
    throw std::logic_error("config table array needs a section: " + array.key);
  for (const Option& f : array.fields) {
    if (f.key.find('.') != std::string::npos || !FromText(f.type, f.default_value))
      throw std::logic_error("bad field " + f.key + " in config table array " + array.key);
  }
  table_arrays_.push_back(std::move(array));
  return *this;
}

const TableArray* Schema::FindTableArray(const std::string& key) const {
  for (const auto& a : table_arrays_)
    if (a.key == key) return &a;
  return nullptr;
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

struct TableEntryBuilder {
  static Result<std::vector<TableEntry>> Parse(const TableArray& array, const toml::node& node,
                                               const std::string& source_);
};

Result<Config> Config::Parse(const Schema& schema, const std::string& text, const std::string& source,
                             const std::map<std::string, std::string>& env) {
  Config cfg;
  cfg.source_ = source;
  for (const auto& o : schema.options()) cfg.values_[o.key] = *FromText(o.type, o.default_value);
  for (const auto& a : schema.table_arrays()) cfg.tables_[a.key];

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
      if (const TableArray* array = schema.FindTableArray(key)) {
        auto entries = TableEntryBuilder::Parse(*array, node, source);
        if (!entries.ok()) return entries.error();
        cfg.tables_[key] = std::move(*entries);
        continue;
      }
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

Result<std::vector<TableEntry>> TableEntryBuilder::Parse(const TableArray& array, const toml::node& node,
                                                         const std::string& source_) {
  const toml::array* items = node.as_array();
  if (items == nullptr) {
    return Invalid(source_, fmt::format("'{}' must be an array of tables ([[{}]])", array.key, array.key));
  }
  std::vector<TableEntry> out;
  for (const toml::node& item : *items) {
    TableEntry entry;
    entry.name_ = fmt::format("{}[{}]", array.key, out.size() + 1);
    const toml::table* table = item.as_table();
    if (table == nullptr) return Invalid(source_, fmt::format("'{}' must be a table", entry.name_));
    for (const auto& f : array.fields) entry.values_[f.key] = *FromText(f.type, f.default_value);
    for (const auto& [k, value] : *table) {
      const Option* f = FindField(array, k.str());
      if (f == nullptr) return Invalid(source_, fmt::format("unknown key '{}' in {}", k.str(), entry.name_));
      auto v = FromToml(f->type, value);
      if (!v) {
        return Invalid(source_,
                       fmt::format("key '{}' in {} must be a {}", f->key, entry.name_, TypeName(f->type)));
      }
      entry.values_[f->key] = *v;
      entry.set_[f->key] = true;
    }
    out.push_back(std::move(entry));
  }
  return out;
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
  for (auto& [key, entries] : cfg->tables_)
    for (auto& entry : entries) entry.base_dir_ = cfg->base_dir_;
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

namespace {
std::string ResolvePath(const std::string& p, const std::string& base_dir) {
  if (p.empty() || std::filesystem::path(p).is_absolute() || base_dir.empty()) return p;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}
}  // namespace

std::string Config::GetPath(const std::string& key) const { return ResolvePath(GetString(key), base_dir_); }

const std::vector<TableEntry>& Config::Tables(const std::string& key) const {
  auto it = tables_.find(key);
  if (it == tables_.end()) throw std::logic_error("config table array not in schema: " + key);
  return it->second;
}

const Value& TableEntry::Get(const std::string& field) const {
  auto it = values_.find(field);
  if (it == values_.end()) throw std::logic_error("config field not in schema: " + field);
  return it->second;
}

const std::string& TableEntry::GetString(const std::string& f) const { return std::get<std::string>(Get(f)); }
std::int64_t TableEntry::GetInt(const std::string& f) const { return std::get<std::int64_t>(Get(f)); }
bool TableEntry::GetBool(const std::string& f) const { return std::get<bool>(Get(f)); }
double TableEntry::GetDouble(const std::string& f) const { return std::get<double>(Get(f)); }
std::string TableEntry::GetPath(const std::string& f) const { return ResolvePath(GetString(f), base_dir_); }

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
  // One [section] block per section, in the order sections first appear: options of one section may be
  // declared apart (TOML refuses a table header that appears twice).
  std::vector<std::string> sections;
  for (const auto& o : schema.options()) {
    std::string sec = o.key.substr(0, o.key.find('.'));
    if (std::find(sections.begin(), sections.end(), sec) == sections.end()) sections.push_back(sec);
  }
  std::string out;
  for (const std::string& sec : sections) {
    out += fmt::format("{}[{}]\n", out.empty() ? "" : "\n", sec);
    for (const auto& o : schema.options()) {
      if (o.key.substr(0, o.key.find('.')) != sec) continue;
      std::string name = o.key.substr(o.key.find('.') + 1);
      out += fmt::format("# {} (env {})\n", o.description, Schema::EnvName(o.key));
      auto it = values.find(o.key);
      if (it != values.end()) {
        out += fmt::format("{} = {}\n", name, it->second);
      } else {
        out += fmt::format("# {} = {}\n", name, TomlLiteral(o));
      }
    }
  }
  for (const auto& a : schema.table_arrays()) {
    out += fmt::format("\n# {} (repeat the block once per entry)\n# [[{}]]\n", a.description, a.key);
    for (const auto& f : a.fields) {
      out += fmt::format("# {} = {}    # {}\n", f.key, TomlLiteral(f), f.description);
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
  for (const auto& a : schema.table_arrays()) {
    out += fmt::format("\n`[[{}]]`: {} (one block per entry; no environment overrides)\n\n", a.key,
                       a.description);
    out += "| field | type | default | description |\n|---|---|---|---|\n";
    for (const auto& f : a.fields) {
      std::string def = f.default_value.empty() ? "(empty)" : "`" + f.default_value + "`";
      out += fmt::format("| `{}` | {} | {} | {} |\n", f.key, TypeName(f.type), def, f.description);
    }
  }
  return out;
}

}  // namespace osprey::config
