#include "cli/settings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

namespace osprey::cli {
namespace {

using config::Type;

// "a, b,c" -> {"a","b","c"}; empty input -> {}.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

config::Schema BuildSchema() {
  config::Schema s;
  s.Add({"database.url", Type::kString, "sqlite://osprey.db",
         "Database URL: sqlite://<path> (relative to this file), sqlite:///<absolute path> or "
         "postgresql://user:pass@host:port/db"})
      .Add({"database.pool_size", Type::kInt, "8", "Connections in the pool"})
      .Add(
          {"database.sqlite_cache_kib", Type::kInt, "512",
           "SQLite page cache per pooled connection, in KiB (dropped at each read after another connection's "
           "commit)"})
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
            "Threads running request handlers; 0 = 4 x number of cores, at least 32"})
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
        .Add({name + ".tls_private_key", Type::kString, "", "PEM private key for HTTPS"})
        .Add({name + ".worker_threads", Type::kInt, name == "mfa" ? "16" : "0",
              "Threads running this service's request handlers, a pool of its own; 0 = share the "
              "http.worker_threads pool"});
  }
  s.Add({"gateway.modem_driver", Type::kString, "loopback",
         "Without [[gateway.modem]] entries: driver type of modems 1..modem_count (loopback: in-memory, for "
         "trials and tests; gammu: a libgammu worker process)"})
      .Add({"gateway.modem_count", Type::kInt, "1",
            "Without [[gateway.modem]] entries: modems numbered 1..N; 0 = accept and store messages but send "
            "none"})
      .Add({"gateway.modem_options", Type::kString, "",
            "Without [[gateway.modem]] entries: driver parameters as key=value,key=value (loopback: "
            "delay_ms, report_after_ms, report_status, record_file)"})
      .Add({"gateway.modem_failover_s", Type::kInt, "60",
            "A modem out of service this long hands its part-sent messages to other modems, which resend "
            "them whole"})
      .Add({"gateway.max_parts", Type::kInt, "10",
            "Longest text in SMS parts; longer gets 400 Message is too long."})
      .Add(
          {"gateway.delivery_reports", Type::kBool, "true", "Ask the network for a delivery report per part"})
      .Add({"gateway.max_retries", Type::kInt, "3",
            "Transient modem failures tolerated per message; one more makes it SendingError"})
      .Add({"gateway.retry_backoff", Type::kString, "30,120,600",
            "Seconds before the 1st, 2nd, ... retry (the last value repeats)"})
      .Add({"gateway.ambiguous_policy", Type::kString, "resend",
            "A part that may or may not have reached the network when a sender died: resend (at least once) "
            "or unknown (mark it Error)"})
      .Add({"gateway.lease_ms", Type::kInt, "60000",
            "How long a claimed message stays with a crashed sender before another may take it"})
      .Add({"gateway.rate_limit", Type::kDouble, "0",
            "API requests per second per gateway user (APIv2 and APIv1); 0 = unlimited; over it: 429"})
      .Add({"gateway.rate_limit_burst", Type::kInt, "20", "Requests a gateway user may make at once"})
      .Add({"gateway.group_commit", Type::kBool, "true",
            "Commit concurrent send requests in one transaction (each still waits for its commit)"})
      .Add(
          {"gateway.group_commit_delay_us", Type::kInt, "200",
           "Under load, how long a group commit waits for more requests to join it (microseconds); 0 = none"})
      .Add({"gateway.auth_cache_ms", Type::kInt, "1000",
            "How long an API token's user and permissions are reused before they are read again; a revoke "
            "or permission change acts within this time; 0 = read on every request"})
      .Add({"gateway.callback_url", Type::kString, "",
            "URL told about every received SMS (SMSEagle callback: sender, timestamp, text, msgid, apikey, "
            "modem_no, oid); empty = none"})
      .Add({"gateway.callback_method", Type::kString, "POST",
            "GET (query string) or POST (form) for gateway.callback_url"})
      .Add({"gateway.callback_apikey", Type::kString, "", "Sent as apikey to gateway.callback_url when set",
            true})
      .Add({"gateway.callback_retry_interval_s", Type::kInt, "120",
            "Seconds between attempts of a callback or webhook that got no HTTP 200 (given up after 24 h)"})
      .Add({"gateway.callback_verify_tls", Type::kBool, "true",
            "Verify the TLS certificate of callback and webhook receivers (false for self-signed ones)"})
      .Add({"gateway.webhook_url", Type::kString, "",
            "URL that gets Osprey's JSON webhook (POST, event sms.received) for every received SMS; empty = "
            "none"});
  s.Add(
       {"mfa.audit_max_age_days", Type::kInt, "0",
        "Audit entries older than this many days are deleted (in batches, keeping the chain verifiable); 0 = "
        "kept"})
      .Add({"mfa.audit_max_rows", Type::kInt, "0",
            "At most this many audit entries are kept, the oldest deleted first; 0 = no limit"})
      .Add({"mfa.audit_rotate_interval_s", Type::kInt, "3600",
            "How often the server applies the audit retention (also: osprey audit rotate)"})
      .Add(
          {"mfa.audit_rotate_batch", Type::kInt, "10000", "Audit rows deleted per transaction when rotating"})
      .Add({"mfa.group_commit", Type::kBool, "true",
            "Commit the counter updates and audit entries of concurrent validations in one transaction (each "
            "request still waits for its commit)"})
      .Add({"mfa.group_commit_delay_us", Type::kInt, "200",
            "Under load, how long a validation group commit waits for more requests to join it "
            "(microseconds); 0 = none"})
      .Add({"mfa.sms_script_dir", Type::kString, "/etc/osprey/scripts",
            "Directory of the executables ScriptSMSProvider gateways may run (option script names one)"});
  s.AddTableArray(
      {"gateway.modem",
       "One GSM modem driven by a libgammu worker process; when present, these entries replace "
       "gateway.modem_driver/modem_count/modem_options",
       {{"number", Type::kInt, "0", "Modem number 1..8 (modem_no in the API); required, unique"},
        {"driver", Type::kString, "gammu", "gammu (libgammu worker process) or loopback (in-memory)"},
        {"device", Type::kString, "", "Serial device, e.g. /dev/ttyUSB0 or the emulator's /dev/pts/N"},
        {"connection", Type::kString, "at", "libgammu connection: at, at115200, at19200, ..."},
        {"model", Type::kString, "at", "libgammu model; at for AT modems, empty = autodetect (slower)"},
        {"pin", Type::kString, "", "SIM PIN, entered when the SIM asks for it", true},
        {"smsc", Type::kString, "", "SMSC number; empty = the one stored on the SIM"},
        {"rate_limit", Type::kInt, "0", "SMS parts per minute through this modem; 0 = unlimited"},
        {"enabled", Type::kBool, "true", "false starts the modem disabled (PUT /modem/status enables it)"},
        {"reset_command", Type::kString, "",
         "Shell command run after repeated failures to start or reach the modem (e.g. a USB power cycle)"},
        {"options", Type::kString, "",
         "More driver parameters as key=value,key=value (gammu: heartbeat_ms, poll_ms, submit_timeout_ms; "
         "loopback: as gateway.modem_options)"}}});
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
  out.listener.worker_threads =
      static_cast<std::size_t>(std::max<std::int64_t>(0, cfg.GetInt(name + ".worker_threads")));
  return out;
}

// "k=v,k=v" into `params`; *_file values resolve against the config directory, like every other path.
Status ParseDriverOptions(const std::string& text, const std::string& base_dir,
                          std::map<std::string, std::string>& params) {
  for (const std::string& item : SplitList(text)) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      return Error(ErrorCode::kInvalidArgument, "items must be key=value");
    std::string value = item.substr(eq + 1);
    std::string key = item.substr(0, eq);
    if (key.size() > 5 && key.ends_with("_file") && !value.empty()) {
      value = (std::filesystem::path(base_dir) / value).lexically_normal().string();
    }
    params[key] = value;
  }
  return Status();
}

Result<ModemSettings> ReadModemEntry(const config::TableEntry& e, const std::string& base_dir) {
  const auto bad = [&](const std::string& field, const std::string& why) {
    return Error(ErrorCode::kInvalidArgument, fmt::format("{}: {} {}", e.name(), field, why));
  };
  ModemSettings m;
  const std::int64_t number = e.GetInt("number");
  if (number < 1 || number > 8) return bad("number", "must be 1..8");
  m.number = static_cast<int>(number);
  m.driver = e.GetString("driver");
  if (Status st = ParseDriverOptions(e.GetString("options"), base_dir, m.params); !st.ok())
    return bad("options", st.error().message());
  if (m.driver == "gammu") {
    if (e.GetString("device").empty()) return bad("device", "is required for the gammu driver");
    m.params["device"] = e.GetPath("device");
    m.params["connection"] = e.GetString("connection");
    m.params["model"] = e.GetString("model");
    if (!e.GetString("pin").empty()) m.params["pin"] = e.GetString("pin");
    if (!e.GetString("smsc").empty()) m.params["smsc"] = e.GetString("smsc");
    if (!e.GetString("reset_command").empty()) m.params["reset_command"] = e.GetString("reset_command");
  }
  const std::int64_t rate = e.GetInt("rate_limit");
  if (rate < 0) return bad("rate_limit", "must not be negative");
  m.parts_per_minute = static_cast<double>(rate);
  m.enabled = e.GetBool("enabled");
  return m;
}

Result<GatewaySettings> ReadGateway(const config::Config& cfg) {
  GatewaySettings g;
  const auto bad = [&](const std::string& key, const std::string& why) {
    return Error(ErrorCode::kInvalidArgument, fmt::format("{}: {} {}", cfg.source(), key, why));
  };
  const auto& entries = cfg.Tables("gateway.modem");
  if (!entries.empty()) {
    for (const char* legacy : {"gateway.modem_driver", "gateway.modem_count", "gateway.modem_options"}) {
      if (cfg.IsSet(legacy)) return bad(legacy, "cannot be combined with [[gateway.modem]] entries");
    }
  }
  for (const config::TableEntry& e : entries) {
    auto modem = ReadModemEntry(e, cfg.base_dir());
    if (!modem.ok()) return Error(ErrorCode::kInvalidArgument, cfg.source() + ": " + modem.error().message());
    for (const ModemSettings& other : g.modems) {
      if (other.number == modem->number) return bad(e.name() + " number", "is used by another modem");
    }
    g.modems.push_back(std::move(*modem));
  }
  if (entries.empty()) {
    const std::int64_t count = cfg.GetInt("gateway.modem_count");
    if (count < 0 || count > 8) return bad("gateway.modem_count", "must be 0..8");
    std::map<std::string, std::string> params;
    if (Status st = ParseDriverOptions(cfg.GetString("gateway.modem_options"), cfg.base_dir(), params);
        !st.ok())
      return bad("gateway.modem_options", st.error().message());
    for (int n = 1; n <= count; ++n)
      g.modems.push_back({n, cfg.GetString("gateway.modem_driver"), params, 0, true});
  }
  std::sort(g.modems.begin(), g.modems.end(),
            [](const auto& a, const auto& b) { return a.number < b.number; });
  const std::int64_t failover = cfg.GetInt("gateway.modem_failover_s");
  if (failover < 0) return bad("gateway.modem_failover_s", "must not be negative");
  g.failover_after = std::chrono::seconds(failover);
  const std::int64_t max_parts = cfg.GetInt("gateway.max_parts");
  if (max_parts < 1 || max_parts > 255) return bad("gateway.max_parts", "must be 1..255");
  g.max_parts = static_cast<std::size_t>(max_parts);
  g.delivery_reports = cfg.GetBool("gateway.delivery_reports");
  const std::int64_t retries = cfg.GetInt("gateway.max_retries");
  if (retries < 0) return bad("gateway.max_retries", "must not be negative");
  g.max_retries = static_cast<int>(retries);
  g.retry_backoff.clear();
  for (const std::string& item : SplitList(cfg.GetString("gateway.retry_backoff"))) {
    if (item.empty() || item.size() > 9 || item.find_first_not_of("0123456789") != std::string::npos) {
      return bad("gateway.retry_backoff", "must be a comma-separated list of seconds");
    }
    g.retry_backoff.emplace_back(std::stoll(item));
  }
  if (g.retry_backoff.empty()) return bad("gateway.retry_backoff", "needs at least one value");
  const std::string policy = cfg.GetString("gateway.ambiguous_policy");
  if (policy != "resend" && policy != "unknown")
    return bad("gateway.ambiguous_policy", "must be resend or unknown");
  g.resend_ambiguous = policy == "resend";
  const std::int64_t lease = cfg.GetInt("gateway.lease_ms");
  if (lease < 1000) return bad("gateway.lease_ms", "must be at least 1000");
  g.lease = std::chrono::milliseconds(lease);
  g.rate_limit = cfg.GetDouble("gateway.rate_limit");
  if (g.rate_limit < 0) return bad("gateway.rate_limit", "must not be negative");
  const std::int64_t burst = cfg.GetInt("gateway.rate_limit_burst");
  if (burst < 1) return bad("gateway.rate_limit_burst", "must be at least 1");
  g.rate_limit_burst = static_cast<int>(burst);
  g.group_commit = cfg.GetBool("gateway.group_commit");
  const std::int64_t delay = cfg.GetInt("gateway.group_commit_delay_us");
  if (delay < 0 || delay > 100000) return bad("gateway.group_commit_delay_us", "must be 0..100000");
  g.group_commit_delay = std::chrono::microseconds(delay);
  const std::int64_t auth_cache = cfg.GetInt("gateway.auth_cache_ms");
  if (auth_cache < 0 || auth_cache > 60000) return bad("gateway.auth_cache_ms", "must be 0..60000");
  g.auth_cache = std::chrono::milliseconds(auth_cache);
  g.callback_url = cfg.GetString("gateway.callback_url");
  g.callback_method = cfg.GetString("gateway.callback_method");
  for (char& c : g.callback_method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (g.callback_method != "GET" && g.callback_method != "POST")
    return bad("gateway.callback_method", "must be GET or POST");
  g.callback_apikey = std::make_shared<const Secret>(cfg.GetString("gateway.callback_apikey"));
  const std::int64_t retry = cfg.GetInt("gateway.callback_retry_interval_s");
  if (retry < 1 || retry > 86400) return bad("gateway.callback_retry_interval_s", "must be 1..86400");
  g.callback_retry_interval = std::chrono::seconds(retry);
  g.callback_verify_tls = cfg.GetBool("gateway.callback_verify_tls");
  g.webhook_url = cfg.GetString("gateway.webhook_url");
  return g;
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

static Result<MfaSettings> ReadMfa(const config::Config& cfg) {
  auto bad = [](const char* key, const char* what) {
    return Error(ErrorCode::kInvalidArgument, std::string(key) + ": " + what);
  };
  MfaSettings m;
  m.audit_max_age_days = cfg.GetInt("mfa.audit_max_age_days");
  if (m.audit_max_age_days < 0) return bad("mfa.audit_max_age_days", "must be 0 or more");
  m.audit_max_rows = cfg.GetInt("mfa.audit_max_rows");
  if (m.audit_max_rows < 0) return bad("mfa.audit_max_rows", "must be 0 or more");
  const std::int64_t interval = cfg.GetInt("mfa.audit_rotate_interval_s");
  if (interval < 1) return bad("mfa.audit_rotate_interval_s", "must be 1 or more");
  m.audit_rotate_interval = std::chrono::seconds(interval);
  m.audit_rotate_batch = cfg.GetInt("mfa.audit_rotate_batch");
  if (m.audit_rotate_batch < 1) return bad("mfa.audit_rotate_batch", "must be 1 or more");
  m.group_commit = cfg.GetBool("mfa.group_commit");
  const std::int64_t delay = cfg.GetInt("mfa.group_commit_delay_us");
  if (delay < 0 || delay > 100000) return bad("mfa.group_commit_delay_us", "must be 0..100000");
  m.group_commit_delay = std::chrono::microseconds(delay);
  m.sms_script_dir = cfg.GetString("mfa.sms_script_dir");
  return m;
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
  s.database.sqlite_cache_kib =
      static_cast<int>(std::clamp<std::int64_t>(cfg.GetInt("database.sqlite_cache_kib"), 1, 1 << 30));
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
  auto gateway = ReadGateway(cfg);
  if (!gateway.ok()) return gateway.error();
  s.gateway_options = std::move(*gateway);
  auto mfa_options = ReadMfa(cfg);
  if (!mfa_options.ok()) return mfa_options.error();
  s.mfa_options = *mfa_options;
  return s;
}

}  // namespace osprey::cli
