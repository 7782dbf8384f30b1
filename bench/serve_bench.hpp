// The measured part of the load tests against the real `osprey serve` (validate_bench, sms_trigger_bench):
// one closed-loop run (MeasureClosedLoop), the options both take, and RunConfigurations, which sets up, runs,
// verifies and prints one table row per configuration. The server child itself is serve_child.hpp's.
// Header-only; not a benchmark (the CMake glob takes *_bench.cpp only). Thread rule: the main thread;
// MeasureClosedLoop runs a timer thread of its own for the length of a run.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "serve_child.hpp"

namespace osprey::bench {

// ---- one measured run ------------------------------------------------------------------------------------

struct MeasureOptions {
  int clients = 32;
  double warmup = 1, seconds = 5;
  // Non-empty: `perf record -F 999` the server into this file for the first min(perf_seconds, seconds) of
  // the measurement.
  std::string perf_out;
  double perf_seconds = 0;
};

struct RunResult {
  double per_s = 0;  // expected replies per second
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::uint64_t answered = 0, errors = 0;  // all replies of the run (warm-up included) / unexpected ones
  double cpu_us_per_req = 0;               // server CPU (user + system) per measured request
  ProcCounters per_req;  // context switches and read/write system calls per measured request
  long hwm_kb = 0, rss_kb = 0;
};

// Samples the server's CPU time and counters over the measurement window [start, start + o.seconds] (and
// runs perf in it when asked), then sets `stop`. Leaves the totals in r.cpu_us_per_req (seconds, for now)
// and r.per_req.
inline void TimeWindow(pid_t server, const MeasureOptions& o, Steady::time_point start, RunResult& r,
                       std::atomic<bool>& stop) {
  std::this_thread::sleep_until(start);
  const double cpu_start = ProcCpuSeconds(server);
  const ProcCounters counters_start = ReadProcCounters(server);
  std::unique_ptr<std::thread> perf;
  if (!o.perf_out.empty()) {
    perf = std::make_unique<std::thread>([&] {
      std::string out;
      RunChild({"/usr/bin/perf", "record", "-F", "999", "-o", o.perf_out, "-p", std::to_string(server), "--",
                "sleep", std::to_string(std::min(o.perf_seconds, o.seconds))},
               {}, "", &out);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  r.cpu_us_per_req = ProcCpuSeconds(server) - cpu_start;
  const ProcCounters end = ReadProcCounters(server);
  r.per_req = {end.switches - counters_start.switches, end.reads - counters_start.reads,
               end.writes - counters_start.writes};
  stop = true;
  if (perf) perf->join();
}

// One run against the server process `server` listening on `port`: o.clients keep-alive connections, closed
// loop, for o.warmup + o.seconds. `next(k)` returns connection k's next request (std::string);
// `expected(k, reply)` says whether the reply is the one wanted (and may update the caller's state). Only
// expected replies to requests sent inside the measurement window count for the rate and the latencies;
// every other reply, warm-up included, counts as an error (the first one is printed).
template <typename Next, typename Expected>
RunResult MeasureClosedLoop(std::uint16_t port, pid_t server, const MeasureOptions& o, Next&& next,
                            Expected&& expected) {
  ClosedLoopClient client(port, o.clients);
  std::vector<double> latencies_us;
  RunResult r;
  std::atomic<bool> stop{false};
  const auto measure_from =
      Steady::now() + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(o.warmup));
  std::thread timer([&] { TimeWindow(server, o, measure_from, r, stop); });
  client.Run(
      [&](std::size_t k) -> std::optional<std::string> { return next(k); },
      [&](std::size_t k, const HttpReply& reply, Steady::time_point sent) {
        ++r.answered;
        const bool ok = expected(k, reply);
        if (!ok && r.errors++ == 0) {
          std::fprintf(stderr, "unexpected reply (connection %zu): HTTP %d %.*s\n", k, reply.status,
                       static_cast<int>(reply.body.size()), reply.body.data());
        }
        if (sent >= measure_from && !stop.load(std::memory_order_relaxed) && ok) {
          latencies_us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - sent).count());
        }
      },
      &stop);
  timer.join();
  const double measured = latencies_us.empty() ? 1 : static_cast<double>(latencies_us.size());
  r.per_s = static_cast<double>(latencies_us.size()) / o.seconds;
  r.cpu_us_per_req = latencies_us.empty() ? 0 : r.cpu_us_per_req * 1e6 / measured;
  r.per_req = {r.per_req.switches / measured, r.per_req.reads / measured, r.per_req.writes / measured};
  r.max_ms = latencies_us.empty() ? 0 : *std::max_element(latencies_us.begin(), latencies_us.end()) / 1000;
  r.p50_ms = Percentile(latencies_us, 0.50) / 1000;
  r.p99_ms = Percentile(std::move(latencies_us), 0.99) / 1000;
  r.hwm_kb = ProcStatusKb(server, "VmHWM");
  r.rss_kb = ProcStatusKb(server, "VmRSS");
  return r;
}

// Counts a counter that grew by `grew` where [least, most] was expected as |distance| errors of `r`, saying
// so on stderr.
inline void CheckGrowth(const std::string& config, const char* what, long grew, long least, long most,
                        RunResult& r) {
  if (grew >= least && grew <= most) return;
  if (least == most) {
    std::fprintf(stderr, "%s: %ld %s expected, %ld found\n", config.c_str(), least, what, grew);
  } else {
    std::fprintf(stderr, "%s: %ld..%ld %s expected, %ld found\n", config.c_str(), least, most, what, grew);
  }
  r.errors += static_cast<std::uint64_t>(grew < least ? least - grew : grew - most);
}

// ---- the configurations -----------------------------------------------------------------------------------

// The options both programs take (see their header comments); each adds its own.
struct ServeBenchOptions {
  std::string osprey;
  std::vector<std::string> configs;
  std::string pg;
  double seconds = 5, warmup = 1;
  int runs = 3, users = 1024, setup_connections = 32;
  std::string dir = std::filesystem::temp_directory_path().string();
  double perf_seconds = 0;
};

// Reads the command line into `o`; `more(name, value)` (as ParseOptions's `option`) reads the program's own
// options. Dies on an unknown option or a count below 1.
template <typename More>
void ParseServeBenchOptions(int argc, char** argv, ServeBenchOptions& o, More&& more) {
  ParseOptions(argc, argv, [&](const std::string& a, const auto& next) {
    if (a == "--osprey")
      o.osprey = next();
    else if (a == "--configs")
      o.configs = SplitComma(next());
    else if (a == "--pg")
      o.pg = next();
    else if (a == "--seconds")
      o.seconds = std::stod(next());
    else if (a == "--warmup")
      o.warmup = std::stod(next());
    else if (a == "--runs")
      o.runs = std::stoi(next());
    else if (a == "--users")
      o.users = std::stoi(next());
    else if (a == "--setup-connections")
      o.setup_connections = std::stoi(next());
    else if (a == "--dir")
      o.dir = next();
    else if (a == "--perf")
      o.perf_seconds = std::stod(next());
    else
      return more(a, next);
    return true;
  });
  if (o.users < 1 || o.runs < 1 || o.setup_connections < 1)
    Die("--users, --runs, --setup-connections must be >= 1");
}

// A configuration's name, "<sqlite|pg>-<clients>[-<variant>]".
struct ConfigName {
  std::string name;
  bool postgres = false;
  int clients = 32;
  std::string variant;  // "" = none
};

// Dies naming `name` when the database is neither sqlite nor pg, the client count is below 1 or the variant
// is not one of `variants`.
inline ConfigName ParseConfigName(const std::string& name, const std::vector<std::string>& variants) {
  ConfigName c;
  c.name = name;
  std::stringstream in(name);
  std::string db, clients;
  std::getline(in, db, '-');
  std::getline(in, clients, '-');
  std::getline(in, c.variant);
  if (db != "sqlite" && db != "pg") Die("configuration " + name + ": database must be sqlite or pg");
  c.postgres = db == "pg";
  c.clients = std::atoi(clients.c_str());
  if (c.clients < 1) Die("configuration " + name + ": bad client count");
  if (!c.variant.empty() && std::find(variants.begin(), variants.end(), c.variant) == variants.end())
    Die("configuration " + name + ": unknown variant " + c.variant);
  return c;
}

// The column heads of the rows RunConfigurations prints; `count_title` names the second column.
inline void PrintHead(const char* count_title) {
  std::printf("%-18s %7s | %9s %8s %8s %8s %8s %8s %7s %6s %5s %5s %7s | runs (req/s); load avg\n", "config",
              count_title, "ok/s", "p50 ms", "p99 ms", "max ms", "HWM MB", "RSS MB", "cpu us", "csw", "rd",
              "wr", "errors");
  std::fflush(stdout);
}

// One row: the median run by rate (with its latencies, RSS, CPU and counters), the highest HWM of all runs,
// the errors of all runs plus `more_errors`, each run's rate, the load averages and the setup time.
inline void PrintRow(const std::string& config, long count, const std::vector<RunResult>& runs,
                     std::uint64_t more_errors, const std::string& loads, double setup_s) {
  std::vector<RunResult> sorted = runs;
  std::sort(sorted.begin(), sorted.end(),
            [](const RunResult& a, const RunResult& b) { return a.per_s < b.per_s; });
  const RunResult& m = sorted[sorted.size() / 2];
  std::uint64_t errors = more_errors;
  long hwm = 0;
  std::string each;
  for (const auto& r : runs) {
    errors += r.errors;
    hwm = std::max(hwm, r.hwm_kb);
    each += std::to_string(static_cast<long>(r.per_s)) + " ";
  }
  std::printf(
      "%-18s %7ld | %9.0f %8.2f %8.2f %8.2f %8.1f %8.1f %7.0f %6.2f %5.2f %5.2f %7llu | %s; %s(setup %.0f "
      "s)\n",
      config.c_str(), count, m.per_s, m.p50_ms, m.p99_ms, m.max_ms, static_cast<double>(hwm) / 1024,
      static_cast<double>(m.rss_kb) / 1024, m.cpu_us_per_req, m.per_req.switches, m.per_req.reads,
      m.per_req.writes, static_cast<unsigned long long>(errors), each.c_str(), loads.c_str(), setup_s);
  std::fflush(stdout);
}

// Prints a title line (`title`, then the options) and PrintHead(count_title), then measures every
// configuration of o.configs and prints its row; pg ones are skipped without --pg. For each: `start(config)`
// returns the started, set-up server as a std::unique_ptr<T> where `T::serve` is its
// std::unique_ptr<ServeUnderTest> (the setup time is taken around it); then o.runs times `run(T&, config,
// perf_out)` returns a RunResult (perf_out names <dir>/perf-<config>.data for the first run when --perf is
// given, else it is empty); then the server is stopped and `osprey audit verify` must pass (else one more
// error). `count_of(config)` fills the second column.
template <typename Start, typename Run, typename CountOf>
void RunConfigurations(const ServeBenchOptions& o, const char* title, const char* count_title,
                       const std::vector<std::string>& variants, Start&& start, Run&& run,
                       CountOf&& count_of) {
  std::printf(
      "%s, %d users, %.1f s (+%.1f s warm-up) per run, median of %d runs; server: %s; hardware threads=%u\n",
      title, o.users, o.seconds, o.warmup, o.runs, o.osprey.c_str(), std::thread::hardware_concurrency());
  PrintHead(count_title);
  for (const std::string& name : o.configs) {
    const ConfigName config = ParseConfigName(name, variants);
    if (config.postgres && o.pg.empty()) {
      std::printf("%-18s skipped (no --pg)\n", name.c_str());
      continue;
    }
    const auto setup_start = Steady::now();
    auto server = start(config);
    const double setup_s = std::chrono::duration<double>(Steady::now() - setup_start).count();
    std::vector<RunResult> runs;
    std::string loads;
    for (int i = 0; i < o.runs; ++i) {
      runs.push_back(
          run(*server, config, i == 0 && o.perf_seconds > 0 ? o.dir + "/perf-" + name + ".data" : ""));
      char load[16];
      std::snprintf(load, sizeof load, "%.1f ", LoadAverage());
      loads += load;
    }
    std::string verify_output;
    const int verify = server->serve->StopAndVerify(&verify_output);
    if (verify != 0) {
      std::fprintf(stderr, "%s: osprey audit verify failed (%d): %s\n", name.c_str(), verify,
                   verify_output.c_str());
    }
    PrintRow(name, count_of(config), runs, verify != 0 ? 1 : 0, loads, setup_s);
  }
}

}  // namespace osprey::bench
