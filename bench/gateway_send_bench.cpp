// Closed-loop load test of POST /api/v2/messages/sms (issue 3 acceptance): an in-process HttpServer with the
// real GatewayService on a fresh SQLite file, and N keep-alive connections (one epoll thread drives them
// all), each sending the exact request privacyIDEA 3.11.5 sends, one after another. A reply counts as
// accepted when it is a 200 whose body says "queued"; the message was committed before the reply (SendService
// waits for the store). Every configuration runs --runs times on a fresh database; the median run is
// reported.
//
// A plain main, not Google Benchmark: this is a closed-loop load test with many concurrent clients and a
// latency distribution per run, where Google Benchmark's model (time one function per iteration, threads
// that all run the same timed body) would measure the client loop, not the server, and reports no p99.
//
//   gateway_send_bench [--clients 32] [--seconds 5] [--warmup 1] [--runs 3] [--sync NORMAL,FULL]
//                      [--group-commit on,off] [--workers 0] [--io 0] [--pool 8] [--max-batch 256]
//                      [--dir /tmp] [--access-log] [--auth-cache-ms 1000]

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/http/server.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"
#include "smsgw/accounts/account_store.hpp"
#include "smsgw/accounts/authenticator.hpp"
#include "smsgw/accounts/schema.hpp"
#include "smsgw/api/service.hpp"
#include "smsgw/modem/fleet.hpp"
#include "smsgw/queue/group_commit.hpp"
#include "smsgw/queue/migrations.hpp"
#include "smsgw/queue/store.hpp"
#include "smsgw/send/send_service.hpp"

namespace {

using namespace osprey;
using bench::Die;
using bench::OrDie;
using bench::Percentile;
using bench::ProcessCpuSeconds;
using Steady = std::chrono::steady_clock;

struct Config {
  int clients = 32;
  double seconds = 5, warmup = 1;
  int runs = 3;
  std::vector<std::string> syncs{"NORMAL", "FULL"};
  std::vector<bool> group_commits{true, false};
  std::size_t workers = 0, io = 0, pool = 8, max_batch = 256;
  std::string dir = std::filesystem::temp_directory_path().string();
  bool access_log = false;
  long auth_cache_ms = 1000;
  long commit_delay_us = 200;  // GroupCommitOptions::delay, as gateway.group_commit_delay_us  // as
                               // gateway.auth_cache_ms; 0 = read the token's user on every request
};

struct RunResult {
  double accepted_per_s = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::uint64_t accepted = 0, failed = 0, stored = 0;
  double requests_per_commit = 0;
  double cpu_us_per_msg = 0;  // process CPU time (server and clients) per accepted message
  double commit_ms = 0;       // mean wall time of one group commit transaction
};

// The load generator: `connections` keep-alive connections (bench_util.hpp ClosedLoopClient: one epoll
// thread), each sending `request` closed-loop. Records the latency of every request that started after
// `measure_from` and was answered before `stop`: a 200 whose body says "queued" is accepted, anything else
// counts in `failed`.
class LoadGenerator {
 public:
  LoadGenerator(std::uint16_t port, int connections, std::string request)
      : client_(port, connections), request_(std::move(request)) {}

  void Run(const std::atomic<bool>& stop, Steady::time_point measure_from) {
    client_.Run(
        [this](std::size_t) -> std::optional<std::string> { return request_; },
        [&](std::size_t, const bench::HttpReply& reply, Steady::time_point start) {
          if (start < measure_from || stop.load(std::memory_order_relaxed)) return;
          if (reply.status == 200 && reply.body.find("\"queued\"") != std::string_view::npos) {
            latencies_us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - start).count());
          } else {
            ++failed;
          }
        },
        &stop);
  }

  std::vector<double> latencies_us;  // accepted requests only
  std::uint64_t failed = 0;

 private:
  bench::ClosedLoopClient client_;
  std::string request_;
};

// The request from issue 3's acceptance list, byte for byte, with our token.
std::string PrivacyIdeaRequest(const std::string& token) {
  const std::string body = R"({"to": ["+4915112345678"], "text": "Your OTP code is: 483114"})";
  return "POST /api/v2/messages/sms HTTP/1.1\r\nHost: 127.0.0.1:8089\r\nUser-Agent: "
         "python-requests/2.28.1\r\n"
         "Accept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\naccess-token: " +
         token + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nContent-Type: application/json\r\n\r\n" + body;
}

RunResult RunOnce(const Config& c, const std::string& sync, bool group_commit) {
  std::string dir = c.dir + "/osprey-send-bench-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) Die("mkdtemp in " + c.dir);
  sql::DatabaseOptions db_options;
  db_options.pool_size = c.pool;
  db_options.sqlite_synchronous = sync;
  auto db = OrDie(sql::Database::Open("sqlite://" + dir + "/bench.db", db_options), "open");
  OrDie(sql::ApplyMigrations(*db, smsgw::accounts::AccountMigrations()), "migrate accounts");
  OrDie(sql::ApplyMigrations(*db, smsgw::queue::QueueMigrations()), "migrate queue");

  crypto::KeyRing ring;
  if (!ring.Add("bench", crypto::RandomSecret(crypto::KeyRing::kKeySize)).ok()) Die("key ring");
  const crypto::KeyedHasher hasher(std::move(ring));
  SystemClock clock;
  smsgw::accounts::AccountStore accounts(*db, hasher, clock);
  OrDie(accounts.AddUser("privacyidea", smsgw::accounts::AccessLevel::kUser, {}), "add user");
  const Secret token =
      OrDie(accounts.GenerateToken("privacyidea", smsgw::accounts::TokenKind::kApiV2), "token");
  OrDie(accounts.Permit("privacyidea", {"messages.send_sms"}, {}), "permit");

  smsgw::accounts::Authenticator authenticator(
      *db, hasher, {}, smsgw::accounts::AuthCacheOptions{std::chrono::milliseconds(c.auth_cache_ms), &clock});
  smsgw::queue::Store store(*db);
  smsgw::queue::GroupCommit sink(store,
                                 {group_commit, c.max_batch, std::chrono::microseconds(c.commit_delay_us)});
  smsgw::send::SendService sender(sink, clock);
  smsgw::modem::Fleet fleet({});
  smsgw::api::GatewayDeps deps;
  deps.healthy = [] { return true; };
  deps.authenticator = &authenticator;
  deps.sender = &sender;
  deps.store = &store;
  deps.fleet = &fleet;
  deps.modem_exists = [](int n) { return n >= 1 && n <= 8; };
  smsgw::api::GatewayService service(std::move(deps));

  http::ServerOptions server_options;
  server_options.worker_threads = c.workers;
  server_options.io_threads = c.io;
  server_options.access_log = c.access_log;
  http::HttpServer server(server_options);
  server.AddListener(http::ListenerOptions{.address = "127.0.0.1", .port = 0, .tls = std::nullopt}, service);
  if (Status s = server.Start(); !s.ok()) Die("server: " + s.error().ToString());

  const std::string request = PrivacyIdeaRequest(std::string(token.view()));
  auto load = std::make_unique<LoadGenerator>(server.BoundPort(0), c.clients, request);
  std::atomic<bool> stop{false};
  const auto measure_from =
      Steady::now() + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(c.warmup));
  std::thread load_thread([&] { load->Run(stop, measure_from); });
  std::this_thread::sleep_until(measure_from);
  const auto at_start = sink.stats();
  const double cpu_start = ProcessCpuSeconds();
  std::this_thread::sleep_for(std::chrono::duration<double>(c.seconds));
  const double cpu_end = ProcessCpuSeconds();
  const auto at_end = sink.stats();
  stop = true;
  load_thread.join();

  RunResult r;
  std::vector<double> all = std::move(load->latencies_us);
  r.failed = load->failed;
  load.reset();
  server.Stop();
  r.accepted = all.size();
  r.accepted_per_s = static_cast<double>(all.size()) / c.seconds;
  r.cpu_us_per_msg = all.empty() ? 0 : (cpu_end - cpu_start) * 1e6 / static_cast<double>(all.size());
  r.p50_ms = Percentile(all, 0.50) / 1000;
  r.p99_ms = Percentile(all, 0.99) / 1000;
  r.max_ms = all.empty() ? 0 : *std::max_element(all.begin(), all.end()) / 1000;
  const auto commits = at_end.commits - at_start.commits;
  r.commit_ms =
      commits == 0
          ? 0
          : std::chrono::duration<double, std::milli>(at_end.committing - at_start.committing).count() /
                static_cast<double>(commits);
  r.requests_per_commit =
      commits == 0 ? 0
                   : static_cast<double>(at_end.requests - at_start.requests) / static_cast<double>(commits);
  // Every accepted reply must have its message in the store (warm-up requests included).
  r.stored = static_cast<std::uint64_t>(OrDie(store.Count(smsgw::queue::Folder::kOutbox, {}), "count"));
  if (r.stored < r.accepted) Die("fewer messages stored than accepted");
  db.reset();
  std::filesystem::remove_all(dir);
  return r;
}

Config ParseArgs(int argc, char** argv) {
  Config c;
  bench::ParseOptions(argc, argv, [&c](const std::string& a, const auto& next) {
    if (a == "--clients")
      c.clients = std::stoi(next());
    else if (a == "--seconds")
      c.seconds = std::stod(next());
    else if (a == "--warmup")
      c.warmup = std::stod(next());
    else if (a == "--runs")
      c.runs = std::stoi(next());
    else if (a == "--sync")
      c.syncs = bench::SplitComma(next());
    else if (a == "--group-commit") {
      c.group_commits.clear();
      for (const auto& v : bench::SplitComma(next())) c.group_commits.push_back(v == "on");
    } else if (a == "--workers")
      c.workers = std::stoul(next());
    else if (a == "--io")
      c.io = std::stoul(next());
    else if (a == "--pool")
      c.pool = std::stoul(next());
    else if (a == "--max-batch")
      c.max_batch = std::stoul(next());
    else if (a == "--dir")
      c.dir = next();
    else if (a == "--commit-delay-us")
      c.commit_delay_us = std::stol(next());
    else if (a == "--auth-cache-ms")
      c.auth_cache_ms = std::stol(next());
    else if (a == "--access-log")
      c.access_log = true;
    else
      return false;
    return true;
  });
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const Config c = ParseArgs(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  std::printf(
      "POST /api/v2/messages/sms, 1 recipient, %d keep-alive clients, %.1f s (+%.1f s warm-up) per run, "
      "median of %d runs; workers=%zu io=%zu pool=%zu (0 = server default), hardware threads=%u\n",
      c.clients, c.seconds, c.warmup, c.runs, c.workers, c.io, c.pool, std::thread::hardware_concurrency());
  std::printf("%-8s %-6s | %10s %8s %8s %8s %9s %9s %7s %7s | runs (msg/s)\n", "sync", "group", "msg/s",
              "p50 ms", "p99 ms", "max ms", "req/commit", "commit ms", "cpu us", "errors");
  for (const std::string& sync : c.syncs) {
    for (bool gc : c.group_commits) {
      std::vector<RunResult> runs;
      for (int i = 0; i < c.runs; ++i) runs.push_back(RunOnce(c, sync, gc));
      std::vector<RunResult> sorted = runs;
      std::sort(sorted.begin(), sorted.end(),
                [](const RunResult& a, const RunResult& b) { return a.accepted_per_s < b.accepted_per_s; });
      const RunResult& m = sorted[sorted.size() / 2];
      std::string each;
      for (const auto& r : runs) each += std::to_string(static_cast<long>(r.accepted_per_s)) + " ";
      std::printf("%-8s %-6s | %10.0f %8.2f %8.2f %8.2f %9.1f %9.2f %7.0f %7llu | %s\n", sync.c_str(),
                  gc ? "on" : "off", m.accepted_per_s, m.p50_ms, m.p99_ms, m.max_ms, m.requests_per_commit,
                  m.commit_ms, m.cpu_us_per_msg, static_cast<unsigned long long>(m.failed), each.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}
