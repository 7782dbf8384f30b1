#include "osprey/core/config.hpp"

#include <gtest/gtest.h>

namespace osprey::config {
namespace {

Schema TestSchema() {
  Schema s;
  s.Add({"database.url", Type::kString, "sqlite://osprey.db", "Database URL"})
      .Add({"database.pool_size", Type::kInt, "8", "Sessions in the pool"})
      .Add({"log.json", Type::kBool, "false", "JSON lines"})
      .Add({"http.ratio", Type::kDouble, "0.5", "A float"});
  return s;
}

TEST(ConfigTest, DefaultsApplyWhenUnset) {
  auto cfg = Config::Parse(TestSchema(), "", "test.toml", {});
  ASSERT_TRUE(cfg.ok()) << cfg.error().ToString();
  EXPECT_EQ(cfg->GetString("database.url"), "sqlite://osprey.db");
  EXPECT_EQ(cfg->GetInt("database.pool_size"), 8);
  EXPECT_FALSE(cfg->GetBool("log.json"));
  EXPECT_DOUBLE_EQ(cfg->GetDouble("http.ratio"), 0.5);
  EXPECT_FALSE(cfg->IsSet("database.url"));
}

TEST(ConfigTest, FileValuesOverrideDefaults) {
  auto cfg =
      Config::Parse(TestSchema(), "[database]\nurl = \"postgresql://x\"\npool_size = 3\n[http]\nratio = 2\n",
                    "test.toml", {});
  ASSERT_TRUE(cfg.ok()) << cfg.error().ToString();
  EXPECT_EQ(cfg->GetString("database.url"), "postgresql://x");
  EXPECT_EQ(cfg->GetInt("database.pool_size"), 3);
  EXPECT_DOUBLE_EQ(cfg->GetDouble("http.ratio"), 2.0);
  EXPECT_TRUE(cfg->IsSet("database.url"));
}

TEST(ConfigTest, UnknownKeyNamesKeyAndFile) {
  auto cfg = Config::Parse(TestSchema(), "[database]\nurll = \"x\"\n", "/etc/osprey.toml", {});
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.error().message().find("database.urll"), std::string::npos);
  EXPECT_NE(cfg.error().message().find("/etc/osprey.toml"), std::string::npos);
}

TEST(ConfigTest, UnknownSectionAndTopLevelKeyAreErrors) {
  EXPECT_FALSE(Config::Parse(TestSchema(), "[nosuch]\na = 1\n", "f", {}).ok());
  EXPECT_FALSE(Config::Parse(TestSchema(), "a = 1\n", "f", {}).ok());
}

TEST(ConfigTest, WrongTypeIsAnError) {
  auto cfg = Config::Parse(TestSchema(), "[database]\npool_size = \"8\"\n", "f", {});
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.error().message().find("database.pool_size"), std::string::npos);
}

TEST(ConfigTest, SyntaxErrorGivesLine) {
  auto cfg = Config::Parse(TestSchema(), "[database]\nurl = \n", "f", {});
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.error().message().find("line 2"), std::string::npos) << cfg.error().message();
}

TEST(ConfigTest, EnvironmentOverridesFile) {
  auto cfg = Config::Parse(TestSchema(), "[database]\npool_size = 3\n", "f",
                           {{"OSPREY_DATABASE_POOL_SIZE", "5"}, {"OSPREY_LOG_JSON", "true"}});
  ASSERT_TRUE(cfg.ok()) << cfg.error().ToString();
  EXPECT_EQ(cfg->GetInt("database.pool_size"), 5);
  EXPECT_TRUE(cfg->GetBool("log.json"));
}

TEST(ConfigTest, BadEnvironmentValueNamesVariable) {
  auto cfg = Config::Parse(TestSchema(), "", "f", {{"OSPREY_DATABASE_POOL_SIZE", "many"}});
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.error().message().find("OSPREY_DATABASE_POOL_SIZE"), std::string::npos);
}

TEST(ConfigTest, CommentedTomlParsesBackToDefaults) {
  Schema s = TestSchema();
  std::string text = RenderCommentedToml(s, {{"database.url", TomlString("sqlite://a \"b\".db")}});
  auto cfg = Config::Parse(s, text, "generated", {});
  ASSERT_TRUE(cfg.ok()) << cfg.error().ToString() << "\n" << text;
  EXPECT_EQ(cfg->GetString("database.url"), "sqlite://a \"b\".db");
  EXPECT_EQ(cfg->GetInt("database.pool_size"), 8);
  EXPECT_NE(text.find("# pool_size = 8"), std::string::npos);
}

// Regression: options of one section declared apart (mfa.* after gateway.*) gave a second [mfa] header, which
// TOML refuses, so `osprey init` wrote a config no command could read.
TEST(ConfigTest, CommentedTomlHasOneHeaderPerSectionEvenWhenOptionsAreDeclaredApart) {
  Schema s;
  s.Add({"a.x", Type::kInt, "1", "x"}).Add({"b.y", Type::kInt, "2", "y"}).Add({"a.z", Type::kInt, "3", "z"});
  std::string text = RenderCommentedToml(s, {{"a.z", "4"}, {"b.y", "5"}});
  EXPECT_EQ(text.find("[a]"), text.rfind("[a]")) << text;
  auto cfg = Config::Parse(s, text, "generated", {});
  ASSERT_TRUE(cfg.ok()) << cfg.error().ToString() << "\n" << text;
  EXPECT_EQ(cfg->GetInt("a.z"), 4);
  EXPECT_EQ(cfg->GetInt("b.y"), 5);
  EXPECT_EQ(cfg->GetInt("a.x"), 1);
}

TEST(ConfigTest, DuplicateSchemaKeyIsABug) {
  Schema s = TestSchema();
  EXPECT_THROW(s.Add({"database.url", Type::kString, "", "again"}), std::logic_error);
  EXPECT_THROW(s.Add({"x.n", Type::kInt, "eight", "bad default"}), std::logic_error);
}

Schema ModemSchema() {
  Schema s = TestSchema();
  s.AddTableArray({"gateway.modem",
                   "One GSM modem",
                   {{"number", Type::kInt, "0", "Modem number"},
                    {"device", Type::kString, "", "Device path"},
                    {"enabled", Type::kBool, "true", "Send through it"}}});
  return s;
}

TEST(ConfigTest, TableArrayEntriesInFileOrderWithDefaults) {
  auto cfg =
      Config::Parse(ModemSchema(),
                    "[database]\npool_size = 2\n[[gateway.modem]]\nnumber = 1\ndevice = \"/dev/pts/3\"\n"
                    "[[gateway.modem]]\nnumber = 2\nenabled = false\n",
                    "test.toml", {});
  ASSERT_TRUE(cfg.ok()) << cfg.error().ToString();
  EXPECT_EQ(cfg->GetInt("database.pool_size"), 2);
  const auto& modems = cfg->Tables("gateway.modem");
  ASSERT_EQ(modems.size(), 2u);
  EXPECT_EQ(modems[0].GetInt("number"), 1);
  EXPECT_EQ(modems[0].GetString("device"), "/dev/pts/3");
  EXPECT_TRUE(modems[0].GetBool("enabled"));
  EXPECT_FALSE(modems[0].IsSet("enabled"));
  EXPECT_EQ(modems[1].GetInt("number"), 2);
  EXPECT_EQ(modems[1].GetString("device"), "");
  EXPECT_FALSE(modems[1].GetBool("enabled"));
  EXPECT_EQ(modems[1].name(), "gateway.modem[2]");
}

TEST(ConfigTest, TableArrayAbsentIsEmptyAndErrorsNameTheEntry) {
  auto none = Config::Parse(ModemSchema(), "", "test.toml", {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->Tables("gateway.modem").empty());

  auto unknown = Config::Parse(ModemSchema(), "[[gateway.modem]]\nnumber = 1\n[[gateway.modem]]\nspeed = 9\n",
                               "test.toml", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("unknown key 'speed' in gateway.modem[2]"), std::string::npos)
      << unknown.error().message();

  auto wrong = Config::Parse(ModemSchema(), "[[gateway.modem]]\nnumber = \"one\"\n", "test.toml", {});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message().find("'number' in gateway.modem[1] must be a integer"), std::string::npos)
      << wrong.error().message();

  auto plain = Config::Parse(ModemSchema(), "[gateway]\nmodem = 3\n", "test.toml", {});
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message().find("array of tables"), std::string::npos) << plain.error().message();
}

TEST(ConfigTest, CommentedTomlShowsTableArraysAndStillParses) {
  const std::string text = RenderCommentedToml(ModemSchema(), {});
  EXPECT_NE(text.find("# [[gateway.modem]]"), std::string::npos);
  auto cfg = Config::Parse(ModemSchema(), text, "commented.toml", {});
  ASSERT_TRUE(cfg.ok()) << cfg.error().ToString();
  EXPECT_TRUE(cfg->Tables("gateway.modem").empty());
  EXPECT_NE(RenderMarkdown(ModemSchema()).find("`[[gateway.modem]]`"), std::string::npos);
}

TEST(ConfigTest, EnvName) { EXPECT_EQ(Schema::EnvName("mfa.listen"), "OSPREY_MFA_LISTEN"); }

}  // namespace
}  // namespace osprey::config
