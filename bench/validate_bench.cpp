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
// so the work stays the same). Each configuration gets one server and one setup; then --runs runs of
// --warmup + --seconds each; the median run (by rate) is reported. After each run the audit must have grown
// by exactly the number of requests answered (GET /audit/ count) and every reply must have been the expected
// one (else "errors" > 0); after the last run the server is stopped and `osprey audit verify` must pass.
//
// A plain main, not Google Benchmark (see gateway_send_bench.cpp for why). The server child, the measured
// run and the table row are serve_bench.hpp's, shared with sms_trigger_bench.
//
//   validate_bench [--osprey PATH] [--configs sqlite-1,sqlite-8,sqlite-32,sqlite-32-wrong,sqlite-32-100k,
//                   pg-32,pg-32-wrong] [--pg URL] [--seconds 5] [--warmup 1] [--runs 3] [--users 1024]
//                  [--extra-tokens 100000] [--setup-connections 32] [--dir /tmp] [--perf SECONDS]
//
// --pg URL: a PostgreSQL maintenance URL (e.g. postgresql://u:p@host:5432/postgres); each pg configuration
// gets a fresh database (createdb/dropdb). Without --pg the pg configurations are skipped.
// --perf S: during the first run's measurement of each configuration, `perf record -F 999` the server (flat
// profile) for S seconds into <dir>/perf-<config>.data (kept), for `perf report`.
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"
#include "osprey/core/otp.hpp"
#include "serve_bench.hpp"

#ifndef OSPREY_BINARY
#define OSPREY_BINARY "osprey"
#endif

namespace {

using namespace osprey;
using bench::ConfigName;
using bench::Form;
using bench::HttpReply;
using bench::RunResult;
using bench::ServeUnderTest;

struct Options : bench::ServeBenchOptions {
  int extra_tokens = 100000;
};

// ---- the server under test -------------------------------------------------------------------------------

struct Token {
  std::string user, pin, key;  // key: raw bytes
  std::uint64_t counter = 0;   // next HOTP counter the server accepts
  std::string wrong;           // a 6-digit value outside counter..counter+9 (wrong-OTP workload)
};

// A 6-digit value that is none of the token's 10 window values.
std::string WrongOtp(const Token& t) {
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

// The MFA server alone (the gateway off) and the users' tokens.
struct ValidateServer {
  std::unique_ptr<ServeUnderTest> serve;
  std::vector<Token> tokens;
};

// Defaults, resolver, realm, users and their tokens (+ unassigned ones), over --setup-connections.
std::vector<Token> Setup(const Options& o, ServeUnderTest& server, int extra_tokens) {
  server.Admin("POST", "/system/setDefault", "DefaultMaxFailCount=1000000000");
  server.Admin("POST", "/resolver/res1", "type=sql");
  server.Admin("POST", "/realm/realm1", "resolvers=res1");
  std::vector<Token> tokens(static_cast<std::size_t>(o.users));
  std::vector<std::string> user_requests, token_requests;
  for (int i = 0; i < o.users; ++i) {
    Token& t = tokens[static_cast<std::size_t>(i)];
    t.user = "u" + std::to_string(i);
    t.pin = "pin" + std::to_string(i);
    t.key = crypto::RandomBytes(20);
    t.wrong = WrongOtp(t);
    user_requests.push_back(
        server.AdminRequest("POST", "/user/", Form({{"user", t.user}, {"resolver", "res1"}})));
    token_requests.push_back(server.AdminRequest("POST", "/token/init",
                                                 Form({{"type", "hotp"},
                                                       {"serial", "BENCH" + std::to_string(i)},
                                                       {"otpkey", HexEncode(t.key)},
                                                       {"pin", t.pin},
                                                       {"user", t.user}})));
  }
  bench::SendAll(server.port(), o.setup_connections, user_requests, "POST /user/");
  bench::SendAll(server.port(), o.setup_connections, token_requests, "POST /token/init");
  // Explicit serials: a generated one counts the tokens of its type first (spec section 5).
  std::vector<std::string> extra;
  for (int i = 0; i < extra_tokens; ++i) {
    extra.push_back(
        server.AdminRequest("POST", "/token/init", "type=hotp&genkey=1&serial=XTRA" + std::to_string(i)));
  }
  bench::SendAll(server.port(), o.setup_connections, extra, "POST /token/init genkey=1");
  return tokens;
}

std::unique_ptr<ValidateServer> Start(const Options& o, const ConfigName& config) {
  auto server = std::make_unique<ValidateServer>();
  server->serve =
      std::make_unique<ServeUnderTest>(o.osprey, o.dir, config.postgres ? o.pg : "", "validate-bench");
  server->serve->Start();
  server->tokens = Setup(o, *server->serve, config.variant == "100k" ? o.extra_tokens : 0);
  return server;
}

// ---- one run ---------------------------------------------------------------------------------------------

std::string ValidateRequest(const Token& t, bool wrong) {
  const std::string otp =
      wrong ? t.wrong : otp::Hotp(std::string_view(t.key), t.counter, 6, crypto::HashAlgorithm::kSha1);
  return bench::HttpRequest("POST", "/validate/check", "user=" + t.user + "&pass=" + t.pin + otp);
}

bool Expected(const HttpReply& r, bool wrong) {
  if (r.status != 200) return false;
  if (!wrong) return r.body.find("\"authentication\":\"ACCEPT\"") != std::string_view::npos;
  return r.body.find("\"authentication\":\"REJECT\"") != std::string_view::npos &&
         r.body.find("wrong otp value") != std::string_view::npos;
}

// One run; connection k cycles through the users k, k + C, k + 2C, ... The audit must grow by the number of
// requests answered.
RunResult RunOnce(const Options& o, ValidateServer& server, const ConfigName& config,
                  const std::string& perf_out) {
  ServeUnderTest& serve = *server.serve;
  std::vector<Token>& tokens = server.tokens;
  const bool wrong = config.variant == "wrong";
  const long audit_before = serve.AuditCount();
  const auto conns = static_cast<std::size_t>(config.clients);
  std::vector<std::size_t> cursor(conns), in_flight(conns);
  for (std::size_t k = 0; k < conns; ++k) cursor[k] = k;
  RunResult r = bench::MeasureClosedLoop(
      serve.port(), serve.pid(), {config.clients, o.warmup, o.seconds, perf_out, o.perf_seconds},
      [&](std::size_t k) {
        in_flight[k] = cursor[k];
        cursor[k] += conns;
        if (cursor[k] >= tokens.size()) cursor[k] = k;
        return ValidateRequest(tokens[in_flight[k]], wrong);
      },
      [&](std::size_t k, const HttpReply& reply) {
        const bool ok = Expected(reply, wrong);
        if (ok && !wrong) ++tokens[in_flight[k]].counter;
        return ok;
      });
  const long answered = static_cast<long>(r.answered);
  bench::CheckGrowth(config.name, "audit entries", serve.AuditCount() - audit_before, answered, answered, r);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.osprey = OSPREY_BINARY;
  o.configs = {"sqlite-1",       "sqlite-8", "sqlite-32",  "sqlite-32-wrong",
               "sqlite-32-100k", "pg-32",    "pg-32-wrong"};
  bench::ParseServeBenchOptions(argc, argv, o, [&o](const std::string& a, const auto& next) {
    if (a != "--extra-tokens") return false;
    o.extra_tokens = std::stoi(next());
    return true;
  });
  bench::RunConfigurations(
      o, "POST /validate/check (HOTP, PIN+OTP)", "tokens", {"wrong", "100k"},
      [&](const ConfigName& config) { return Start(o, config); },
      [&](ValidateServer& server, const ConfigName& config, const std::string& perf) {
        return RunOnce(o, server, config, perf);
      },
      [&](const ConfigName& config) { return o.users + (config.variant == "100k" ? o.extra_tokens : 0L); });
  return 0;
}
