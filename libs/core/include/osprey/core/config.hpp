// Configuration: one TOML file (toml++) plus OSPREY_<SECTION>_<KEY> environment overrides, validated against
// a Schema. The schema is the single source of truth for keys, types, defaults and descriptions: it drives
// validation, the commented file `osprey init` writes, and docs/configuration.md (a test keeps them in step).
//
// Thread rule: a loaded Config is immutable and may be read from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey::config {

enum class Type { kString, kInt, kBool, kDouble };

struct Option {
  std::string key;  // dotted: "database.url", "mfa.listen"; sections are one level deep
  Type type = Type::kString;
  std::string default_value;  // as it would be written in TOML (strings without quotes)
  std::string description;    // one line, for the commented file and the docs
  bool secret = false;        // never echoed in errors or `config show`
};

// An array of tables, `[[section.name]]` in TOML (e.g. one entry per modem). Each entry may set the
// `fields` (keys relative to the entry, no dots); unset fields take their defaults. Table arrays have no
// environment overrides.
struct TableArray {
  std::string key;  // dotted: "gateway.modem"
  std::string description;
  std::vector<Option> fields;
};

class Schema {
 public:
  // Throws std::logic_error on a duplicate key (a wiring bug).
  Schema& Add(Option option);
  Schema& AddTableArray(TableArray array);
  const Option* Find(const std::string& key) const;
  const TableArray* FindTableArray(const std::string& key) const;
  const std::vector<Option>& options() const { return options_; }
  const std::vector<TableArray>& table_arrays() const { return table_arrays_; }
  // Environment variable name for `key`: "database.url" -> "OSPREY_DATABASE_URL".
  static std::string EnvName(const std::string& key);

 private:
  std::vector<Option> options_;
  std::vector<TableArray> table_arrays_;
};

using Value = std::variant<std::string, std::int64_t, bool, double>;

// One entry of a table array, with every field present (defaults filled in).
class TableEntry {
 public:
  // REQUIRES: `field` is one of the array's fields with the matching type (std::logic_error otherwise).
  const std::string& GetString(const std::string& field) const;
  std::int64_t GetInt(const std::string& field) const;
  bool GetBool(const std::string& field) const;
  double GetDouble(const std::string& field) const;
  bool IsSet(const std::string& field) const { return set_.count(field) != 0; }
  // A path field made absolute against the config file's directory (empty stays empty).
  std::string GetPath(const std::string& field) const;
  // "gateway.modem[2]" (1-based), for error messages.
  const std::string& name() const { return name_; }

 private:
  friend class Config;
  friend struct TableEntryBuilder;  // config.cpp
  const Value& Get(const std::string& field) const;
  std::string name_;
  std::map<std::string, Value> values_;
  std::map<std::string, bool> set_;
  std::string base_dir_;
};

class Config {
 public:
  // Parses `text` (named `source` in messages, e.g. the file path) and applies `env` overrides.
  // Errors (kInvalidArgument), each naming the key and the source: TOML syntax errors (with line), unknown
  // keys and sections, values of the wrong type, environment values that do not parse as the key's type.
  static Result<Config> Parse(const Schema& schema, const std::string& text, const std::string& source,
                              const std::map<std::string, std::string>& env);
  // Reads `path` and parses it; relative paths in the file resolve against the file's directory.
  static Result<Config> Load(const Schema& schema, const std::string& path,
                             const std::map<std::string, std::string>& env);

  // REQUIRES: `key` is in the schema with the matching type (a mismatch is a bug and throws
  // std::logic_error).
  const std::string& GetString(const std::string& key) const;
  std::int64_t GetInt(const std::string& key) const;
  bool GetBool(const std::string& key) const;
  double GetDouble(const std::string& key) const;
  // Whether the key was set by the file or the environment (not a default).
  bool IsSet(const std::string& key) const;
  // The entries of a table array in file order; empty when the file has none. REQUIRES: `key` is a table
  // array of the schema (std::logic_error otherwise).
  const std::vector<TableEntry>& Tables(const std::string& key) const;

  // A path option made absolute against the config file's directory (empty stays empty).
  std::string GetPath(const std::string& key) const;
  const std::string& base_dir() const { return base_dir_; }
  const std::string& source() const { return source_; }

 private:
  const Value& Get(const std::string& key) const;
  std::map<std::string, Value> values_;
  std::map<std::string, bool> set_;
  std::map<std::string, std::vector<TableEntry>> tables_;  // every table array of the schema
  std::string base_dir_;
  std::string source_;
};

// The process environment as a map (only OSPREY_* variables).
std::map<std::string, std::string> OspreyEnvironment();

// A commented TOML file with every option at its default, except `values` (key -> TOML-ready literal text,
// e.g. "\"sqlite://osprey.db\"" or "true") which are written uncommented.
std::string RenderCommentedToml(const Schema& schema, const std::map<std::string, std::string>& values);

// `text` as a quoted TOML basic string (escapes included).
std::string TomlString(const std::string& text);

// A Markdown table of every option (key, environment variable, type, default, description).
std::string RenderMarkdown(const Schema& schema);

}  // namespace osprey::config
