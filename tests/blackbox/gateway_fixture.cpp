#include "tests/blackbox/gateway_fixture.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace osprey::blackbox {

void GatewayTest::SetUp() {
  if (GetParam() == "postgresql") {
    const char* url = std::getenv("OSPREY_TEST_POSTGRES_URL");
    if (url == nullptr || *url == '\0') GTEST_SKIP() << "OSPREY_TEST_POSTGRES_URL not set";
    env_["OSPREY_DATABASE_URL"] = url;
  }
  dir_ = MakeTempDir();
  ASSERT_EQ(RunOsprey({"init", "--dir", dir_ + "/data"}).exit_code, 0);
  port_ = FreePort();
  env_["OSPREY_MFA_ENABLED"] = "false";
  env_["OSPREY_GATEWAY_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
}

void GatewayTest::TearDown() {
  proc_.reset();
  if (!dir_.empty() && !(keep_dir_on_failure_ && HasFailure())) RemoveTree(dir_);
}

std::string GatewayTest::UniqueSuffix() {
  static int counter = 0;
  return std::to_string(getpid()) + "-" + std::to_string(++counter);
}

RunResult GatewayTest::Gw(std::vector<std::string> args) {
  args.insert(args.begin(), "gateway");
  args.insert(args.end(), {"--config", dir_ + "/data/osprey.toml"});
  return RunOsprey(args, env_);
}

std::string GatewayTest::AddUserWithToken(const std::string& name,
                                          const std::vector<std::string>& permissions,
                                          const std::vector<std::string>& add_flags,
                                          const std::vector<std::string>& generate_flags) {
  std::vector<std::string> add = {"user", "add", name};
  add.insert(add.end(), add_flags.begin(), add_flags.end());
  auto added = Gw(add);
  EXPECT_EQ(added.exit_code, 0) << added.output;
  std::vector<std::string> generate = {"token", "generate", name};
  generate.insert(generate.end(), generate_flags.begin(), generate_flags.end());
  generate.push_back("--json");
  auto gen = Gw(generate);
  EXPECT_EQ(gen.exit_code, 0) << gen.output;
  if (!permissions.empty()) {
    std::vector<std::string> permit = {"token", "permit", name};
    for (const auto& p : permissions) permit.insert(permit.end(), {"--grant", p});
    auto permitted = Gw(permit);
    EXPECT_EQ(permitted.exit_code, 0) << permitted.output;
  }
  return gen.exit_code == 0 ? nlohmann::json::parse(gen.output)["token"].get<std::string>() : "";
}

void GatewayTest::Start(const std::string& log, std::chrono::milliseconds timeout) {
  proc_.reset();
  proc_ = std::make_unique<OspreyProcess>(
      std::vector<std::string>{"serve", "--config", dir_ + "/data/osprey.toml"}, env_, dir_ + "/" + log);
  ASSERT_TRUE(WaitHealthy(port_, timeout)) << ReadFile(dir_ + "/" + log);
}

http::ClientRequest GatewayTest::MakeRequest(const std::string& method, const std::string& path,
                                             const std::string& body, const std::string& content_type,
                                             const Headers& headers) const {
  http::ClientRequest req;
  req.method = method;
  req.url = "http://127.0.0.1:" + std::to_string(port_) + path;
  req.body = body;
  if (!content_type.empty()) req.headers.Add("Content-Type", content_type);
  for (const auto& [k, v] : headers) req.headers.Add(k, v);
  return req;
}

http::ClientResponse GatewayTest::Call(const std::string& method, const std::string& path,
                                       const std::string& body, const std::string& content_type,
                                       const Headers& headers) {
  auto r = client_->Send(MakeRequest(method, path, body, content_type, headers));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
  return r.ok() ? *r : http::ClientResponse{};
}

}  // namespace osprey::blackbox
