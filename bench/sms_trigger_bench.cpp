// Closed-loop load test of SMS challenge triggers end to end (issue 6 acceptance): POST /validate/check with
// the PIN of an SMS token, answered "authentication":"CHALLENGE" after the PIN check, the counter step and
// the HttpSMSProvider's POST to the SMS gateway's /api/v2/messages/sms, which answers `queued` once the
// message is committed to its outbox. The REAL `osprey serve` runs BOTH services in one process (MFA server
// and gateway, as scripts/run.sh runs them) as a child process on a fresh data directory per configuration,
// so the RSS and the CPU time read from /proc/<pid> are the whole chain's and nothing else's.
//
// Set up as scripts/run.sh does, on the command line before the server starts: `osprey mfa admin add`; a
// gateway user "privacyidea" (level user, APIv2) whose token may only messages.send_sms; a second gateway
// user "bench-reader" (access to all users' resources) whose token may only messages.read, for the checks;
// `osprey mfa smsgateway set smseagle` with the manual's HttpSMSProvider options (URL
// http://127.0.0.1:<gateway port>/api/v2/messages/sms, POST, JSON, to ["{phone}"], text "Your OTP code is:
// {otp}", RETURN_SUCCESS queued, RETURN_FAIL REJECTED, TIMEOUT 3, header access-token = the token, given on
// stdin); `osprey mfa config set sms.identifier smseagle`. Then through the MFA API: POST /auth, resolver
// res1 (sql), realm realm1, --users users u<i> with one SMS token each (serial SMS<i>, PIN "pin<i>", genkey,
// phone +1555<i as 7 digits>), over --setup-connections keep-alive connections.
//
// The gateway has no modem (gateway.modem_count = 0: messages are accepted and stored, none is sent), so
// "queued" means committed to the outbox and nothing else runs beside the chain. The "-loopback" variant
// gives it one in-memory loopback modem (gateway.modem_driver = loopback), which sends every message at once:
// the cost of dispatching on top.
//
// Load: C keep-alive connections (one epoll thread, bench_util.hpp ClosedLoopClient); connection k owns the
// users i with i mod C == k and cycles through them, so no two requests in flight share a user; each request
// is `user=u<i>&pass=pin<i>` and must be answered 200 with "authentication":"CHALLENGE" (anything else is an
// error). Each configuration gets one server and one setup, then --runs runs of --warmup + --seconds; the
// median run (by rate) is reported. After each run: the MFA audit (GET /audit/ count) must have grown by
// exactly the number of requests answered, and the gateway's stored messages (GET /api/v2/messages/count as
// bench-reader: outbox + sent + error) by at least the number of CHALLENGE replies and at most the number of
// requests; after the last run the server is stopped and `osprey audit verify` must pass.
//
// A plain main, not Google Benchmark (see gateway_send_bench.cpp for why); the server child, the measured run
// and the table row are serve_bench.hpp's, shared with validate_bench.
//
//   sms_trigger_bench [--osprey PATH] [--configs sqlite-1,sqlite-8,sqlite-32,sqlite-32-loopback,pg-32]
//                     [--pg URL] [--seconds 5] [--warmup 1] [--runs 3] [--users 1024]
//                     [--setup-connections 32] [--dir /tmp] [--perf SECONDS] [--server-env K=V,K=V]
//
// --pg URL: a PostgreSQL maintenance URL (e.g. postgresql://u:p@host:5432/postgres); each pg configuration
// gets a fresh database (createdb/dropdb). Without --pg the pg configurations are skipped.
// --perf S: during the first run's measurement of each configuration, `perf record -F 999` the server (flat
// profile) for S seconds into <dir>/perf-<config>.data (kept), for `perf report`.
// --server-env OSPREY_X=V,...: settings of the server under test (docs/configuration.md's environment
// overrides), e.g. OSPREY_DATABASE_POOL_SIZE=64.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "serve_bench.hpp"

#ifndef OSPREY_BINARY
#define OSPREY_BINARY "osprey"
#endif

namespace {

using namespace osprey;
using bench::ConfigName;
using bench::Die;
using bench::Form;
using bench::HttpReply;
using bench::RunResult;
using bench::ServeUnderTest;

constexpr const char* kHttpModule = "privacyidea.lib.smsprovider.HttpSMSProvider.HttpSMSProvider";

struct Options : bench::ServeBenchOptions {
  std::vector<std::string> server_env;  // OSPREY_X=V settings of the server (--server-env)
};

// ---- the server under test -------------------------------------------------------------------------------

// A gateway user with an APIv2 token that may do `permission` only; the token.
std::string GatewayToken(ServeUnderTest& server, const std::string& user, const std::string& permission,
                         bool all_resources) {
  server.Osprey({"gateway", "user", "add", user, "--level", "user", "--apiv2", "true", "--all-resources",
                 all_resources ? "true" : "false"});
  const auto generated =
      nlohmann::json::parse(server.Osprey({"gateway", "token", "generate", user, "--json"}));
  server.Osprey({"gateway", "token", "permit", user, "--grant", permission});
  return generated.at("token").get<std::string>();
}

// Both services in one `osprey serve`, set up as scripts/run.sh does.
struct SmsServer {
  std::unique_ptr<ServeUnderTest> serve;
  std::uint16_t gateway_port = 0;
  std::string reader_token;  // bench-reader's: messages.read only

  bool dispatching = false;  // the -loopback variant: a modem sends the outbox

  // The messages the gateway holds: outbox + sent + error of GET /api/v2/messages/count (delivered is a
  // part of sent, the inbox holds received ones). The endpoint counts each folder in a read of its own, so a
  // message that the dispatcher moves from the outbox to sent between the two may be counted twice or not at
  // all: with a modem, the count is taken once the outbox is empty (up to 30 s after the load stopped).
  long StoredMessages() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
      const auto counts = bench::Call(
          gateway_port,
          bench::HttpRequest("GET", "/api/v2/messages/count", "", {{"access-token", reader_token}}),
          "GET /api/v2/messages/count");
      const long outbox = counts.at("outbox").get<long>();
      if (!dispatching || outbox == 0 || std::chrono::steady_clock::now() >= deadline) {
        return outbox + counts.at("sent").get<long>() + counts.at("error").get<long>();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
};

// The gateway (no modem, or one loopback modem), its two accounts, the HttpSMSProvider definition and
// sms.identifier, on the command line before the server starts.
void Configure(const Options& o, const ConfigName& config, SmsServer& server) {
  auto& env = server.serve->env();
  env["OSPREY_GATEWAY_ENABLED"] = "true";
  env["OSPREY_GATEWAY_LISTEN"] = "127.0.0.1:" + std::to_string(server.gateway_port);
  env["OSPREY_GATEWAY_MODEM_DRIVER"] = "loopback";
  env["OSPREY_GATEWAY_MODEM_COUNT"] = config.variant == "loopback" ? "1" : "0";
  for (const std::string& setting : o.server_env) {
    const auto eq = setting.find('=');
    if (eq == std::string::npos || setting.rfind("OSPREY_", 0) != 0) Die("--server-env " + setting);
    env[setting.substr(0, eq)] = setting.substr(eq + 1);
  }
  const std::string sender_token = GatewayToken(*server.serve, "privacyidea", "messages.send_sms", false);
  server.reader_token = GatewayToken(*server.serve, "bench-reader", "messages.read", true);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.gateway_port) + "/api/v2/messages/sms";
  server.serve->Osprey({"mfa",      "smsgateway",
                        "set",      "smseagle",
                        "--module", kHttpModule,
                        "--option", "URL=" + url,
                        "--option", "HTTP_METHOD=POST",
                        "--option", "SEND_DATA_AS_JSON=yes",
                        "--option", "to=[\"{phone}\"]",
                        "--option", "text=\"Your OTP code is: {otp}\"",
                        "--option", "RETURN_SUCCESS=queued",
                        "--option", "RETURN_FAIL=REJECTED",
                        "--option", "TIMEOUT=3",
                        "--header", "access-token"},
                       sender_token + "\n");
  server.serve->Osprey({"mfa", "config", "set", "sms.identifier", "smseagle"});
}

// Resolver, realm, users and their SMS tokens, over --setup-connections.
void AddUsers(const Options& o, ServeUnderTest& server) {
  server.Admin("POST", "/resolver/res1", "type=sql");
  server.Admin("POST", "/realm/realm1", "resolvers=res1");
  std::vector<std::string> user_requests, token_requests;
  for (int i = 0; i < o.users; ++i) {
    const std::string user = "u" + std::to_string(i);
    char phone[32];
    std::snprintf(phone, sizeof phone, "%%2B1555%07d", i);  // "+" escaped in the form
    user_requests.push_back(
        server.AdminRequest("POST", "/user/", Form({{"user", user}, {"resolver", "res1"}})));
    token_requests.push_back(server.AdminRequest("POST", "/token/init",
                                                 Form({{"type", "sms"},
                                                       {"serial", "SMS" + std::to_string(i)},
                                                       {"genkey", "1"},
                                                       {"pin", "pin" + std::to_string(i)},
                                                       {"phone", phone},
                                                       {"user", user}})));
  }
  bench::SendAll(server.port(), o.setup_connections, user_requests, "POST /user/");
  bench::SendAll(server.port(), o.setup_connections, token_requests, "POST /token/init type=sms");
}

std::unique_ptr<SmsServer> Start(const Options& o, const ConfigName& config) {
  auto server = std::make_unique<SmsServer>();
  server->serve = std::make_unique<ServeUnderTest>(o.osprey, o.dir, config.postgres ? o.pg : "", "sms-bench");
  server->gateway_port = bench::FreePort();
  server->dispatching = config.variant == "loopback";
  Configure(o, config, *server);
  server->serve->Start({server->gateway_port});
  AddUsers(o, *server->serve);
  return server;
}

// ---- one run ---------------------------------------------------------------------------------------------

bool IsChallenge(const HttpReply& r) {
  return r.status == 200 && r.body.find("\"authentication\":\"CHALLENGE\"") != std::string_view::npos;
}

// One run; connection k cycles through the users k, k + C, k + 2C, ... Checks the audit and the gateway's
// store afterwards.
RunResult RunOnce(const Options& o, const SmsServer& server, const ConfigName& config,
                  const std::string& perf_out) {
  ServeUnderTest& serve = *server.serve;
  const long audit_before = serve.AuditCount();
  const long stored_before = server.StoredMessages();
  const auto conns = static_cast<std::size_t>(config.clients);
  const auto users = static_cast<std::size_t>(o.users);
  std::vector<std::size_t> cursor(conns);
  for (std::size_t k = 0; k < conns; ++k) cursor[k] = k;
  RunResult r = bench::MeasureClosedLoop(
      serve.port(), serve.pid(), {config.clients, o.warmup, o.seconds, perf_out, o.perf_seconds},
      [&](std::size_t k) {
        const std::string i = std::to_string(cursor[k]);
        cursor[k] = cursor[k] + conns < users ? cursor[k] + conns : k;
        return bench::HttpRequest("POST", "/validate/check", "user=u" + i + "&pass=pin" + i);
      },
      [&](std::size_t, const HttpReply& reply) { return IsChallenge(reply); });
  const long answered = static_cast<long>(r.answered);
  const long challenges = answered - static_cast<long>(r.errors);
  bench::CheckGrowth(config.name, "audit entries", serve.AuditCount() - audit_before, answered, answered, r);
  bench::CheckGrowth(config.name, "stored SMS", server.StoredMessages() - stored_before, challenges, answered,
                     r);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.osprey = OSPREY_BINARY;
  o.configs = {"sqlite-1", "sqlite-8", "sqlite-32", "sqlite-32-loopback", "pg-32"};
  bench::ParseServeBenchOptions(argc, argv, o, [&o](const std::string& a, const auto& next) {
    if (a != "--server-env") return false;
    o.server_env = bench::SplitComma(next());
    return true;
  });
  bench::RunConfigurations(
      o, "POST /validate/check pass=PIN -> SMS via HTTP to the gateway -> CHALLENGE", "users", {"loopback"},
      [&](const ConfigName& config) { return Start(o, config); },
      [&](SmsServer& server, const ConfigName& config, const std::string& perf) {
        return RunOnce(o, server, config, perf);
      },
      [&](const ConfigName&) { return static_cast<long>(o.users); });
  return 0;
}
