#include "osprey/core/logging.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "osprey/core/secret.hpp"

namespace osprey::logging {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(LoggingTest, JsonLinesAreValidJsonAndSecretsRedacted) {
  auto path = std::filesystem::temp_directory_path() / ("osprey_log_" + std::to_string(::getpid()) + ".log");
  std::filesystem::remove(path);
  ASSERT_TRUE(SetupLogging({"info", "json", path.string(), true}).ok());
  Secret pin("1234-very-secret");
  spdlog::info("quote \" backslash \\ newline \n pin {}", pin);
  spdlog::get("access")->info("GET /healthz 200");
  spdlog::default_logger()->flush();
  spdlog::get("access")->flush();
  std::string text = ReadAll(path.string());
  EXPECT_EQ(text.find("very-secret"), std::string::npos);
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j.contains("time"));
    EXPECT_TRUE(j.contains("level"));
    ++n;
  }
  EXPECT_EQ(n, 2);
  std::filesystem::remove(path);
}

TEST(LoggingTest, RejectsUnknownLevelAndFormat) {
  EXPECT_FALSE(SetupLogging({"loud", "text", "", true}).ok());
  EXPECT_FALSE(SetupLogging({"info", "xml", "", true}).ok());
}

TEST(LoggingTest, JsonEscape) { EXPECT_EQ(JsonEscape("a\"b\n"), "a\\\"b\\n"); }

}  // namespace
}  // namespace osprey::logging
