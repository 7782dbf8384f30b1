// The fixture shared by the MFA server's black-box tests: a fresh `osprey init` directory (on PostgreSQL a
// database of its own per test), an admin made with `osprey mfa admin add`, and the real `osprey serve` (MFA
// server only) on a free loopback port, talked to over HTTP as privacyIDEA clients do.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "osprey/http/client.hpp"
#include "tests/blackbox/harness.hpp"

namespace osprey::blackbox {

// Ordered form/query fields (repeated keys allowed).
using Fields = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 0;
  nlohmann::json body;  // null when the body is not JSON
  std::string raw;
  std::string content_type;

  // result.value / detail / result.error shortcuts.
  const nlohmann::json& value() const { return body.at("result").at("value"); }
  const nlohmann::json& detail() const { return body.at("detail"); }
  std::string message() const;         // detail.message, "" when absent
  std::string authentication() const;  // result.authentication, "" when absent
  int error_code() const;              // result.error.code
  std::string error_message() const;   // result.error.message
};

// Parameter: "sqlite" or "postgresql".
class MfaTest : public ::testing::TestWithParam<std::string> {
 protected:
  static constexpr const char* kAdmin = "admin";
  static constexpr const char* kAdminPassword = "admin-Secret-1";
  // The RFC 4226 test key and its first values (spec §14).
  static constexpr const char* kRfcKey = "3132333435363738393031323334353637383930";

  // Skips on "postgresql" without OSPREY_TEST_POSTGRES_URL; creates the data directory (and database), adds
  // the admin, starts the server and logs the admin in (admin_token_). A derived SetUp calls this first and
  // returns when IsSkipped() or HasFatalFailure().
  void SetUp() override;
  void TearDown() override;

  // `osprey mfa <args> --config ...` (and `osprey <args>` for Osprey()) with `input` on stdin.
  RunResult Mfa(std::vector<std::string> args, const std::string& input = "");
  RunResult Osprey(std::vector<std::string> args, const std::string& input = "");
  // (Re)starts the server; a fatal failure when it is not healthy in time.
  void Start();
  void Stop() { proc_.reset(); }

  // Requests. `token` is sent in PI-Authorization when not empty.
  Reply Post(const std::string& path, const Fields& form, const std::string& token = "use-admin");
  Reply PostJson(const std::string& path, const nlohmann::json& body, const std::string& token = "use-admin");
  Reply Get(const std::string& path, const Fields& query = {}, const std::string& token = "use-admin");
  Reply Delete(const std::string& path, const std::string& token = "use-admin");
  Reply Send(http::ClientRequest request);
  http::ClientRequest MakeRequest(const std::string& method, const std::string& path) const;

  // POST /auth; the JWT, or "" (and a test failure) when the login failed.
  std::string Login(const std::string& username, const std::string& password);

  // The common setup of spec §14: resolver "res1" (sql), realm "realm1" (default) with it, and user alice
  // (givenname Cornelius, surname Cunningham, mobile +4915112345678, password "alice-pw").
  void CreateRealmWithAlice();
  // POST /token/init for a HOTP token with the RFC key; returns the reply.
  Reply InitHotp(const std::string& serial, const std::string& user, const std::string& pin,
                 const Fields& extra = {});

  static std::string Encode(const Fields& fields);

  std::map<std::string, std::string> env_;
  std::string dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<OspreyProcess> proc_;
  std::unique_ptr<http::HttpClient> client_ = http::MakeCurlHttpClient();
  std::string admin_token_;
  std::string database_, maintenance_url_;  // PostgreSQL only
};

}  // namespace osprey::blackbox
