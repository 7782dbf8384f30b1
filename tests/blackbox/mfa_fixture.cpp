#include "tests/blackbox/mfa_fixture.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "osprey/http/message.hpp"

namespace osprey::blackbox {

using namespace std::chrono_literals;

std::string Reply::message() const {
  if (!body.is_object() || !body.contains("detail") || !body["detail"].is_object()) return "";
  const auto& d = body["detail"];
  return d.contains("message") && d["message"].is_string() ? d["message"].get<std::string>() : "";
}

std::string Reply::authentication() const {
  if (!body.is_object() || !body.contains("result")) return "";
  const auto& r = body["result"];
  return r.contains("authentication") ? r["authentication"].get<std::string>() : "";
}

int Reply::error_code() const { return body.at("result").at("error").at("code").get<int>(); }
std::string Reply::error_message() const {
  return body.at("result").at("error").at("message").get<std::string>();
}

void MfaTest::SetUp() {
  static int counter = 0;
  if (GetParam() == "postgresql") {
    const char* url = std::getenv("OSPREY_TEST_POSTGRES_URL");
    if (url == nullptr || *url == '\0') GTEST_SKIP() << "OSPREY_TEST_POSTGRES_URL not set";
    maintenance_url_ = url;
    database_ = "osprey_mfa_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    auto created = RunProgram({"/usr/bin/createdb", "--maintenance-db=" + maintenance_url_, database_}, 30s);
    ASSERT_EQ(created.exit_code, 0) << created.output;
    env_["OSPREY_DATABASE_URL"] = maintenance_url_.substr(0, maintenance_url_.rfind('/') + 1) + database_;
  }
  dir_ = MakeTempDir();
  auto init = RunOsprey({"init", "--dir", dir_ + "/data"}, env_);
  ASSERT_EQ(init.exit_code, 0) << init.output;
  port_ = FreePort();
  env_["OSPREY_GATEWAY_ENABLED"] = "false";
  env_["OSPREY_MFA_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
  auto added = Mfa({"admin", "add", kAdmin}, std::string(kAdminPassword) + "\n");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  Start();
  ASSERT_FALSE(HasFatalFailure());
  admin_token_ = Login(kAdmin, kAdminPassword);
  ASSERT_FALSE(admin_token_.empty());
}

void MfaTest::TearDown() {
  proc_.reset();
  if (!database_.empty()) {
    RunProgram({"/usr/bin/dropdb", "--maintenance-db=" + maintenance_url_, database_}, 30s);
  }
  if (!dir_.empty()) RemoveTree(dir_);
}

RunResult MfaTest::Mfa(std::vector<std::string> args, const std::string& input) {
  args.insert(args.begin(), "mfa");
  return Osprey(std::move(args), input);
}

RunResult MfaTest::Osprey(std::vector<std::string> args, const std::string& input) {
  args.insert(args.end(), {"--config", dir_ + "/data/osprey.toml"});
  return RunOspreyWithInput(args, env_, input);
}

void MfaTest::Start() {
  proc_.reset();
  proc_ = std::make_unique<OspreyProcess>(
      std::vector<std::string>{"serve", "--config", dir_ + "/data/osprey.toml"}, env_, dir_ + "/serve.log");
  ASSERT_TRUE(WaitHealthy(port_, 20s)) << ReadFile(dir_ + "/serve.log");
}

std::string MfaTest::Encode(const Fields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += http::PercentEncode(k, true) + "=" + http::PercentEncode(v, true);
  }
  return out;
}

http::ClientRequest MfaTest::MakeRequest(const std::string& method, const std::string& path) const {
  http::ClientRequest req;
  req.method = method;
  req.url = "http://127.0.0.1:" + std::to_string(port_) + path;
  req.timeout = 10s;
  return req;
}

Reply MfaTest::Send(http::ClientRequest request) {
  auto r = client_->Send(request);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
  Reply reply;
  if (!r.ok()) return reply;
  reply.status = r->status;
  reply.raw = r->body;
  reply.content_type = std::string(r->headers.Get("Content-Type").value_or(""));
  reply.body = nlohmann::json::parse(r->body, nullptr, false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

namespace {
void Authorize(http::ClientRequest& req, const std::string& token, const std::string& admin_token) {
  const std::string& t = token == "use-admin" ? admin_token : token;
  if (!t.empty()) req.headers.Add("PI-Authorization", t);
}
}  // namespace

Reply MfaTest::Post(const std::string& path, const Fields& form, const std::string& token) {
  auto req = MakeRequest("POST", path);
  req.body = Encode(form);
  req.headers.Add("Content-Type", "application/x-www-form-urlencoded");
  Authorize(req, token, admin_token_);
  return Send(std::move(req));
}

Reply MfaTest::PostJson(const std::string& path, const nlohmann::json& body, const std::string& token) {
  auto req = MakeRequest("POST", path);
  req.body = body.dump();
  req.headers.Add("Content-Type", "application/json");
  Authorize(req, token, admin_token_);
  return Send(std::move(req));
}

Reply MfaTest::Get(const std::string& path, const Fields& query, const std::string& token) {
  auto req = MakeRequest("GET", query.empty() ? path : path + "?" + Encode(query));
  Authorize(req, token, admin_token_);
  return Send(std::move(req));
}

Reply MfaTest::Delete(const std::string& path, const std::string& token) {
  auto req = MakeRequest("DELETE", path);
  Authorize(req, token, admin_token_);
  return Send(std::move(req));
}

std::string MfaTest::Login(const std::string& username, const std::string& password) {
  Reply r = Post("/auth", {{"username", username}, {"password", password}}, "");
  EXPECT_EQ(r.status, 200) << r.raw;
  if (r.status != 200) return "";
  return r.value().at("token").get<std::string>();
}

void MfaTest::CreateRealmWithAlice() {
  Reply res = Post("/resolver/res1", {{"type", "sql"}});
  ASSERT_EQ(res.status, 200) << res.raw;
  Reply realm = Post("/realm/realm1", {{"resolvers", "res1"}});
  ASSERT_EQ(realm.status, 200) << realm.raw;
  Reply user = Post("/user/", {{"user", "alice"},
                               {"resolver", "res1"},
                               {"password", "alice-pw"},
                               {"givenname", "Cornelius"},
                               {"surname", "Cunningham"},
                               {"email", "alice@example.org"},
                               {"mobile", "+4915112345678"}});
  ASSERT_EQ(user.status, 200) << user.raw;
}

Reply MfaTest::InitHotp(const std::string& serial, const std::string& user, const std::string& pin,
                        const Fields& extra) {
  Fields f = {{"type", "hotp"}, {"serial", serial}, {"otpkey", kRfcKey}, {"pin", pin}};
  if (!user.empty()) f.emplace_back("user", user);
  f.insert(f.end(), extra.begin(), extra.end());
  return Post("/token/init", f);
}

}  // namespace osprey::blackbox
