#include "cli/settings.hpp"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

namespace osprey::cli {
namespace {

using config::Type;

config::Schema BuildSchema() {
  config::Schema s;
  s.Add({"database.url", Type::kString, "sqlite://osprey.db",
         "Database URL: sqlite://<path> (relative to this file), sqlite:///<absolute path> or "
         "postgresql://user:pass@host:port/db"})
      .Add({"database.pool_size", Type::kInt, "8", "Connections in the pool"})
      .Add({"database.sqlite_synchronous", Type::kString, "NORMAL",
            "SQLite PRAGMA synchronous: NORMAL survives a process crash, FULL also survives power loss"})
      .Add({"database.busy_timeout_ms", Type::kInt, "5000", "SQLite busy timeout in milliseconds"})
      .Add({"keys.master_key_file", Type::kString, "keys/master.key",
            "Key file for sealing stored secrets (AES-256-GCM); mode 0600"})
      .Add({"keys.hash_key_file", Type::kString, "keys/hash.key",
            "Key file for keyed hashes of PINs and API tokens (HMAC-SHA256); mode 0600"})
      .Add({"log.level", Type::kString, "info", "trace, debug, info, warn, error, critical or off"})
      .Add({"log.format", Type::kString, "text", "text (human-readable) or json (one JSON object per line)"})
      .Add({"log.file", Type::kString, "", "Log file (relative to this file); empty logs to standard error"})
      .Add({"log.access_log", Type::kBool, "true", "One line per HTTP request (never with query or body)"})
      .Add({"http.io_threads", Type::kInt, "0", "Threads doing network I/O; 0 = number of cores"})
      .Add({"http.worker_threads", Type::kInt, "0",
            "Threads running request handlers; 0 = 4 x number of cores"})
      .Add({"http.body_limit", Type::kInt, "1048576", "Largest request body in bytes; larger gets 413"})
      .Add({"http.header_timeout_ms", Type::kInt, "10000", "Time a client has to send the request headers"})
      .Add({"http.body_timeout_ms", Type::kInt, "30000", "Time a client has to send the request body"})
      .Add({"http.idle_timeout_ms", Type::kInt, "60000", "Keep-alive connections idle longer are closed"})
      .Add(
          {"http.shutdown_grace_ms", Type::kInt, "5000", "On SIGTERM, time in-flight requests get to finish"})
      .Add({"http.max_connections", Type::kInt, "10000", "Open connections per process; more are refused"});
  for (const char* svc : {"mfa", "gateway"}) {
    std::string name = svc;
    std::string port = name == "mfa" ? "5000" : "8080";
    std::string what = name == "mfa" ? "MFA server (privacyIDEA API)" : "SMS gateway (SMSEagle API)";
    s.Add({name + ".enabled", Type::kBool, "true", "Run the " + what})
        .Add({name + ".listen", Type::kString, "127.0.0.1:" + port,
              "Listen address of the " + what + ": host:port, [v6]:port or :port"})
        .Add({name + ".tls_certificate", Type::kString, "",
              "PEM certificate chain; set with tls_private_key for HTTPS"})
        .Add({name + ".tls_private_key", Type::kString, "", "PEM private key for HTTPS"});
  }
  return s;
}

Result<ServiceSettings> ReadService(const config::Config& cfg, const std::string& name) {
  ServiceSettings out;
  out.enabled = cfg.GetBool(name + ".enabled");
  auto listen = ParseListen(name + ".listen", cfg.GetString(name + ".listen"));
  if (!listen.ok()) return listen.error();
  out.listener = *listen;
  std::string cert = cfg.GetPath(name + ".tls_certificate");
  std::string key = cfg.GetPath(name + ".tls_private_key");
  if (cert.empty() != key.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{0}: set both {1}.tls_certificate and {1}.tls_private_key, or neither",
                             cfg.source(), name));
  }
  if (!cert.empty()) out.listener.tls = http::TlsOptions{cert, key};
  return out;
}

std::string ResolveDatabaseUrl(const config::Config& cfg) {
  std::string url = cfg.GetString("database.url");
  const std::string prefix = "sqlite://";
  if (url.rfind(prefix, 0) != 0 || url.rfind("sqlite:///", 0) == 0 || url == "sqlite::memory:") return url;
  auto path = std::filesystem::path(cfg.base_dir()) / url.substr(prefix.size());
  return "sqlite://" + path.lexically_normal().string();  // absolute path → sqlite:///...
}

}  // namespace

const config::Schema& OspreySchema() {
  static const config::Schema schema = BuildSchema();
  return schema;
}

std::string DefaultConfigPath() {
  const char* env = std::getenv("OSPREY_CONFIG");
  return env != nullptr && *env != '\0' ? env : "osprey-data/osprey.toml";
}

Result<http::ListenerOptions> ParseListen(const std::string& key, const std::string& value) {
  auto bad = [&] {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{}: '{}' is not host:port, [v6]:port or :port", key, value));
  };
  auto colon = value.rfind(':');
  if (colon == std::string::npos) return bad();
  std::string host = value.substr(0, colon);
  std::string port = value.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "::";
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return bad();
  int p = std::stoi(port);
  if (p > 65535) return bad();
  http::ListenerOptions out;
  out.address = host;
  out.port = static_cast<std::uint16_t>(p);
  return out;
}

Result<Settings> LoadSettings(const std::string& path) {
  auto loaded = config::Config::Load(OspreySchema(), path, config::OspreyEnvironment());
  if (!loaded.ok()) return loaded.error();
  const config::Config& cfg = *loaded;
  Settings s;
  s.config_path = path;
  s.database_url = ResolveDatabaseUrl(cfg);
  s.database.pool_size =
      static_cast<std::size_t>(std::max<std::int64_t>(1, cfg.GetInt("database.pool_size")));
  s.database.sqlite_synchronous = cfg.GetString("database.sqlite_synchronous");
  s.database.sqlite_busy_timeout = std::chrono::milliseconds(cfg.GetInt("database.busy_timeout_ms"));
  s.master_key_file = cfg.GetPath("keys.master_key_file");
  s.hash_key_file = cfg.GetPath("keys.hash_key_file");
  s.log = {cfg.GetString("log.level"), cfg.GetString("log.format"), cfg.GetPath("log.file"),
           cfg.GetBool("log.access_log")};
  auto ms = [&](const char* key) { return std::chrono::milliseconds(cfg.GetInt(key)); };
  s.http.io_threads = static_cast<std::size_t>(std::max<std::int64_t>(0, cfg.GetInt("http.io_threads")));
  s.http.worker_threads =
      static_cast<std::size_t>(std::max<std::int64_t>(0, cfg.GetInt("http.worker_threads")));
  s.http.body_limit = static_cast<std::size_t>(std::max<std::int64_t>(1, cfg.GetInt("http.body_limit")));
  s.http.header_timeout = ms("http.header_timeout_ms");
  s.http.body_timeout = ms("http.body_timeout_ms");
  s.http.idle_timeout = ms("http.idle_timeout_ms");
  s.http.shutdown_grace = ms("http.shutdown_grace_ms");
  s.http.max_connections =
      static_cast<std::size_t>(std::max<std::int64_t>(1, cfg.GetInt("http.max_connections")));
  s.http.access_log = s.log.access_log;
  auto mfa = ReadService(cfg, "mfa");
  if (!mfa.ok()) return mfa.error();
  s.mfa = *mfa;
  auto gw = ReadService(cfg, "gateway");
  if (!gw.ok()) return gw.error();
  s.gateway = *gw;
  return s;
}

}  // namespace osprey::cli
