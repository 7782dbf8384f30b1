// Test support for the /system/ and /policy/ handler tests (header-only, so the module glob leaves it out):
// the AuthTest database (users, policies, admins) plus the system config and the audit log, an ApiContext
// over them, a router with AddSystemRoutes and AddPolicyRoutes, and an admin JWT.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "mfa/api/api_context.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/auth/test_auth.hpp"
#include "mfa/system/system_config.hpp"
#include "osprey/core/sealer.hpp"
#include "osprey/http/router.hpp"

namespace osprey::mfa::api::testing {

struct Reply {
  int status = 0;
  nlohmann::json body;
};

class ConfigApiTest : public auth::testing::AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    for (const sql::MigrationSet* set : {&system::SystemMigrations(), &audit::AuditMigrations()}) {
      auto applied = sql::ApplyMigrations(*db_, *set);
      ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    }
    config_ = std::make_unique<system::SystemConfig>(*db_, clock_, sealer_);
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_, ring_);
    ctx_.clock = &clock_;
    ctx_.config = config_.get();
    ctx_.policies = policies_.get();
    ctx_.directory = directory_.get();
    ctx_.audit = audit_.get();
    ctx_.auth = auth_.get();
    ctx_.admins = admins_.get();
    AddSystemRoutes(router_, ctx_);
    AddPolicyRoutes(router_, ctx_);
    AddAdmin("admin", "adminpw");
    auto login = auth_->Login("admin", Secret("adminpw"), "", true, "10.0.0.1");
    ASSERT_TRUE(login.ok()) << login.error().message;
    token_ = login->token;
  }

  // Calls the route for `method` `path` with form fields (or a JSON body) as the admin (or with `token`).
  Reply Call(const std::string& method, const std::string& path, http::Pairs form = {},
             std::optional<nlohmann::json> json = std::nullopt, std::optional<std::string> token = {}) {
    http::Request request;
    request.method = method;
    request.path = path;
    request.target = path;
    request.remote_address = "10.0.0.1";
    request.form = std::move(form);
    request.json = std::move(json);
    if (request.json) request.body = request.json->dump();
    return Send(std::move(request), token);
  }

  // Calls the route for a request built by the test (method, path, target, query, form, body, json set).
  Reply Send(http::Request request, std::optional<std::string> token = {}) {
    const std::string jwt = token.value_or(token_);
    if (!jwt.empty()) request.headers.Add("PI-Authorization", jwt);
    auto match = router_.Find(request.method, request.path, request);
    if (match.kind != http::Router::MatchKind::kFound) {
      ADD_FAILURE() << "no route for " << request.method << " " << request.path;
      return {};
    }
    http::Response response = (*match.handler)(request);
    return {response.status, nlohmann::json::parse(response.body)};
  }

  static void ExpectError(const Reply& r, int status, int code, const std::string& message) {
    EXPECT_EQ(r.status, status) << r.body.dump();
    EXPECT_EQ(r.body["result"]["status"], false) << r.body.dump();
    EXPECT_EQ(r.body["result"]["error"]["code"], code) << r.body.dump();
    EXPECT_EQ(r.body["result"]["error"]["message"], message) << r.body.dump();
  }

  std::vector<audit::AuditEntry> AuditEntries() {
    auto page = audit_->Query(audit::AuditFilter{});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->entries : std::vector<audit::AuditEntry>{};
  }

  crypto::Sealer sealer_{ring_.Clone()};
  std::unique_ptr<system::SystemConfig> config_;
  std::unique_ptr<audit::AuditLog> audit_;
  ApiContext ctx_;
  http::Router router_;
  std::string token_;
};

}  // namespace osprey::mfa::api::testing
