// The fixture shared by the gateway black-box tests: a fresh `osprey init` directory, gateway users with
// tokens made through the CLI, and the real `osprey serve` (gateway only) on a free loopback port.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "osprey/http/client.hpp"
#include "tests/blackbox/harness.hpp"

namespace osprey::blackbox {

// Parameter: "sqlite" or "postgresql".
class GatewayTest : public ::testing::TestWithParam<std::string> {
 protected:
  using Headers = std::map<std::string, std::string>;

  // Skips the test on "postgresql" when OSPREY_TEST_POSTGRES_URL is unset; otherwise makes a temp dir, runs
  // `osprey init` in it, picks a free port and sets the environment for a gateway-only `serve`. Does not
  // start the server. A derived SetUp calls this first and returns when IsSkipped() or HasFatalFailure().
  void SetUp() override;
  // Stops the server and removes the temp dir (kept when keep_dir_on_failure_ is set and the test failed).
  void TearDown() override;

  // "<pid>-<n>", distinct for every call in this process: on PostgreSQL every test shares one database.
  static std::string UniqueSuffix();

  // Runs `osprey gateway <args> --config <dir>/data/osprey.toml` with env_.
  RunResult Gw(std::vector<std::string> args);
  // `gateway user add <name> <add_flags>`, `token generate <name> <generate_flags> --json` and, when
  // `permissions` is not empty, `token permit <name> --grant <p>...`. Returns the token; empty (and a test
  // failure) when generating it failed.
  std::string AddUserWithToken(const std::string& name, const std::vector<std::string>& permissions,
                               const std::vector<std::string>& add_flags = {},
                               const std::vector<std::string>& generate_flags = {});

  // (Re)starts `osprey serve` with env_, logging to <dir>/<log>; a fatal failure when it is not healthy
  // within `timeout`.
  void Start(const std::string& log = "serve.log",
             std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Stops the server (SIGKILL if it is still running).
  void Stop() { proc_.reset(); }

  // A request to the gateway: `content_type` (when not empty) first, then `headers`.
  http::ClientRequest MakeRequest(const std::string& method, const std::string& path, const std::string& body,
                                  const std::string& content_type, const Headers& headers = {}) const;
  // Sends MakeRequest(...) with client_; a transport error is a test failure and an empty response.
  http::ClientResponse Call(const std::string& method, const std::string& path, const std::string& body,
                            const std::string& content_type, const Headers& headers = {});

  std::map<std::string, std::string> env_;
  std::string dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<OspreyProcess> proc_;
  std::unique_ptr<http::HttpClient> client_ = http::MakeCurlHttpClient();
  bool keep_dir_on_failure_ = false;
};

}  // namespace osprey::blackbox
