#include <gtest/gtest.h>

#include "mfa/api/config_api_testing.hpp"
#include "mfa/policy/policy.hpp"

namespace osprey::mfa::api {
namespace {

using nlohmann::json;

class SystemApiTest : public testing::ConfigApiTest {};
OSPREY_INSTANTIATE_FOR_ENGINES(SystemApiTest);

TEST_P(SystemApiTest, RequiresAnAdminJwt) {
  ExpectError(Call("GET", "/system/", {}, std::nullopt, std::string()), 401, 4033,
              "Authentication failure. Missing Authorization header.");
  ExpectError(Call("POST", "/system/setConfig", {{"a", "b"}}, std::nullopt, std::string()), 401, 4033,
              "Authentication failure. Missing Authorization header.");
}

TEST_P(SystemApiTest, SetConfigStoresStringsWithTypeAndDescription) {
  auto r = Call("POST", "/system/setConfig",
                {{"PrependPin", "False"},
                 {"ldap.secret", "hunter2"},
                 {"ldap.secret.type", "password"},
                 {"ldap.secret.desc", "bind password"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["value"], (json{{"PrependPin", "insert"}, {"ldap.secret", "insert"}}));
  EXPECT_FALSE(config_->GetBool("PrependPin"));
  auto items = *config_->Items();
  EXPECT_EQ(items.at("ldap.secret").value, "hunter2");
  EXPECT_EQ(items.at("ldap.secret").type, "password");
  EXPECT_EQ(items.at("ldap.secret").description, "bind password");

  // JSON true is stored as Python's str(True).
  r = Call("POST", "/system/setConfig", {}, json{{"PrependPin", true}, {"DefaultOtpLen", 8}});
  EXPECT_EQ(r.body["result"]["value"], (json{{"PrependPin", "update"}, {"DefaultOtpLen", "insert"}}));
  EXPECT_EQ(config_->Get("PrependPin"), "True");
  EXPECT_EQ(config_->Get("DefaultOtpLen"), "8");
}

TEST_P(SystemApiTest, GetShowsStoredKeysDefaultsAndTimestampButNoSecrets) {
  clock_.Advance(std::chrono::seconds(42));
  Call("POST", "/system/setConfig",
       {{"PrependPin", "False"}, {"ldap.secret", "hunter2"}, {"ldap.secret.type", "password"}});
  auto r = Call("GET", "/system/");
  ASSERT_EQ(r.status, 200);
  const json value = r.body["result"]["value"];
  EXPECT_EQ(value["PrependPin"], "False");
  EXPECT_EQ(value["splitAtSign"], "True");
  EXPECT_EQ(value["IncFailCountOnFalsePin"], "True");
  EXPECT_EQ(value["ReturnSamlAttributes"], "True");
  EXPECT_EQ(value["__timestamp__"], "1700000042");
  EXPECT_EQ(value["ldap.secret"], "__sealed__");
  EXPECT_EQ(r.body.dump().find("hunter2"), std::string::npos);
  EXPECT_EQ(r.body["id"], 1);

  EXPECT_EQ(Call("GET", "/system/PrependPin").body["result"]["value"], "False");
  EXPECT_EQ(Call("GET", "/system/splitAtSign").body["result"]["value"], "True");
  EXPECT_TRUE(Call("GET", "/system/nosuchkey").body["result"]["value"].is_null());
}

TEST_P(SystemApiTest, DeleteAnswersTrueOrFalse) {
  Call("POST", "/system/setConfig", {{"DefaultOtpLen", "8"}});
  auto r = Call("DELETE", "/system/DefaultOtpLen");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["result"]["value"], true);
  EXPECT_EQ(config_->GetInt("DefaultOtpLen", 0), 6);
  r = Call("DELETE", "/system/DefaultOtpLen");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["result"]["value"], false);
}

TEST_P(SystemApiTest, SetDefaultMatchesNamesCaseInsensitivelyAndOtherwiseIsErr77) {
  ExpectError(Call("POST", "/system/setDefault", {}, json::object()), 400, 77,
              "ERR77: Usage: parameters are: DefaultMaxFailCount, DefaultSyncWindow, DefaultCountWindow, "
              "DefaultOtpLen, DefaultResetFailCount");
  ExpectError(Call("POST", "/system/setDefault", {{"PrependPin", "False"}}), 400, 77,
              "ERR77: Usage: parameters are: DefaultMaxFailCount, DefaultSyncWindow, DefaultCountWindow, "
              "DefaultOtpLen, DefaultResetFailCount");
  EXPECT_TRUE(config_->GetBool("PrependPin"));

  auto r = Call("POST", "/system/setDefault", {{"defaultotplen", "8"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["value"], (json{{"DefaultOtpLen", "insert"}}));
  EXPECT_EQ(config_->GetInt("DefaultOtpLen", 0), 8);
  r = Call("POST", "/system/setDefault", {{"DEFAULTOTPLEN", "6"}, {"DefaultMaxFailCount", "5"}});
  EXPECT_EQ(r.body["result"]["value"],
            (json{{"DefaultOtpLen", "update"}, {"DefaultMaxFailCount", "insert"}}));
}

TEST_P(SystemApiTest, ChangesAreAuditedWithoutValues) {
  Call("POST", "/system/setConfig", {{"ldap.secret", "hunter2"}, {"ldap.secret.type", "password"}});
  Call("DELETE", "/system/ldap.secret");
  Call("POST", "/system/setDefault", {});
  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 3u);
  // Newest first.
  EXPECT_EQ(entries[0].action, "POST /system/setDefault");
  EXPECT_FALSE(entries[0].success);
  EXPECT_EQ(entries[1].action, "DELETE /system/<key>");
  EXPECT_TRUE(entries[1].success);
  EXPECT_EQ(entries[1].action_detail, "ldap.secret");
  EXPECT_EQ(entries[2].action, "POST /system/setConfig");
  EXPECT_EQ(entries[2].administrator, "admin");
  EXPECT_EQ(entries[2].client, "10.0.0.1");
  for (const auto& e : entries) {
    EXPECT_EQ(e.info.find("hunter2"), std::string::npos);
    EXPECT_EQ(e.action_detail.find("hunter2"), std::string::npos);
  }
}

TEST_P(SystemApiTest, AdminPoliciesRestrictConfigRights) {
  policy::Policy p;
  p.name = "readonly";
  p.scope = std::string(policy::kScopeAdmin);
  p.actions = {{"configread", "true"}};
  ASSERT_TRUE(policies_->Set(p).ok());
  EXPECT_EQ(Call("GET", "/system/").status, 200);
  ExpectError(Call("POST", "/system/setConfig", {{"a", "b"}}), 403, 303,
              "Admin actions are defined, but the action configwrite is not allowed!");
  ExpectError(Call("DELETE", "/system/a"), 403, 303,
              "Admin actions are defined, but the action configdelete is not allowed!");
  EXPECT_FALSE(config_->Get("a").has_value());
}

}  // namespace
}  // namespace osprey::mfa::api
