#include "cli/settings.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace osprey::cli {
namespace {

TEST(SettingsTest, EveryOptionIsDocumented) {
  std::ifstream in(std::string(OSPREY_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  for (const auto& o : OspreySchema().options()) {
    EXPECT_NE(doc.find("`" + o.key + "`"), std::string::npos) << o.key << " is not in docs/configuration.md";
    EXPECT_NE(doc.find(config::Schema::EnvName(o.key)), std::string::npos) << o.key;
  }
}

TEST(SettingsTest, DefaultsParse) {
  auto cfg = config::Config::Parse(OspreySchema(), "", "defaults", {});
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->GetString("mfa.listen"), "127.0.0.1:5000");
  EXPECT_EQ(cfg->GetString("gateway.listen"), "127.0.0.1:8080");
}

struct ListenCase {
  std::string text;
  bool ok;
  std::string host;
  int port;
};

TEST(SettingsTest, ParseListenTable) {
  const ListenCase cases[] = {
      {"127.0.0.1:5000", true, "127.0.0.1", 5000},
      {"[::1]:8080", true, "::1", 8080},
      {":9000", true, "::", 9000},
      {"localhost:1", true, "localhost", 1},
      {"127.0.0.1", false, "", 0},
      {"127.0.0.1:http", false, "", 0},
      {"127.0.0.1:70000", false, "", 0},
      {"127.0.0.1:", false, "", 0},
  };
  for (const auto& c : cases) {
    auto r = ParseListen("mfa.listen", c.text);
    EXPECT_EQ(r.ok(), c.ok) << c.text;
    if (!r.ok()) {
      EXPECT_NE(r.error().message().find("mfa.listen"), std::string::npos);
      continue;
    }
    EXPECT_EQ(r->address, c.host) << c.text;
    EXPECT_EQ(r->port, c.port) << c.text;
  }
}

}  // namespace
}  // namespace osprey::cli
