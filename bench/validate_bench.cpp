// Closed-loop load test of POST /validate/check (issue 5 acceptance): the REAL `osprey serve` (MFA server
// only) as a child process on a fresh data directory (`osprey init`), so the RSS and CPU time read from
// /proc/<pid> are the server's alone. Set up through the API as an admin would: `osprey mfa admin add`,
// POST /auth, POST /system/setDefault DefaultMaxFailCount=1000000000, resolver res1 (sql), realm realm1,
// --users users u<i> (no password) with one HOTP token each (random 20-byte key kept here, PIN "pin<i>"), and
// for the "100k" configuration --extra-tokens more (POST /token/init genkey=1, unassigned), all over
// --setup-connections keep-alive connections. Serials are given (BENCH<i>, XTRA<i>).
//
// Load: C keep-alive connections (one epoll thread, bench_util.hpp ClosedLoopClient), connection k owns the
// users i with i mod C == k and cycles through them; each request is `user=u<i>&pass=pin<i><HOTP(key_i,
// c_i)>` and c_i advances on ACCEPT (a reply whose JSON says "authentication":"ACCEPT"). The wrong-OTP
// workload sends a 6-digit value outside the token's window (expects REJECT "wrong otp value"; maxfail is 1e9
// so the work stays the same). Each configuration gets one server and one setup; then --runs runs of --warmup
// +
// --seconds each; the median run (by rate) is reported. After each run the audit must have grown by exactly
// the number of requests answered (GET /audit/ count) and every reply must have been the expected one (else
// "errors" > 0); after the last run the server is stopped and `osprey audit verify` must pass.
//
// A plain main, not Google Benchmark (see gateway_send_bench.cpp for why).
//
//   validate_bench [--osprey PATH] [--configs sqlite-1,sqlite-8,sqlite-32,sqlite-32-wrong,sqlite-32-100k,
//                   pg-32,pg-32-wrong] [--pg URL] [--seconds 5] [--warmup 1] [--runs 3] [--users 1024]
//                  [--extra-tokens 100000] [--setup-connections 32] [--dir /tmp] [--perf SECONDS]
//
// --pg URL: a PostgreSQL maintenance URL (e.g. postgresql://u:p@host:5432/postgres); each pg configuration
// gets a fresh database (createdb/dropdb). Without --pg the pg configurations are skipped.
// --perf S: during the first run's measurement of each configuration, `perf record -F 999` the server (flat
// profile) for S seconds into <dir>/perf-<config>.data (kept), for `perf report`.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"
#include "osprey/core/otp.hpp"

#ifndef OSPREY_BINARY
#define OSPREY_BINARY "osprey"
#endif

extern char** environ;

namespace {

using namespace osprey;
using bench::ClosedLoopClient;
using bench::Die;
using bench::HttpReply;
using bench::Percentile;
using Steady = std::chrono::steady_clock;
using Env = std::map<std::string, std::string>;

constexpr const char* kAdminPassword = "bench-Admin-Pw-1";

struct Config {
  std::string osprey = OSPREY_BINARY;
  std::vector<std::string> configs{"sqlite-1",       "sqlite-8", "sqlite-32",  "sqlite-32-wrong",
                                   "sqlite-32-100k", "pg-32",    "pg-32-wrong"};
  std::string pg;
  double seconds = 5, warmup = 1;
  int runs = 3;
  int users = 1024;
  int extra_tokens = 100000;
  int setup_connections = 32;
  std::string dir = std::filesystem::temp_directory_path().string();
  double perf_seconds = 0;
};

// One configuration: "<db>-<clients>[-wrong|-100k]".
struct Workload {
  std::string name;
  bool postgres = false;
  int clients = 32;
  bool wrong_otp = false;
  bool extra_tokens = false;
};

Workload ParseWorkload(const std::string& name) {
  Workload w;
  w.name = name;
  std::stringstream in(name);
  std::string db, clients, variant;
  std::getline(in, db, '-');
  std::getline(in, clients, '-');
  std::getline(in, variant, '-');
  if (db != "sqlite" && db != "pg") Die("configuration " + name + ": database must be sqlite or pg");
  w.postgres = db == "pg";
  w.clients = std::atoi(clients.c_str());
  if (w.clients < 1) Die("configuration " + name + ": bad client count");
  if (variant == "wrong")
    w.wrong_otp = true;
  else if (variant == "100k")
    w.extra_tokens = true;
  else if (!variant.empty())
    Die("configuration " + name + ": unknown variant " + variant);
  return w;
}

// ---- child processes -------------------------------------------------------------------------------------

void ApplyEnv(const Env& env) {
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
}

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (std::string& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

// Runs argv to completion with `input` on stdin; returns the exit code (stdout+stderr into *output).
int RunChild(std::vector<std::string> args, const Env& env, const std::string& input, std::string* output) {
  int in_pipe[2], out_pipe[2];
  if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0) Die("pipe");
  auto argv = Argv(args);  // before fork: the child of a threaded process must not allocate
  const pid_t pid = ::fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(out_pipe[1], 2);
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    ApplyEnv(env);  // allocates: callers from a threaded context pass no env
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (!input.empty() && ::write(in_pipe[1], input.data(), input.size()) < 0) Die("write to child");
  ::close(in_pipe[1]);
  char chunk[4096];
  for (ssize_t n; (n = ::read(out_pipe[0], chunk, sizeof chunk)) > 0;) output->append(chunk, n);
  ::close(out_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void RunOrDie(std::vector<std::string> args, const Env& env, const std::string& input = "") {
  std::string output;
  const std::string what = args.size() > 1 ? args[0] + " " + args[1] : args[0];
  if (RunChild(std::move(args), env, input, &output) != 0) Die(what + " failed: " + output);
}

// `osprey serve` in the background, output to `log`.
pid_t SpawnServer(std::vector<std::string> args, const Env& env, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::close(fd);
    ApplyEnv(env);
    auto argv = Argv(args);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

void StopServer(pid_t pid) {
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

// A loopback port that was free a moment ago.
std::uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    Die("free port");
  ::close(fd);
  return ntohs(addr.sin_port);
}

// ---- /proc -----------------------------------------------------------------------------------------------

// A "VmHWM:"-style field of /proc/<pid>/status in kB.
long ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return 0;
}

// utime + stime of `pid` in seconds.
double ProcCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::stringstream fields(all.substr(all.rfind(')') + 2));  // field 3 (state) onwards
  std::vector<std::string> f;
  for (std::string x; fields >> x;) f.push_back(x);
  if (f.size() < 13) Die("parse /proc/<pid>/stat");
  const double ticks = static_cast<double>(std::stoull(f[11]) + std::stoull(f[12]));  // fields 14, 15
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Counters that do not depend on how fast the shared host runs the server: context switches (voluntary and
// involuntary, summed over the threads of /proc/<pid>/task) and the read-like / write-like system calls of
// /proc/<pid>/io (pread/read and pwrite/write: SQLite's page reads and WAL writes, eventfd wake-ups; socket
// recvmsg/sendmsg are not counted there).
struct ProcCounters {
  double switches = 0, reads = 0, writes = 0;
};

ProcCounters ReadProcCounters(pid_t pid) {
  ProcCounters c;
  const std::string base = "/proc/" + std::to_string(pid);
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(base + "/task", ec)) {
    std::ifstream in(task.path() / "status");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0 ||
          line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) {
        c.switches += std::atof(line.c_str() + line.find(':') + 1);
      }
    }
  }
  std::ifstream io(base + "/io");
  for (std::string line; std::getline(io, line);) {
    if (line.rfind("syscr:", 0) == 0) c.reads = std::atof(line.c_str() + 6);
    if (line.rfind("syscw:", 0) == 0) c.writes = std::atof(line.c_str() + 6);
  }
  return c;
}

// ---- HTTP ------------------------------------------------------------------------------------------------

std::string Form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + v;  // values are [A-Za-z0-9]
  return out;
}

std::string HttpRequest(const std::string& method, const std::string& path, const std::string& body,
                        const std::string& jwt) {
  std::string r =
      method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: osprey-validate-bench\r\n";
  if (!jwt.empty()) r += "PI-Authorization: " + jwt + "\r\n";
  if (method != "GET") {
    r += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n";
  }
  return r + "\r\n" + body;
}

// Sends `requests` over `connections` keep-alive connections; dies on any non-200 reply.
void SendAll(std::uint16_t port, int connections, const std::vector<std::string>& requests,
             const char* what) {
  if (requests.empty()) return;
  ClosedLoopClient client(port, std::min<int>(connections, static_cast<int>(requests.size())));
  std::size_t next = 0;
  client.Run(
      [&](std::size_t) -> std::optional<std::string> {
        if (next >= requests.size()) return std::nullopt;
        return requests[next++];
      },
      [&](std::size_t, const HttpReply& r, Steady::time_point) {
        if (r.status != 200)
          Die(std::string(what) + ": HTTP " + std::to_string(r.status) + " " + std::string(r.body));
      });
}

// One request; the JSON reply (dies unless 200).
nlohmann::json Call(std::uint16_t port, const std::string& request, const char* what) {
  ClosedLoopClient client(port, 1);
  bool sent = false;
  nlohmann::json out;
  client.Run(
      [&](std::size_t) -> std::optional<std::string> {
        if (sent) return std::nullopt;
        sent = true;
        return request;
      },
      [&](std::size_t, const HttpReply& r, Steady::time_point) {
        if (r.status != 200)
          Die(std::string(what) + ": HTTP " + std::to_string(r.status) + " " + std::string(r.body));
        out = nlohmann::json::parse(r.body);
      });
  return out;
}

bool WaitHealthy(std::uint16_t port, pid_t pid) {
  for (int i = 0; i < 400; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return false;
    const int fd = bench::ConnectLoopback(port);
    if (fd >= 0) {
      ::close(fd);
      Call(port, HttpRequest("GET", "/healthz", "", ""), "healthz");
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// ---- the server under test -------------------------------------------------------------------------------

struct Token {
  std::string user, pin, key;  // key: raw bytes
  std::uint64_t counter = 0;   // next HOTP counter the server accepts
  std::string wrong;           // a 6-digit value outside counter..counter+9 (wrong-OTP workload)
};

class Server {
 public:
  Server(const Config& c, const Workload& w) : c_(c) {
    dir_ = c.dir + "/osprey-validate-bench-XXXXXX";
    if (::mkdtemp(dir_.data()) == nullptr) Die("mkdtemp in " + c.dir);
    if (w.postgres) {
      if (c.pg.empty()) Die("pg configuration without --pg");
      database_ = "osprey_vbench_" + std::to_string(::getpid()) + "_" + std::to_string(++serial_);
      RunOrDie({"/usr/bin/createdb", "--maintenance-db=" + c.pg, database_}, {});
      env_["OSPREY_DATABASE_URL"] = c.pg.substr(0, c.pg.rfind('/') + 1) + database_;
    }
    RunOrDie({c.osprey, "init", "--dir", dir_ + "/data"}, env_);
    port_ = FreePort();
    env_["OSPREY_GATEWAY_ENABLED"] = "false";
    env_["OSPREY_MFA_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
    env_["OSPREY_LOG_LEVEL"] = "warn";
    env_["OSPREY_LOG_ACCESS_LOG"] = "false";
    RunOrDie({c.osprey, "mfa", "admin", "add", "admin", "--config", config()}, env_,
             std::string(kAdminPassword) + "\n");
    pid_ = SpawnServer({c.osprey, "serve", "--config", config()}, env_, dir_ + "/serve.log");
    if (!WaitHealthy(port_, pid_)) Die("server not healthy; see " + dir_ + "/serve.log");
  }
  ~Server() {
    if (pid_ > 0) StopServer(pid_);
    std::filesystem::remove_all(dir_);
    if (!database_.empty()) {
      std::string ignored;
      RunChild({"/usr/bin/dropdb", "--maintenance-db=" + c_.pg, database_}, {}, "", &ignored);
    }
  }

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }

  // Admin login, defaults, resolver, realm, users and their tokens (+ unassigned ones).
  std::vector<Token> Setup(int users, int extra_tokens) {
    jwt_ = Call(port_, Post("/auth", Form({{"username", "admin"}, {"password", kAdminPassword}}), ""), "auth")
               .at("result")
               .at("value")
               .at("token")
               .get<std::string>();
    Call(port_, Post("/system/setDefault", "DefaultMaxFailCount=1000000000", jwt_), "setDefault");
    Call(port_, Post("/resolver/res1", "type=sql", jwt_), "resolver");
    Call(port_, Post("/realm/realm1", "resolvers=res1", jwt_), "realm");
    std::vector<Token> tokens(static_cast<std::size_t>(users));
    std::vector<std::string> user_requests, token_requests;
    for (int i = 0; i < users; ++i) {
      Token& t = tokens[static_cast<std::size_t>(i)];
      t.user = "u" + std::to_string(i);
      t.pin = "pin" + std::to_string(i);
      t.key = crypto::RandomBytes(20);
      t.wrong = WrongOtp(t);
      user_requests.push_back(Post("/user/", Form({{"user", t.user}, {"resolver", "res1"}}), jwt_));
      token_requests.push_back(Post("/token/init",
                                    Form({{"type", "hotp"},
                                          {"serial", "BENCH" + std::to_string(i)},
                                          {"otpkey", HexEncode(t.key)},
                                          {"pin", t.pin},
                                          {"user", t.user}}),
                                    jwt_));
    }
    SendAll(port_, c_.setup_connections, user_requests, "POST /user/");
    SendAll(port_, c_.setup_connections, token_requests, "POST /token/init");
    // Explicit serials: a generated one counts the tokens of its type first (spec section 5).
    std::vector<std::string> extra;
    for (int i = 0; i < extra_tokens; ++i) {
      extra.push_back(Post("/token/init", "type=hotp&genkey=1&serial=XTRA" + std::to_string(i), jwt_));
    }
    SendAll(port_, c_.setup_connections, extra, "POST /token/init genkey=1");
    return tokens;
  }

  // GET /audit/ count (all entries).
  long AuditCount() {
    return Call(port_, HttpRequest("GET", "/audit/?pagesize=1", "", jwt_), "GET /audit/")
        .at("result")
        .at("value")
        .at("count")
        .get<long>();
  }

  // Stops the server and runs `osprey audit verify`; its exit code.
  int StopAndVerify(std::string* output) {
    StopServer(pid_);
    pid_ = -1;
    return RunChild({c_.osprey, "audit", "verify", "--config", config()}, env_, "", output);
  }

  static std::string WrongOtp(const Token& t) {
    for (int v = 0;; ++v) {
      char candidate[16];
      std::snprintf(candidate, sizeof candidate, "%06d", v);
      bool in_window = false;
      for (std::uint64_t k = 0; k < 10; ++k)
        in_window |=
            otp::Hotp(std::string_view(t.key), t.counter + k, 6, crypto::HashAlgorithm::kSha1) == candidate;
      if (!in_window) return candidate;
    }
  }

 private:
  static std::string Post(const std::string& path, const std::string& body, const std::string& jwt) {
    return HttpRequest("POST", path, body, jwt);
  }
  std::string config() const { return dir_ + "/data/osprey.toml"; }

  static inline int serial_ = 0;
  const Config& c_;
  std::string dir_, database_, jwt_;
  Env env_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// ---- one run ---------------------------------------------------------------------------------------------

struct RunResult {
  double per_s = 0;  // expected replies (ACCEPT, or REJECT "wrong otp value") per second
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::uint64_t answered = 0, errors = 0;  // all replies of the run (warm-up included) / unexpected ones
  double cpu_us_per_req = 0;               // server CPU (user + system) per measured request
  ProcCounters per_req;  // context switches and read/write system calls per measured request
  long hwm_kb = 0, rss_kb = 0;
};

std::string ValidateRequest(const Token& t, bool wrong) {
  const std::string otp =
      wrong ? t.wrong : otp::Hotp(std::string_view(t.key), t.counter, 6, crypto::HashAlgorithm::kSha1);
  return HttpRequest("POST", "/validate/check", "user=" + t.user + "&pass=" + t.pin + otp, "");
}

bool Expected(const HttpReply& r, bool wrong) {
  if (r.status != 200) return false;
  if (!wrong) return r.body.find("\"authentication\":\"ACCEPT\"") != std::string_view::npos;
  return r.body.find("\"authentication\":\"REJECT\"") != std::string_view::npos &&
         r.body.find("wrong otp value") != std::string_view::npos;
}

RunResult RunOnce(const Config& c, const Workload& w, Server& server, std::vector<Token>& tokens,
                  const std::string& perf_out) {
  const long audit_before = server.AuditCount();
  ClosedLoopClient client(server.port(), w.clients);
  const std::size_t conns = client.connections();
  std::vector<std::size_t> cursor(conns), in_flight(conns);
  for (std::size_t k = 0; k < conns; ++k) cursor[k] = k;  // connection k: users k, k + C, k + 2C, ...
  std::vector<double> latencies_us;
  RunResult r;
  bool printed_error = false;
  std::atomic<bool> stop{false};
  const auto measure_from =
      Steady::now() + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(c.warmup));

  std::thread timer([&] {
    std::this_thread::sleep_until(measure_from);
    const double cpu_start = ProcCpuSeconds(server.pid());
    const ProcCounters counters_start = ReadProcCounters(server.pid());
    std::unique_ptr<std::thread> perf;
    if (!perf_out.empty()) {
      perf = std::make_unique<std::thread>([&] {
        std::string out;
        RunChild({"/usr/bin/perf", "record", "-F", "999", "-o", perf_out, "-p", std::to_string(server.pid()),
                  "--", "sleep", std::to_string(std::min(c.perf_seconds, c.seconds))},
                 {}, "", &out);
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(c.seconds));
    r.cpu_us_per_req = ProcCpuSeconds(server.pid()) - cpu_start;  // seconds for now; divided below
    const ProcCounters counters_end = ReadProcCounters(server.pid());
    r.per_req = {counters_end.switches - counters_start.switches, counters_end.reads - counters_start.reads,
                 counters_end.writes - counters_start.writes};  // totals for now; divided below
    stop = true;
    if (perf) perf->join();
  });
  client.Run(
      [&](std::size_t k) -> std::optional<std::string> {
        in_flight[k] = cursor[k];
        cursor[k] += conns;
        if (cursor[k] >= tokens.size()) cursor[k] = k;
        return ValidateRequest(tokens[in_flight[k]], w.wrong_otp);
      },
      [&](std::size_t k, const HttpReply& reply, Steady::time_point sent) {
        ++r.answered;
        const bool ok = Expected(reply, w.wrong_otp);
        if (ok && !w.wrong_otp) ++tokens[in_flight[k]].counter;
        if (!ok) {
          ++r.errors;
          if (!printed_error) {
            std::fprintf(stderr, "unexpected reply (%s): HTTP %d %.*s\n", tokens[in_flight[k]].user.c_str(),
                         reply.status, static_cast<int>(reply.body.size()), reply.body.data());
            printed_error = true;
          }
        }
        if (sent >= measure_from && !stop.load(std::memory_order_relaxed) && ok) {
          latencies_us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - sent).count());
        }
      },
      &stop);
  timer.join();

  r.per_s = static_cast<double>(latencies_us.size()) / c.seconds;
  r.cpu_us_per_req =
      latencies_us.empty() ? 0 : r.cpu_us_per_req * 1e6 / static_cast<double>(latencies_us.size());
  const double measured = latencies_us.empty() ? 1 : static_cast<double>(latencies_us.size());
  r.per_req = {r.per_req.switches / measured, r.per_req.reads / measured, r.per_req.writes / measured};
  r.p50_ms = Percentile(latencies_us, 0.50) / 1000;
  r.p99_ms = Percentile(latencies_us, 0.99) / 1000;
  r.max_ms = latencies_us.empty() ? 0 : *std::max_element(latencies_us.begin(), latencies_us.end()) / 1000;
  r.hwm_kb = ProcStatusKb(server.pid(), "VmHWM");
  r.rss_kb = ProcStatusKb(server.pid(), "VmRSS");
  const long audited = server.AuditCount() - audit_before;
  if (audited != static_cast<long>(r.answered)) {
    std::fprintf(stderr, "%s: %lu requests answered but %ld audit entries written\n", w.name.c_str(),
                 static_cast<unsigned long>(r.answered), audited);
    r.errors +=
        r.answered > static_cast<std::uint64_t>(audited) ? r.answered - audited : audited - r.answered;
  }
  return r;
}

Config ParseArgs(int argc, char** argv) {
  Config c;
  bench::ParseOptions(argc, argv, [&c](const std::string& a, const auto& next) {
    if (a == "--osprey")
      c.osprey = next();
    else if (a == "--configs")
      c.configs = bench::SplitComma(next());
    else if (a == "--pg")
      c.pg = next();
    else if (a == "--seconds")
      c.seconds = std::stod(next());
    else if (a == "--warmup")
      c.warmup = std::stod(next());
    else if (a == "--runs")
      c.runs = std::stoi(next());
    else if (a == "--users")
      c.users = std::stoi(next());
    else if (a == "--extra-tokens")
      c.extra_tokens = std::stoi(next());
    else if (a == "--setup-connections")
      c.setup_connections = std::stoi(next());
    else if (a == "--dir")
      c.dir = next();
    else if (a == "--perf")
      c.perf_seconds = std::stod(next());
    else
      return false;
    return true;
  });
  if (c.users < 1 || c.runs < 1 || c.setup_connections < 1)
    Die("--users, --runs, --setup-connections must be >= 1");
  return c;
}

double LoadAverage() {
  double one = 0;
  std::ifstream("/proc/loadavg") >> one;
  return one;
}

}  // namespace

int main(int argc, char** argv) {
  const Config c = ParseArgs(argc, argv);
  std::printf(
      "POST /validate/check (HOTP, PIN+OTP), %d users, %.1f s (+%.1f s warm-up) per run, median of %d runs; "
      "server: %s; hardware threads=%u\n",
      c.users, c.seconds, c.warmup, c.runs, c.osprey.c_str(), std::thread::hardware_concurrency());
  std::printf("%-16s %7s | %9s %8s %8s %8s %8s %8s %7s %6s %5s %5s %7s | runs (req/s); load avg\n", "config",
              "tokens", "ok/s", "p50 ms", "p99 ms", "max ms", "HWM MB", "RSS MB", "cpu us", "csw", "rd", "wr",
              "errors");
  std::fflush(stdout);
  for (const std::string& name : c.configs) {
    const Workload w = ParseWorkload(name);
    if (w.postgres && c.pg.empty()) {
      std::printf("%-16s skipped (no --pg)\n", name.c_str());
      continue;
    }
    Server server(c, w);
    const auto setup_start = Steady::now();
    std::vector<Token> tokens = server.Setup(c.users, w.extra_tokens ? c.extra_tokens : 0);
    const double setup_s = std::chrono::duration<double>(Steady::now() - setup_start).count();
    std::vector<RunResult> runs;
    std::string loads;
    for (int i = 0; i < c.runs; ++i) {
      const std::string perf_out =
          i == 0 && c.perf_seconds > 0 ? c.dir + "/perf-" + name + ".data" : std::string();
      runs.push_back(RunOnce(c, w, server, tokens, perf_out));
      char load[16];
      std::snprintf(load, sizeof load, "%.1f ", LoadAverage());
      loads += load;
    }
    std::vector<RunResult> sorted = runs;
    std::sort(sorted.begin(), sorted.end(),
              [](const RunResult& a, const RunResult& b) { return a.per_s < b.per_s; });
    const RunResult& m = sorted[sorted.size() / 2];
    std::uint64_t errors = 0;
    long hwm = 0;
    std::string each;
    for (const auto& r : runs) {
      errors += r.errors;
      hwm = std::max(hwm, r.hwm_kb);
      each += std::to_string(static_cast<long>(r.per_s)) + " ";
    }
    std::string verify_output;
    const int verify = server.StopAndVerify(&verify_output);
    if (verify != 0) {
      std::fprintf(stderr, "%s: osprey audit verify failed (%d): %s\n", name.c_str(), verify,
                   verify_output.c_str());
      ++errors;
    }
    std::printf(
        "%-16s %7d | %9.0f %8.2f %8.2f %8.2f %8.1f %8.1f %7.0f %6.2f %5.2f %5.2f %7llu | %s; %s(setup %.0f "
        "s)\n",
        name.c_str(), c.users + (w.extra_tokens ? c.extra_tokens : 0), m.per_s, m.p50_ms, m.p99_ms, m.max_ms,
        static_cast<double>(hwm) / 1024, static_cast<double>(m.rss_kb) / 1024, m.cpu_us_per_req,
        m.per_req.switches, m.per_req.reads, m.per_req.writes, static_cast<unsigned long long>(errors),
        each.c_str(), loads.c_str(), setup_s);
    std::fflush(stdout);
  }
  return 0;
}
