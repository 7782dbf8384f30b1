// The gateway's own cost per SMS with real modem workers (issue 4 acceptance, last item). This process IS the
// gateway's sending side: a fresh SQLite queue (Store), one WorkerDriver per modem, each running a real
// `osprey modem-worker` (libgammu) attached to its own `osprey modem-emulator` child on a pty, and a
// Dispatcher over a Fleet of them, wired as `osprey serve` wires them. Once every modem is online and the
// dispatcher has idled for --idle seconds, it enqueues M single-part GSM-7 messages in one transaction, wakes
// the dispatcher and waits until all M are in the sent folder (the sending phase).
//
// libgammu sleeps ≈ 0.7 s per part by design (modems-and-sms.md §1 item 14), so wall time says nothing about
// the gateway. Measured instead:
//   cpu/SMS    this process's CPU time (CLOCK_PROCESS_CPUTIME_ID, user + sys; the workers and emulators are
//              other processes) over the sending phase / M. The primary figure; target ≤ 1 ms.
//   loop cpu   CPU of the 16 dispatcher threads outside Submit (claim, mark submitting, record outcome), per
//              part; `submit cpu` the calling thread's CPU inside WorkerDriver::Submit (encode, write, wake)
//              per part. The rest of cpu/SMS is the drivers' supervisor threads (reading and decoding the
//              workers' lines: answers and heartbeats), the lease keeper and SQLite's checkpointer.
//   marginal   cpu/SMS minus the idle rate: before the messages are enqueued the run measures the process
//              CPU per second of the online, idle gateway (`idle cpu`: dispatcher loops polling an empty
//              outbox, supervisors' poll slices, heartbeats) for --idle seconds; marginal = (sending CPU -
//              idle rate x sending time) / M, the cost that comes with each SMS.
//   gap        wall time from leaving one Submit to entering the next on the same modem (the queue has work
//              throughout: everything is enqueued before the dispatcher is woken), median and p99 over all
//              modems: what the gateway adds between two parts, including waiting for the 2 shared cores.
//   submit     wall time of one Submit (dispatch to the worker and back, dominated by libgammu's sleep).
// Each run is checked, not assumed: every emulator's --record file is read, and each of the M numbers must
// have arrived exactly once with its text, across all emulators.
//
// The sending phase's CPU is also split by thread (per-thread CPU clocks): dispatcher loops, lease keeper,
// main thread (waiting), and the rest (supervisors, event threads, SQLite checkpointer).
//
// Every run starts fresh: new temporary directory, database, emulators and workers (killed at the end of the
// run). Columns are medians over --runs runs.
//
//   modem_dispatch_bench [--modems 16] [--messages 128] [--runs 3] [--sync NORMAL] [--pool 8]
//                        [--heartbeat-ms 5000] [--poll-ms 2000] [--idle 3] [--dir /tmp] [--osprey PATH]
//                        [--keep] [--steps]
// --steps first times the Store's claim / mark submitting / record outcome on one thread (no modems, no
// contention), back to back and with a 750 ms pause before each message as a modem paces them: the cost of
// the dispatcher's work per part, to compare with `loop cpu`.
// Workers and emulators log to the inherited stderr; redirect it (2>file) for a clean table.
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"
#include "smsgw/modem/fleet.hpp"
#include "smsgw/queue/dispatcher.hpp"
#include "smsgw/queue/migrations.hpp"
#include "smsgw/queue/store.hpp"
#include "smsgw/worker/worker_driver.hpp"
#include "smsgw/worker/worker_process.hpp"

#ifndef OSPREY_BINARY
#define OSPREY_BINARY "osprey"
#endif

namespace {

using namespace osprey;
using namespace std::chrono_literals;
using bench::CpuClockSeconds;
using bench::Die;
using bench::OrDie;
using bench::Percentile;
using bench::ProcessCpuSeconds;
using Steady = std::chrono::steady_clock;
namespace gw = osprey::smsgw;

struct Config {
  int modems = 16;
  int messages = 16 * 8;
  int runs = 3;
  std::string sync = "NORMAL";
  std::size_t pool = 8;
  int heartbeat_ms = 5000;  // worker defaults (protocol.hpp Configure), as `osprey serve` uses them
  int poll_ms = 2000;
  std::string dir = std::filesystem::temp_directory_path().string();
  std::string osprey = OSPREY_BINARY;
  bool keep = false;   // keep each run's directory (records, database)
  bool steps = false;  // also profile the store's per-part steps on one thread
  double idle_s = 3;   // idle baseline before the messages are enqueued
};

// CPU seconds of every thread of this process, by tid. A thread's CPU clock id is built from its tid as the
// kernel defines it (MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)), which glibc's pthread_getcpuclockid does
// too; this reads threads we hold no pthread_t for (the drivers' supervisors, the dispatcher's lease keeper).
std::map<pid_t, double> ThreadCpuSeconds() {
  std::map<pid_t, double> out;
  DIR* dir = ::opendir("/proc/self/task");
  if (dir == nullptr) return out;
  while (dirent* e = ::readdir(dir)) {
    const pid_t tid = static_cast<pid_t>(std::strtol(e->d_name, nullptr, 10));
    if (tid <= 0) continue;
    const clockid_t id = static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6);
    timespec ts{};
    if (::clock_gettime(id, &ts) == 0)
      out[tid] = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  }
  ::closedir(dir);
  return out;
}

// Counts accepted parts over all modems so the main thread can sleep until the last one instead of polling
// the database (which would add its own CPU to the figure).
class Progress {
 public:
  void Accepted() {
    std::lock_guard lock(mu_);
    ++accepted_;
    cv_.notify_all();
  }
  bool WaitFor(int n, Steady::time_point deadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return accepted_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int accepted_ = 0;
};

// A ModemDriver decorator that times every Submit of the real WorkerDriver it owns. Its samples belong to
// the one dispatcher thread that drives it (ModemDriver's thread rule); read them after Dispatcher::Stop.
class TimedDriver final : public gw::modem::ModemDriver {
 public:
  TimedDriver(std::unique_ptr<gw::worker::WorkerDriver> inner, Progress& progress)
      : inner_(std::move(inner)), progress_(progress) {}

  int modem_no() const override { return inner_->modem_no(); }
  gw::modem::ModemHealth Health() override { return inner_->Health(); }
  void SetListener(gw::modem::ModemListener* listener) override { inner_->SetListener(listener); }

  gw::modem::SubmitResult Submit(const gw::modem::OutgoingPart& part) override {
    if (tid == 0) tid = ::gettid();
    const Steady::time_point enter = Steady::now();
    const double cpu_enter = CpuClockSeconds(CLOCK_THREAD_CPUTIME_ID);
    if (last_leave_)
      gaps_ms.push_back(std::chrono::duration<double, std::milli>(enter - *last_leave_).count());
    gw::modem::SubmitResult result = inner_->Submit(part);
    const Steady::time_point leave = Steady::now();
    submit_cpu_s += CpuClockSeconds(CLOCK_THREAD_CPUTIME_ID) - cpu_enter;
    submit_ms.push_back(std::chrono::duration<double, std::milli>(leave - enter).count());
    last_leave_ = leave;
    if (result.ok()) {
      progress_.Accepted();
    } else {
      ++failures;
      last_failure = result.failure().message;
    }
    return result;
  }

  std::vector<double> gaps_ms, submit_ms;
  double submit_cpu_s = 0;
  pid_t tid = 0;  // the dispatcher thread driving this modem
  int failures = 0;
  std::string last_failure;

 private:
  std::unique_ptr<gw::worker::WorkerDriver> inner_;
  Progress& progress_;
  std::optional<Steady::time_point> last_leave_;
};

// One `osprey modem-emulator` child: its first stdout line is its pty. WorkerProcess gives the child
// PR_SET_PDEATHSIG, so it dies with this process even on a crash; the destructor kills and reaps it.
struct Emulator {
  std::unique_ptr<gw::worker::WorkerProcess> process;
  std::string pty, record;
};

Emulator StartEmulator(const Config& c, const std::string& dir, int n) {
  Emulator e;
  e.record = dir + "/modem" + std::to_string(n) + ".jsonl";
  e.process =
      OrDie(gw::worker::WorkerProcess::Spawn({c.osprey, "modem-emulator", "--record", e.record, "--control",
                                              dir + "/modem" + std::to_string(n) + ".sock"}),
            "spawn modem-emulator");
  auto line = e.process->ReadLine(10s);
  if (!line.ok() || !line->has_value() || !line->value().starts_with("/dev/"))
    Die("modem-emulator " + std::to_string(n) + " printed no pty path");
  e.pty = **line;
  return e;
}

std::unique_ptr<gw::worker::WorkerDriver> StartWorker(const Config& c, int n, const std::string& pty) {
  gw::worker::WorkerOptions o;
  o.modem_no = n;
  o.argv = {c.osprey, "modem-worker"};
  o.configure.device = pty;
  o.configure.heartbeat_ms = c.heartbeat_ms;
  o.configure.poll_ms = c.poll_ms;
  return std::make_unique<gw::worker::WorkerDriver>(std::move(o));
}

std::string NumberOf(int i) {
  std::string digits = std::to_string(i);
  return "+4915100" + std::string(6 - std::min<std::size_t>(6, digits.size()), '0') + digits;
}
std::string TextOf(int i) { return "Your OTP code is: " + std::to_string(100000 + i); }

std::vector<gw::queue::NewMessage> Messages(int count) {
  std::vector<gw::queue::NewMessage> out(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    out[static_cast<std::size_t>(i)].number = NumberOf(i);
    out[static_cast<std::size_t>(i)].parts = {TextOf(i)};
  }
  return out;
}

// Reads every record file: each of the `count` numbers exactly once, with its text. Returns the records per
// emulator; dies with the first discrepancy.
std::vector<int> CheckRecords(const std::vector<Emulator>& emulators, int count) {
  std::map<std::string, int> seen;
  std::vector<int> per_modem;
  for (const Emulator& e : emulators) {
    std::ifstream in(e.record);
    int lines = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const auto r = nlohmann::json::parse(line, nullptr, false);
      if (!r.is_object()) Die("unreadable record line in " + e.record + ": " + line);
      const std::string number = r.value("number", "");
      const int i = static_cast<int>(std::strtol(number.c_str() + 8, nullptr, 10));
      if (number != NumberOf(i) || i >= count || r.value("text", "") != TextOf(i))
        Die("unexpected record in " + e.record + ": " + line);
      if (++seen[number] > 1) Die(number + " arrived twice");
      ++lines;
    }
    per_modem.push_back(lines);
  }
  if (static_cast<int>(seen.size()) != count)
    Die("only " + std::to_string(seen.size()) + " of " + std::to_string(count) + " messages arrived");
  return per_modem;
}

struct RunResult {
  double wall_s = 0, cpu_us_per_sms = 0, loop_cpu_us = 0, submit_cpu_us = 0;
  double gap_p50_ms = 0, gap_p99_ms = 0, submit_p50_ms = 0, submit_p99_ms = 0;
  double connect_s = 0;
  double keeper_us = 0, main_us = 0, other_us = 0;  // per SMS: lease keeper, main thread, all other threads
  double idle_ms_per_s = 0;  // process CPU while online and idle (dispatcher running, empty outbox)
  double marginal_us = 0;    // cpu/SMS minus the idle rate over the sending time
  int failures = 0;
  std::vector<int> per_modem;
};

// Everything one run owns; members are destroyed in reverse order: dispatcher, fleet (workers stopped),
// emulators (killed), database.
struct Rig {
  std::unique_ptr<sql::Database> db;
  std::unique_ptr<gw::queue::Store> store;
  std::vector<Emulator> emulators;
  Progress progress;
  std::vector<TimedDriver*> timed;
  std::unique_ptr<gw::modem::Fleet> fleet;
  SystemClock clock;
  std::unique_ptr<gw::queue::Dispatcher> dispatcher;
};

void Build(const Config& c, const std::string& dir, Rig& rig) {
  sql::DatabaseOptions db_options;
  db_options.pool_size = c.pool;
  db_options.sqlite_synchronous = c.sync;
  rig.db = OrDie(sql::Database::Open("sqlite://" + dir + "/bench.db", db_options), "open");
  OrDie(sql::ApplyMigrations(*rig.db, gw::queue::QueueMigrations()), "migrate queue");
  gw::queue::StoreOptions store_options;
  store_options.backoff = {std::chrono::seconds(1)};  // a transient failure must not stall a run for 30 s
  rig.store = std::make_unique<gw::queue::Store>(*rig.db, store_options);
  for (int n = 1; n <= c.modems; ++n) rig.emulators.push_back(StartEmulator(c, dir, n));
  std::vector<std::unique_ptr<gw::modem::ModemDriver>> drivers;
  for (int n = 1; n <= c.modems; ++n) {
    auto timed =
        std::make_unique<TimedDriver>(StartWorker(c, n, rig.emulators[std::size_t(n - 1)].pty), rig.progress);
    rig.timed.push_back(timed.get());
    drivers.push_back(std::move(timed));
  }
  rig.fleet = std::make_unique<gw::modem::Fleet>(std::move(drivers));
  gw::queue::DispatcherOptions options;
  options.id = "modem-bench";
  options.available = [fleet = rig.fleet.get()](int n) { return fleet->Available(n); };
  rig.dispatcher =
      std::make_unique<gw::queue::Dispatcher>(*rig.store, rig.fleet->Drivers(), rig.clock, options);
}

void WaitOnline(const Rig& rig, Steady::time_point deadline) {
  for (int n : rig.fleet->Numbers()) {
    while (!rig.fleet->Available(n)) {
      if (Steady::now() > deadline) {
        auto info = rig.fleet->Info(n);
        Die("modem " + std::to_string(n) + " never came online: " + (info ? info->health.last_error : "?"));
      }
      std::this_thread::sleep_for(50ms);
    }
  }
}

// Sleeps until `count` parts were accepted, then until the last outcome is recorded (a few polls at most).
void WaitSent(Rig& rig, int count, Steady::time_point deadline) {
  if (!rig.progress.WaitFor(count, deadline)) Die("not all messages were accepted in time");
  while (OrDie(rig.store->Count(gw::queue::Folder::kSent, {}), "count") < count) {
    if (Steady::now() > deadline) Die("not all messages reached the sent folder in time");
    std::this_thread::sleep_for(2ms);
  }
}

// Splits the sending phase's CPU (`before` → `after`) by thread: the dispatcher loops (known tids), the lease
// keeper (the thread Dispatcher::Start created besides the loops: not in `pre_start`), the main thread, and
// the threads that existed before the dispatcher (the drivers' supervisor and event threads, SQLite's
// checkpointer). Returns the loops' CPU seconds.
double SplitThreads(const Rig& rig, const std::set<pid_t>& pre_start, const std::map<pid_t, double>& before,
                    const std::map<pid_t, double>& after, int messages, RunResult& r) {
  std::set<pid_t> loops;
  for (const TimedDriver* t : rig.timed) loops.insert(t->tid);
  double loop_seconds = 0;
  for (const auto& [tid, seconds] : after) {
    auto was = before.find(tid);
    const double delta = seconds - (was == before.end() ? 0 : was->second);
    const double us = delta * 1e6 / messages;
    if (loops.count(tid) > 0)
      loop_seconds += delta;
    else if (tid == ::getpid())
      r.main_us += us;
    else if (pre_start.count(tid) == 0)
      r.keeper_us += us;
    else
      r.other_us += us;
  }
  return loop_seconds;
}

std::set<pid_t> Tids() {
  std::set<pid_t> out;
  for (const auto& [tid, seconds] : ThreadCpuSeconds()) out.insert(tid);
  return out;
}

RunResult RunOnce(const Config& c) {
  std::string dir = c.dir + "/osprey-modem-bench-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) Die("mkdtemp in " + c.dir);
  RunResult r;
  {
    Rig rig;
    const auto connect_start = Steady::now();
    Build(c, dir, rig);
    WaitOnline(rig, connect_start + 120s);
    r.connect_s = std::chrono::duration<double>(Steady::now() - connect_start).count();
    // Idle baseline: online workers, dispatcher polling an empty outbox.
    const std::set<pid_t> pre_start = Tids();
    rig.dispatcher->Start();
    const double idle_start = ProcessCpuSeconds();
    std::this_thread::sleep_for(std::chrono::duration<double>(c.idle_s));
    r.idle_ms_per_s = (ProcessCpuSeconds() - idle_start) * 1e3 / c.idle_s;

    OrDie(rig.store->Enqueue(Messages(c.messages), rig.clock.Now()), "enqueue");
    const auto threads_before = ThreadCpuSeconds();
    const double cpu_start = ProcessCpuSeconds();
    const auto wall_start = Steady::now();
    rig.dispatcher->Wake();
    WaitSent(rig, c.messages, wall_start + 300s);
    const double cpu = ProcessCpuSeconds() - cpu_start;
    r.wall_s = std::chrono::duration<double>(Steady::now() - wall_start).count();
    const double loop_cpu = SplitThreads(rig, pre_start, threads_before, ThreadCpuSeconds(), c.messages, r);
    double submit_cpu = 0;
    std::vector<double> gaps, submits;
    for (TimedDriver* t : rig.timed) {
      submit_cpu += t->submit_cpu_s;
      gaps.insert(gaps.end(), t->gaps_ms.begin(), t->gaps_ms.end());
      submits.insert(submits.end(), t->submit_ms.begin(), t->submit_ms.end());
    }
    rig.dispatcher->Stop();
    for (TimedDriver* t : rig.timed) {
      r.failures += t->failures;
      if (t->failures > 0) std::cerr << "modem " << t->modem_no() << ": " << t->last_failure << "\n";
    }
    const double parts = static_cast<double>(submits.size());
    r.cpu_us_per_sms = cpu * 1e6 / c.messages;
    r.marginal_us = (cpu - r.idle_ms_per_s / 1e3 * r.wall_s) * 1e6 / c.messages;
    r.loop_cpu_us = (loop_cpu - submit_cpu) * 1e6 / parts;
    r.submit_cpu_us = submit_cpu * 1e6 / parts;
    r.gap_p50_ms = Percentile(gaps, 0.5);
    r.gap_p99_ms = Percentile(gaps, 0.99);
    r.submit_p50_ms = Percentile(submits, 0.5);
    r.submit_p99_ms = Percentile(submits, 0.99);
    r.per_modem = CheckRecords(rig.emulators, c.messages);
  }
  if (!c.keep) std::filesystem::remove_all(dir);
  return r;
}

// The store's three steps per part, one thread, no contention: the intrinsic cost of what a dispatcher loop
// does around each Submit (thread CPU, median over `count` messages on a fresh database).
void ProfileSteps(const Config& c, std::chrono::milliseconds pause) {
  std::string dir = c.dir + "/osprey-modem-steps-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) Die("mkdtemp in " + c.dir);
  {
    sql::DatabaseOptions db_options;
    db_options.pool_size = c.pool;
    db_options.sqlite_synchronous = c.sync;
    auto db = OrDie(sql::Database::Open("sqlite://" + dir + "/steps.db", db_options), "open");
    OrDie(sql::ApplyMigrations(*db, gw::queue::QueueMigrations()), "migrate queue");
    gw::queue::Store store(*db);
    SystemClock clock;
    OrDie(store.Enqueue(Messages(c.messages), clock.Now()), "enqueue");
    std::vector<double> claim, mark, record, empty;
    auto timed = [](std::vector<double>& into, auto&& step) {
      const double start = CpuClockSeconds(CLOCK_THREAD_CPUTIME_ID);
      auto result = step();
      into.push_back((CpuClockSeconds(CLOCK_THREAD_CPUTIME_ID) - start) * 1e6);
      return result;
    };
    const int count = pause.count() > 0 ? std::min(c.messages, 16) : c.messages;
    for (int i = 0; i < count; ++i) {
      std::this_thread::sleep_for(pause);
      auto m = OrDie(timed(claim, [&] { return store.ClaimNext("steps", 1 + i % c.modems, clock.Now()); }),
                     "claim");
      if (!m) Die("nothing to claim");
      if (!OrDie(timed(mark, [&] { return store.MarkSubmitting(*m, 1, 1 + i % c.modems); }), "mark"))
        Die("mark");
      OrDie(timed(record,
                  [&] {
                    return store.RecordOutcome(*m, 1, 1 + i % c.modems,
                                               gw::modem::SubmitOutcome{i % 256, false}, clock.Now());
                  }),
            "record");
    }
    for (int i = 0; i < 16; ++i)
      OrDie(timed(empty, [&] { return store.ClaimNext("steps", 1, clock.Now()); }), "empty claim");
    std::printf(
        "store steps, one thread, %d messages, %lld ms pause before each, thread CPU median / p99: claim "
        "%.0f / "
        "%.0f µs, mark submitting %.0f / %.0f µs, record outcome %.0f / %.0f µs, claim on an empty outbox "
        "%.0f "
        "µs\n",
        count, static_cast<long long>(pause.count()), Percentile(claim, 0.5), Percentile(claim, 0.99),
        Percentile(mark, 0.5), Percentile(mark, 0.99), Percentile(record, 0.5), Percentile(record, 0.99),
        Percentile(empty, 0.5));
  }
  if (!c.keep) std::filesystem::remove_all(dir);
}

Config ParseArgs(int argc, char** argv) {
  Config c;
  bench::ParseOptions(argc, argv, [&c](const std::string& a, const auto& next) {
    if (a == "--modems")
      c.modems = std::stoi(next());
    else if (a == "--messages")
      c.messages = std::stoi(next());
    else if (a == "--runs")
      c.runs = std::stoi(next());
    else if (a == "--sync")
      c.sync = next();
    else if (a == "--pool")
      c.pool = std::stoul(next());
    else if (a == "--heartbeat-ms")
      c.heartbeat_ms = std::stoi(next());
    else if (a == "--poll-ms")
      c.poll_ms = std::stoi(next());
    else if (a == "--dir")
      c.dir = next();
    else if (a == "--osprey")
      c.osprey = next();
    else if (a == "--keep")
      c.keep = true;
    else if (a == "--steps")
      c.steps = true;
    else if (a == "--idle")
      c.idle_s = std::stod(next());
    else
      return false;
    return true;
  });
  if (c.modems < 1 || c.messages < 1 || c.runs < 0) Die("--modems and --messages must be >= 1, --runs >= 0");
  return c;
}

template <typename F>
double MedianOf(const std::vector<RunResult>& runs, F field) {
  std::vector<double> v;
  for (const RunResult& r : runs) v.push_back(field(r));
  return Percentile(v, 0.5);
}

void PrintRow(const Config& c, const std::vector<RunResult>& runs) {
  auto med = [&](double RunResult::*field) {
    return MedianOf(runs, [&](const RunResult& r) { return r.*field; });
  };
  int failures = 0;
  std::string each, spread;
  for (const RunResult& r : runs) {
    failures += r.failures;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f ", r.cpu_us_per_sms);
    each += buf;
  }
  for (int n : runs.back().per_modem) spread += std::to_string(n) + " ";
  std::printf(
      "| %d | %d | %.1f s | %.1f | **%.0f µs** | %.0f µs | %.1f ms/s | %.0f µs | %.0f µs | %.0f µs | %.0f µs "
      "| "
      "%.2f / %.2f ms | %.0f / %.0f ms | %d | %s| %s|\n",
      c.modems, c.messages, med(&RunResult::wall_s), c.messages / med(&RunResult::wall_s),
      med(&RunResult::cpu_us_per_sms), med(&RunResult::marginal_us), med(&RunResult::idle_ms_per_s),
      med(&RunResult::loop_cpu_us), med(&RunResult::submit_cpu_us), med(&RunResult::keeper_us),
      med(&RunResult::other_us), med(&RunResult::gap_p50_ms), med(&RunResult::gap_p99_ms),
      med(&RunResult::submit_p50_ms), med(&RunResult::submit_p99_ms), failures, each.c_str(), spread.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const Config c = ParseArgs(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  std::printf(
      "%d modems (osprey modem-worker + modem-emulator each), %d single-part GSM-7 messages, median of %d "
      "runs, "
      "sync=%s pool=%zu heartbeat=%d ms poll=%d ms, hardware threads=%u\n",
      c.modems, c.messages, c.runs, c.sync.c_str(), c.pool, c.heartbeat_ms, c.poll_ms,
      std::thread::hardware_concurrency());
  if (c.steps) {
    ProfileSteps(c, 0ms);
    // As in the dispatcher: one part per modem every ≈ 0.75 s, so each step starts with cold caches.
    ProfileSteps(c, 750ms);
  }
  std::vector<RunResult> runs;
  for (int i = 0; i < c.runs; ++i) {
    runs.push_back(RunOnce(c));
    const RunResult& r = runs.back();
    std::printf(
        "run %d: connect %.1f s, sending %.2f s, cpu %.0f µs/SMS = dispatcher loops %.0f (of which inside "
        "Submit "
        "%.0f) + lease keeper %.0f + main %.0f + supervisors/events/checkpointer %.0f; idle %.1f ms CPU/s, "
        "marginal %.0f µs/SMS; failed submits %d\n",
        i + 1, r.connect_s, r.wall_s, r.cpu_us_per_sms, r.loop_cpu_us + r.submit_cpu_us, r.submit_cpu_us,
        r.keeper_us, r.main_us, r.other_us, r.idle_ms_per_s, r.marginal_us, r.failures);
    std::fflush(stdout);
  }
  if (runs.empty()) return 0;
  std::printf(
      "| modems | messages | sending wall | msg/s | cpu/SMS | marginal/SMS | idle cpu | loop cpu/part | "
      "submit cpu/part | lease keeper/SMS | supervisors etc./SMS | gap p50 / p99 | submit p50 / p99 | failed "
      "submits | runs (cpu µs/SMS) | records per emulator (last run) |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  PrintRow(c, runs);
  return 0;
}
