#include <gtest/gtest.h>

#include "mfa/api/config_api_testing.hpp"
#include "mfa/policy/policy.hpp"

namespace osprey::mfa::api {
namespace {

using nlohmann::json;

class PolicyApiTest : public testing::ConfigApiTest {};
OSPREY_INSTANTIATE_FOR_ENGINES(PolicyApiTest);

TEST_P(PolicyApiTest, SetAndGetRenderPrivacyIdeaFields) {
  auto r = Call("POST", "/policy/pol1",
                {{"scope", "authentication"},
                 {"action", "otppin=userstore, passthru"},
                 {"realm", "realm1, realm2"},
                 {"client", "10.0.0.0/8"},
                 {"priority", "2"},
                 {"description", "my policy"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const json value = r.body["result"]["value"];
  ASSERT_TRUE(value.contains("setPolicy pol1")) << value.dump();
  EXPECT_TRUE(value["setPolicy pol1"].is_number_integer());

  r = Call("GET", "/policy/pol1");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body["result"]["value"].size(), 1u);
  const json p = r.body["result"]["value"][0];
  EXPECT_EQ(p["name"], "pol1");
  EXPECT_EQ(p["scope"], "authentication");
  EXPECT_EQ(p["action"], (json{{"otppin", "userstore"}, {"passthru", true}}));
  EXPECT_EQ(p["realm"], (json{"realm1", "realm2"}));
  EXPECT_EQ(p["client"], (json{"10.0.0.0/8"}));
  EXPECT_EQ(p["resolver"], json::array());
  EXPECT_EQ(p["user"], json::array());
  EXPECT_EQ(p["adminrealm"], json::array());
  EXPECT_EQ(p["adminuser"], json::array());
  EXPECT_EQ(p["pinode"], json::array());
  EXPECT_EQ(p["conditions"], json::array());
  EXPECT_EQ(p["priority"], 2);
  EXPECT_EQ(p["active"], true);
  EXPECT_EQ(p["check_all_resolvers"], false);
  EXPECT_EQ(p["description"], "my policy");
  EXPECT_EQ(p["time"], "");

  // The engine sees it at once.
  policy::Subject alice;
  alice.user = "alice";
  alice.realm = "realm1";
  alice.client = "10.1.1.1";
  EXPECT_EQ(policies_->Values(policy::kScopeAuth, policy::action::kOtpPin, alice),
            std::vector<std::string>{"userstore"});
}

TEST_P(PolicyApiTest, JsonBodyWithListsAndActionObject) {
  auto r = Call("POST", "/policy/pol2", {},
                json{{"scope", "admin"},
                     {"action", {{"configread", true}, {"sms_gateways", "gw1 gw2"}}},
                     {"adminuser", json::array({"root", "helpdesk"})},
                     {"active", false}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const json p = Call("GET", "/policy/pol2").body["result"]["value"][0];
  EXPECT_EQ(p["action"], (json{{"configread", true}, {"sms_gateways", "gw1 gw2"}}));
  EXPECT_EQ(p["adminuser"], (json{"root", "helpdesk"}));
  EXPECT_EQ(p["active"], false);
}

TEST_P(PolicyApiTest, UpdateKeepsFieldsThatAreNotGiven) {
  Call("POST", "/policy/pol1", {{"scope", "authentication"}, {"action", "passthru"}, {"realm", "realm1"}});
  Call("POST", "/policy/pol1", {{"scope", "authentication"}, {"action", "passOnNoUser"}});
  const json p = Call("GET", "/policy/pol1").body["result"]["value"][0];
  EXPECT_EQ(p["realm"], (json{"realm1"}));
  EXPECT_EQ(p["action"], (json{{"passOnNoUser", true}}));
}

TEST_P(PolicyApiTest, ParameterErrors) {
  ExpectError(Call("POST", "/policy/pol1", {{"scope", "authentication"}}), 400, 905,
              "ERR905: Missing parameter: 'action'");
  ExpectError(Call("POST", "/policy/pol1", {{"action", "passthru"}}), 400, 905,
              "ERR905: Missing parameter: 'scope'");
  ExpectError(Call("POST", "/policy/check", {{"scope", "authentication"}, {"action", "passthru"}}), 400, 905,
              "ERR905: 'check' is an invalid policy name.");
  ExpectError(Call("POST", "/policy/a%b", {{"scope", "authentication"}, {"action", "passthru"}}), 400, 905,
              "ERR905: The name of the policy may only contain the characters a-zA-Z0-9_. -");
  auto r = Call("POST", "/policy/pol1", {{"scope", "nonsense"}, {"action", "passthru"}});
  EXPECT_EQ(r.status, 400);
  r = Call("POST", "/policy/pol1",
           {{"scope", "authentication"}, {"action", "passthru"}, {"client", "bad/net"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(Call("GET", "/policy/").body["result"]["value"].empty());
}

TEST_P(PolicyApiTest, ListFiltersEnableDisableDelete) {
  Call("POST", "/policy/a", {{"scope", "authentication"}, {"action", "passthru"}, {"realm", "realm1"}});
  Call("POST", "/policy/b", {{"scope", "admin"}, {"action", "policyread, policywrite, policydelete"}});
  EXPECT_EQ(Call("GET", "/policy/").body["result"]["value"].size(), 2u);
  EXPECT_EQ(Call("GET", "/policy").body["result"]["value"].size(), 2u);
  auto r = Call("GET", "/policy/", {{"scope", "admin"}});
  ASSERT_EQ(r.body["result"]["value"].size(), 1u);
  EXPECT_EQ(r.body["result"]["value"][0]["name"], "b");
  r = Call("GET", "/policy/",
           {{"realm", "realm2"}});  // "b" has no realm condition: it applies to every realm
  ASSERT_EQ(r.body["result"]["value"].size(), 1u);
  EXPECT_EQ(r.body["result"]["value"][0]["name"], "b");
  EXPECT_TRUE(Call("GET", "/policy/nosuch").body["result"]["value"].empty());

  r = Call("POST", "/policy/disable/a");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.body["result"]["value"].is_number_integer());
  EXPECT_EQ(Call("GET", "/policy/a").body["result"]["value"][0]["active"], false);
  EXPECT_EQ(Call("GET", "/policy/", {{"active", "true"}}).body["result"]["value"].size(), 1u);
  EXPECT_EQ(Call("POST", "/policy/enable/a").status, 200);
  EXPECT_EQ(Call("GET", "/policy/a").body["result"]["value"][0]["active"], true);
  ExpectError(Call("POST", "/policy/enable/nosuch"), 404, 601,
              "The policy with name 'nosuch' does not exist");

  const auto created = Call("POST", "/policy/c", {{"scope", "webui"}, {"action", "x"}});
  const json created_id = created.body["result"]["value"]["setPolicy c"];
  r = Call("DELETE", "/policy/c");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["result"]["value"], created_id);
  ExpectError(Call("DELETE", "/policy/c"), 404, 601, "The requested Policy could not be found.");
}

TEST_P(PolicyApiTest, DefinitionsListWhatOspreyImplements) {
  auto r = Call("GET", "/policy/defs");
  ASSERT_EQ(r.status, 200);
  const json defs = r.body["result"]["value"];
  EXPECT_EQ(defs["authentication"]["otppin"]["value"], (json{"tokenpin", "userstore", "none"}));
  EXPECT_EQ(defs["authentication"]["passthru"]["type"], "bool");
  EXPECT_TRUE(defs["admin"].contains("configwrite"));
  EXPECT_TRUE(defs["admin"].contains("policydelete"));
  EXPECT_TRUE(defs["user"].contains("enable"));
  EXPECT_EQ(Call("GET", "/policy/defs/authentication").body["result"]["value"], defs["authentication"]);
  EXPECT_TRUE(Call("GET", "/policy/defs/nosuch").body["result"]["value"].is_null());
}

TEST_P(PolicyApiTest, RightsAndAudit) {
  Call("POST", "/policy/admins", {{"scope", "admin"}, {"action", "policyread, policywrite"}});
  ExpectError(Call("DELETE", "/policy/admins"), 403, 303,
              "Admin actions are defined, but the action policydelete is not allowed!");
  EXPECT_EQ(Call("GET", "/policy/").status, 200);
  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "DELETE /policy/<name>");
  EXPECT_FALSE(entries[0].success);
  EXPECT_EQ(entries[1].action, "POST /policy/<name>");
  EXPECT_TRUE(entries[1].success);
  EXPECT_EQ(entries[1].action_detail, "admins");
  EXPECT_EQ(entries[1].administrator, "admin");
}

}  // namespace
}  // namespace osprey::mfa::api
