// Issue 3 acceptance: 8 clients send 1,000 messages while the gateway is killed with SIGKILL at a random
// moment; after a restart every message that got a 200 is in the store and is eventually dispatched, and none
// is dispatched twice unless it was in `submitting` at the kill. The real binary with group commit on and two
// loopback modems that append every accepted part to a record file (O_APPEND, so what a modem accepted
// before the kill is in the file: the page cache outlives the process).
//
// The moment of the kill is a number of answered requests drawn from a seeded generator; the seed is printed
// and can be fixed with OSPREY_DURABILITY_SEED to replay a failure.
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "osprey/http/client.hpp"
#include "tests/blackbox/gateway_fixture.hpp"

namespace osprey::blackbox {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kClients = 8;
constexpr int kMessages = 1000;
constexpr int kModems = 2;

class GatewayDurabilityTest : public GatewayTest {
 protected:
  void SetUp() override {
    keep_dir_on_failure_ = true;
    GatewayTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    record_file_ = dir_ + "/submitted.jsonl";
    token_ =
        AddUserWithToken("durability-" + std::to_string(getpid()), {"messages.send_sms", "messages.read"});
    ASSERT_FALSE(token_.empty());
    env_["OSPREY_GATEWAY_GROUP_COMMIT"] = "true";
    env_["OSPREY_GATEWAY_MODEM_DRIVER"] = "loopback";
    env_["OSPREY_GATEWAY_MODEM_COUNT"] = std::to_string(kModems);
    env_["OSPREY_GATEWAY_MODEM_OPTIONS"] = "delay_ms=2,record_file=" + record_file_;
    env_["OSPREY_GATEWAY_LEASE_MS"] = "1000";  // a killed sender's messages come back after a second
  }
  void Start(const std::string& log) { GatewayTest::Start(log, 30s); }

  http::ClientRequest Request(const std::string& method, const std::string& path, const std::string& body) {
    http::ClientRequest req = MakeRequest(method, path, body, "application/json", {{"access-token", token_}});
    req.connect_timeout = 1000ms;
    req.timeout = 5000ms;
    return req;
  }

  // (message id, part) -> how often a modem accepted it, from the record file.
  std::map<std::pair<std::int64_t, int>, int> Submissions() {
    std::map<std::pair<std::int64_t, int>, int> seen;
    std::ifstream in(record_file_);
    for (std::string line; std::getline(in, line);) {
      auto j = json::parse(line, nullptr, false);
      if (j.is_discarded()) {
        ADD_FAILURE() << "torn record line: " << line;
        continue;
      }
      ++seen[{j["message_id"].get<std::int64_t>(), j["part"].get<int>()}];
    }
    return seen;
  }

  std::int64_t OutboxCount(http::HttpClient& client) {
    auto r = client.Send(Request("GET", "/api/v2/messages/count/outbox", ""));
    if (!r.ok() || r->status != 200) return -1;
    auto j = json::parse(r->body, nullptr, false);
    return j.is_object() && j.contains("outbox") ? j["outbox"].get<std::int64_t>() : -1;
  }

  std::string record_file_, token_;
};

TEST_P(GatewayDurabilityTest, EveryAcceptedMessageIsDispatchedAfterASigkill) {
  std::uint64_t seed = std::random_device{}();
  if (const char* fixed = std::getenv("OSPREY_DURABILITY_SEED")) seed = std::stoull(fixed);
  std::mt19937_64 rng(seed);
  const int kill_after = std::uniform_int_distribution<int>(50, kMessages - 250)(rng);
  std::cout << "durability seed " << seed << " (OSPREY_DURABILITY_SEED), SIGKILL after " << kill_after
            << " answers" << std::endl;
  Start("serve-1.log");

  std::mutex mu;
  std::set<std::int64_t> accepted;  // ids that got a 200
  std::atomic<int> answered{0}, refused{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto client = http::MakeCurlHttpClient();
      for (int i = 0; i < kMessages / kClients; ++i) {
        const std::string body = R"({"to":["+49151)" + std::to_string(1000000 + c * 1000 + i) +
                                 R"("],"text":"durability )" + std::to_string(c) + "/" + std::to_string(i) +
                                 "\"}";
        auto r = client->Send(Request("POST", "/api/v2/messages/sms", body));
        if (!r.ok() || r->status != 200) {
          ++refused;
          std::this_thread::sleep_for(50ms);  // the gateway is down: spread the rest over the restart
          continue;
        }
        ++answered;
        auto items = json::parse(r->body, nullptr, false);
        if (items.is_discarded() || !items.is_array() || items.size() != 1 ||
            items[0]["status"] != "queued") {
          ADD_FAILURE() << "unexpected 200 body: " << r->body;
          continue;
        }
        std::lock_guard lock(mu);
        accepted.insert(items[0]["id"].get<std::int64_t>());
      }
    });
  }
  while (answered.load() < kill_after && refused.load() == 0) std::this_thread::sleep_for(1ms);
  proc_->Signal(SIGKILL);
  ASSERT_TRUE(proc_->WaitExit(10s).has_value());
  const int answered_at_kill = answered.load();
  Start("serve-2.log");
  for (auto& t : clients) t.join();
  std::cout << answered_at_kill << " answered before the kill, " << accepted.size() << " accepted in all, "
            << refused.load() << " refused" << std::endl;
  ASSERT_GT(answered_at_kill, 0);
  ASSERT_FALSE(accepted.empty());

  // Every accepted message goes out (the restarted gateway resends what the killed one left behind).
  auto client = http::MakeCurlHttpClient();
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  std::map<std::pair<std::int64_t, int>, int> sent;
  std::size_t missing = accepted.size();
  std::int64_t outbox = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    sent = Submissions();
    missing = 0;
    for (std::int64_t id : accepted) missing += sent.count({id, 1}) == 0 ? 1 : 0;
    outbox = OutboxCount(*client);
    if (missing == 0 && outbox == 0) break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(missing, 0u) << "accepted messages never dispatched";
  EXPECT_EQ(outbox, 0) << "messages left in the outbox";

  // Each accepted message is in the store, in the sent folder.
  for (std::int64_t id : accepted) {
    auto r = client->Send(Request("GET", "/api/v2/messages/status/" + std::to_string(id), ""));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200) << id << " " << r->body;
    EXPECT_EQ(json::parse(r->body).value("folder", ""), "sentitems") << id << " " << r->body;
  }
  // Only a part in `submitting` at the kill (at most one per modem) may have gone out twice.
  int duplicated = 0;
  for (const auto& [key, count] : sent) {
    EXPECT_LE(count, 2) << "message " << key.first << " part " << key.second;
    duplicated += count > 1 ? 1 : 0;
  }
  EXPECT_LE(duplicated, kModems);
  std::cout << sent.size() << " parts dispatched, " << duplicated << " of them twice" << std::endl;
}

INSTANTIATE_TEST_SUITE_P(Engines, GatewayDurabilityTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osprey::blackbox
