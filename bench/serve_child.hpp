// The real `osprey serve` under closed-loop load, shared by validate_bench and sms_trigger_bench: child
// processes (ServeUnderTest: a fresh data directory, optionally a fresh PostgreSQL database, an MFA admin,
// the server started and logged in to), what /proc says about the server (CPU time, RSS, context switches,
// system calls), one-shot HTTP calls, one measured run (MeasureClosedLoop) and the table rows both programs
// print. Header-only; not a benchmark (the CMake glob takes *_bench.cpp only). Thread rule: a ServeUnderTest
// and the functions that fork belong to the main thread; MeasureClosedLoop runs its own timer thread.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench_util.hpp"

namespace osprey::bench {

using Env = std::map<std::string, std::string>;
using Steady = std::chrono::steady_clock;

// ---- child processes -------------------------------------------------------------------------------------

inline void ApplyEnv(const Env& env) {
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
}

inline std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (std::string& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

// Runs argv to completion with `input` on stdin; returns the exit code (stdout+stderr into *output).
inline int RunChild(std::vector<std::string> args, const Env& env, const std::string& input,
                    std::string* output) {
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

// RunChild, dying unless it exits 0; its output.
inline std::string RunOrDie(std::vector<std::string> args, const Env& env, const std::string& input = "") {
  std::string output;
  const std::string what = args.size() > 2 ? args[0] + " " + args[1] + " " + args[2] : args[0];
  if (RunChild(std::move(args), env, input, &output) != 0) Die(what + " failed: " + output);
  return output;
}

// `osprey serve` in the background, output to `log`.
inline pid_t SpawnServer(std::vector<std::string> args, const Env& env, const std::string& log) {
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

inline void StopServer(pid_t pid) {
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
inline std::uint16_t FreePort() {
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
inline long ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return 0;
}

// utime + stime of `pid` in seconds.
inline double ProcCpuSeconds(pid_t pid) {
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

inline ProcCounters ReadProcCounters(pid_t pid) {
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

// The 1-minute load average.
inline double LoadAverage() {
  double one = 0;
  std::ifstream("/proc/loadavg") >> one;
  return one;
}

// ---- HTTP ------------------------------------------------------------------------------------------------

using Headers = std::vector<std::pair<std::string, std::string>>;

inline std::string Form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + v;  // values need no escaping
  return out;
}

// An HTTP/1.1 request; a body goes as a form.
inline std::string HttpRequest(const std::string& method, const std::string& path, const std::string& body,
                               const Headers& headers = {}) {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: osprey-" +
                  program_invocation_short_name + "\r\n";
  for (const auto& [name, value] : headers) r += name + ": " + value + "\r\n";
  if (method != "GET") {
    r += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n";
  }
  return r + "\r\n" + body;
}

// Sends `requests` over `connections` keep-alive connections; dies on any non-200 reply.
inline void SendAll(std::uint16_t port, int connections, const std::vector<std::string>& requests,
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
inline nlohmann::json Call(std::uint16_t port, const std::string& request, const char* what) {
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

// Waits (up to 20 s) until `port` answers GET /healthz; false when the process `pid` exited first or it
// never did.
inline bool WaitHealthy(std::uint16_t port, pid_t pid) {
  for (int i = 0; i < 400; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return false;
    const int fd = ConnectLoopback(port);
    if (fd >= 0) {
      ::close(fd);
      Call(port, HttpRequest("GET", "/healthz", ""), "healthz");
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// ---- the server under test -------------------------------------------------------------------------------

// One `osprey serve` on a fresh data directory <dir>/osprey-<name>-XXXXXX (`osprey init`) with an MFA admin
// "admin" (`osprey mfa admin add`); with a PostgreSQL maintenance URL, on a fresh database made with
// createdb (dropped again by the destructor, like the directory). The MFA server listens on a free loopback
// port; the environment starts with the gateway off, log level warn and no access log, and callers may add
// to it before Start.
class ServeUnderTest {
 public:
  ServeUnderTest(std::string osprey, const std::string& dir, std::string pg, const std::string& name)
      : osprey_(std::move(osprey)), pg_(std::move(pg)) {
    dir_ = dir + "/osprey-" + name + "-XXXXXX";
    if (::mkdtemp(dir_.data()) == nullptr) Die("mkdtemp in " + dir);
    if (!pg_.empty()) {
      database_ = "osprey_" + name + "_" + std::to_string(::getpid()) + "_" + std::to_string(++serial_);
      std::replace(database_.begin(), database_.end(), '-', '_');
      RunOrDie({"/usr/bin/createdb", "--maintenance-db=" + pg_, database_}, {});
      env_["OSPREY_DATABASE_URL"] = pg_.substr(0, pg_.rfind('/') + 1) + database_;
    }
    RunOrDie({osprey_, "init", "--dir", dir_ + "/data"}, env_);
    port_ = FreePort();
    env_["OSPREY_GATEWAY_ENABLED"] = "false";
    env_["OSPREY_MFA_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
    env_["OSPREY_LOG_LEVEL"] = "warn";
    env_["OSPREY_LOG_ACCESS_LOG"] = "false";
    Osprey({"mfa", "admin", "add", "admin"}, std::string(kAdminPassword) + "\n");
  }
  ~ServeUnderTest() {
    if (pid_ > 0) StopServer(pid_);
    std::filesystem::remove_all(dir_);
    if (!database_.empty()) {
      std::string ignored;
      RunChild({"/usr/bin/dropdb", "--maintenance-db=" + pg_, database_}, {}, "", &ignored);
    }
  }
  ServeUnderTest(const ServeUnderTest&) = delete;
  ServeUnderTest& operator=(const ServeUnderTest&) = delete;

  // `osprey <args> --config <the data directory's>` with `input` on stdin; its output (dies unless it exits
  // 0).
  std::string Osprey(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), osprey_);
    args.insert(args.end(), {"--config", config()});
    return RunOrDie(std::move(args), env_, input);
  }

  // The child's environment; changes count from the next Osprey or Start.
  Env& env() { return env_; }

  // Starts `osprey serve` (output in <dir>/serve.log), waits until each of `more_ports` and the MFA server
  // answer /healthz, and logs in as the admin.
  void Start(const std::vector<std::uint16_t>& more_ports = {}) {
    pid_ = SpawnServer({osprey_, "serve", "--config", config()}, env_, dir_ + "/serve.log");
    for (std::uint16_t port : more_ports) {
      if (!WaitHealthy(port, pid_)) Die("server not healthy; see " + dir_ + "/serve.log");
    }
    if (!WaitHealthy(port_, pid_)) Die("server not healthy; see " + dir_ + "/serve.log");
    jwt_ = Admin("POST", "/auth", Form({{"username", "admin"}, {"password", kAdminPassword}}))
               .at("result")
               .at("value")
               .at("token")
               .get<std::string>();
  }

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }

  // An MFA API request as the admin (before Start's login: without authorization).
  std::string AdminRequest(const std::string& method, const std::string& path,
                           const std::string& body) const {
    return HttpRequest(method, path, body, jwt_.empty() ? Headers{} : Headers{{"PI-Authorization", jwt_}});
  }
  // One admin call; its JSON reply (dies unless 200).
  nlohmann::json Admin(const std::string& method, const std::string& path, const std::string& body) const {
    return Call(port_, AdminRequest(method, path, body), (method + " " + path).c_str());
  }

  // GET /audit/ count (all entries).
  long AuditCount() const {
    return Admin("GET", "/audit/?pagesize=1", "").at("result").at("value").at("count").get<long>();
  }

  // Stops the server and runs `osprey audit verify`; its exit code.
  int StopAndVerify(std::string* output) {
    StopServer(pid_);
    pid_ = -1;
    return RunChild({osprey_, "audit", "verify", "--config", config()}, env_, "", output);
  }

 private:
  static constexpr const char* kAdminPassword = "bench-Admin-Pw-1";
  std::string config() const { return dir_ + "/data/osprey.toml"; }

  static inline int serial_ = 0;
  const std::string osprey_, pg_;
  std::string dir_, database_, jwt_;
  Env env_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace osprey::bench
