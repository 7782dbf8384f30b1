// The phonebook through the real binary, once per database engine: CLI management (`osprey gateway contact|
// group`), the APIv2 phonebook routes with their errors and scoping (docs/compatibility.md "Phonebook"), and
// sending to `contacts` / `groups` with POST /api/v2/messages/sms (smseagle-api.md §5).
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>

#include "osprey/http/client.hpp"
#include "tests/blackbox/gateway_fixture.hpp"

namespace osprey::blackbox {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr char kNotFound[] = R"({"message":"Resource not found."})";
constexpr char kRemoved[] = R"({"message":"Resource(s) removed successfully."})";
constexpr char kInvalidChoice[] = "The value you selected is not a valid choice.";

// Parameter: "sqlite" or "postgresql". On PostgreSQL every test shares one database, so names are unique
// and lists are checked for what a test created, not for equality.
class GatewayPhonebookTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    suffix_ = UniqueSuffix();
    const std::vector<std::string> all = {"phonebook.read", "phonebook.write", "messages.send_sms"};
    alice_ = AddUserWithToken("alice-" + suffix_, all);
    bob_ = AddUserWithToken("bob-" + suffix_, all);
    admin_ = AddUserWithToken("admin-" + suffix_, all, {"--all-resources", "true"});
    reader_ = AddUserWithToken("reader-" + suffix_, {"messages.send_sms"});
    Start();
  }

  http::ClientResponse Call(const std::string& token, const std::string& method, const std::string& path,
                            const json& body = nullptr) {
    Headers headers;
    if (!token.empty()) headers["access-token"] = token;
    return GatewayTest::Call(method, path, body.is_null() ? "" : body.dump(), "application/json", headers);
  }
  // The reply's JSON after checking its status; null when the status differs.
  json Expect(int status, const http::ClientResponse& r) {
    EXPECT_EQ(r.status, status) << r.body;
    if (r.status != status) return nullptr;
    auto parsed = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << r.body;
    return parsed;
  }
  std::int64_t NewContact(const std::string& token, const json& body) {
    json c = Expect(200, Call(token, "POST", "/api/v2/phonebook/contacts", body));
    return c.is_object() ? c["id"].get<std::int64_t>() : -1;
  }
  std::int64_t NewGroup(const std::string& token, const json& body) {
    json g = Expect(200, Call(token, "POST", "/api/v2/phonebook/groups", body));
    return g.is_object() ? g["id"].get<std::int64_t>() : -1;
  }
  static bool ListHas(const json& list, std::int64_t id) {
    for (const auto& e : list) {
      if (e["id"] == id) return true;
    }
    return false;
  }
  static std::string Path(const char* base, std::int64_t id, const char* rest = "") {
    return std::string(base) + std::to_string(id) + rest;
  }

  std::string suffix_, alice_, bob_, admin_, reader_;
};

TEST_P(GatewayPhonebookTest, CliManagesContactsGroupsAndMembers) {
  const std::string owner = "alice-" + suffix_;
  auto john = Gw({"contact", "add", "John " + suffix_, "+48123456789", "--owner", owner, "--json"});
  ASSERT_EQ(john.exit_code, 0) << john.output;
  const json j = json::parse(john.output);
  EXPECT_EQ(j["name"], "John " + suffix_);
  EXPECT_EQ(j["number"], "+48123456789");
  EXPECT_EQ(j["public"], false);
  EXPECT_GT(j["owner_id"].get<std::int64_t>(), 0);
  const std::int64_t john_id = j["id"];
  auto nobody = Gw({"contact", "add", "Nobody " + suffix_, "", "--public", "--json"});
  ASSERT_EQ(nobody.exit_code, 0) << nobody.output;
  const json n = json::parse(nobody.output);
  EXPECT_EQ(n["owner_id"], 0);
  EXPECT_EQ(n["public"], true);
  const std::int64_t nobody_id = n["id"];

  auto bad = Gw({"contact", "add", " ", "abc"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("name: This value should not be blank.; number: Invalid phone number."),
            std::string::npos)
      << bad.output;
  EXPECT_EQ(Gw({"contact", "add", "X", "+48123", "--owner", "no-such-user-" + suffix_}).exit_code, 1);

  auto set = Gw({"contact", "set", std::to_string(john_id), "--public", "true", "--number", "+4915112345678",
                 "--json"});
  ASSERT_EQ(set.exit_code, 0) << set.output;
  EXPECT_EQ(json::parse(set.output)["public"], true);
  EXPECT_EQ(json::parse(set.output)["number"], "+4915112345678");

  auto group = Gw({"group", "add", "Team " + suffix_, "--owner", owner, "--json"});
  ASSERT_EQ(group.exit_code, 0) << group.output;
  const std::string gid = std::to_string(json::parse(group.output)["id"].get<std::int64_t>());
  auto members =
      Gw({"group", "member", "add", gid, std::to_string(nobody_id), std::to_string(john_id), "--json"});
  ASSERT_EQ(members.exit_code, 0) << members.output;
  const json m = json::parse(members.output);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0]["id"], john_id);  // by contact id
  EXPECT_EQ(m[1]["id"], nobody_id);
  EXPECT_EQ(Gw({"group", "member", "add", gid, "999999999"}).exit_code, 2);

  auto list = Gw({"contact", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_TRUE(ListHas(json::parse(list.output), john_id));
  auto groups = Gw({"group", "list", "--json"});
  ASSERT_EQ(groups.exit_code, 0);
  EXPECT_TRUE(ListHas(json::parse(groups.output), std::stoll(gid)));
  // The server sees what the CLI wrote.
  EXPECT_EQ(Expect(200, Call(alice_, "GET", "/api/v2/phonebook/groups/" + gid + "/contacts")).size(), 2u);

  auto removed = Gw({"group", "member", "remove", gid, std::to_string(john_id), "--json"});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_EQ(json::parse(removed.output).size(), 1u);
  EXPECT_EQ(Gw({"contact", "remove", std::to_string(john_id)}).exit_code, 0);
  EXPECT_EQ(Gw({"contact", "remove", std::to_string(john_id)}).exit_code, 1);
  EXPECT_EQ(Gw({"group", "remove", gid}).exit_code, 0);
  EXPECT_EQ(Gw({"group", "remove", gid}).exit_code, 1);
}

TEST_P(GatewayPhonebookTest, ApiContactCrudErrorsAndScoping) {
  json created = Expect(200, Call(alice_, "POST", "/api/v2/phonebook/contacts",
                                  {{"name", "John"}, {"number", "+48123456789"}}));
  ASSERT_TRUE(created.is_object());
  const std::int64_t id = created["id"];
  EXPECT_EQ(created, json({{"id", id}, {"name", "John"}, {"number", "+48123456789"}, {"public", false}}));
  const std::string path = Path("/api/v2/phonebook/contacts/", id);
  EXPECT_EQ(Expect(200, Call(alice_, "GET", path)), created);
  EXPECT_EQ(Expect(200, Call(admin_, "GET", Path("/index.php/api/v2/phonebook/contacts/", id, "/"))),
            created);

  // Private: another user gets 404 for every method; lists leave it out.
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    auto r = Call(bob_, method, path, json{{"name", "Mine now"}});
    EXPECT_EQ(r.status, 404) << method;
    EXPECT_EQ(r.body, kNotFound) << method;
  }
  EXPECT_FALSE(ListHas(Expect(200, Call(bob_, "GET", "/api/v2/phonebook/contacts")), id));
  EXPECT_TRUE(ListHas(Expect(200, Call(alice_, "GET", "/api/v2/phonebook/contacts")), id));

  // Public: readable by everyone, still changed only by its owner or an all-resources user.
  json updated = Expect(200, Call(alice_, "PUT", path, {{"public", true}}));
  EXPECT_EQ(updated, json({{"id", id}, {"name", "John"}, {"number", "+48123456789"}, {"public", true}}));
  EXPECT_EQ(Expect(200, Call(bob_, "GET", path)), updated);
  EXPECT_TRUE(ListHas(Expect(200, Call(bob_, "GET", "/api/v2/phonebook/contacts")), id));
  EXPECT_EQ(Call(bob_, "PUT", path, {{"name", "Hijacked"}}).status, 404);
  EXPECT_EQ(Call(bob_, "DELETE", path).status, 404);
  EXPECT_EQ(Expect(200, Call(admin_, "PUT", path, {{"name", "Johnny"}}))["name"], "Johnny");

  // Validation (400) before lookup (404); type errors; ids that are not numbers.
  EXPECT_EQ(
      Expect(400, Call(alice_, "POST", "/api/v2/phonebook/contacts", {{"name", " "}, {"number", "abc"}})),
      json::parse(
          R"({"message":{"name":"This value should not be blank.","number":"Invalid phone number."}})"));
  EXPECT_EQ(Expect(400, Call(alice_, "POST", "/api/v2/phonebook/contacts", {{"number", "+48123"}})),
            json::parse(R"({"message":{"name":"This value should not be blank."}})"));
  EXPECT_EQ(
      Expect(400, Call(alice_, "POST", "/api/v2/phonebook/contacts", {{"name", "X"}, {"public", "yes"}})),
      json::parse(
          R"({"message":{"public":"The type of the attribute must be one of bool (string given)."}})"));
  EXPECT_EQ(Call(alice_, "PUT", "/api/v2/phonebook/contacts/999999999", {{"name", ""}}).status, 400);
  EXPECT_EQ(Call(alice_, "PUT", "/api/v2/phonebook/contacts/999999999", {{"name", "x"}}).body, kNotFound);
  EXPECT_EQ(Call(alice_, "GET", "/api/v2/phonebook/contacts/abc").body, kNotFound);

  // 401, 403 (read and write are separate permissions), 405.
  EXPECT_EQ(Call("", "GET", "/api/v2/phonebook/contacts").status, 401);
  EXPECT_EQ(Call("wrong", "GET", path).body, R"({"message":"Invalid API key."})");
  EXPECT_EQ(Call(reader_, "GET", "/api/v2/phonebook/contacts").body,
            R"({"message":"User has no access to this method."})");
  EXPECT_EQ(Call(reader_, "POST", "/api/v2/phonebook/contacts", {{"name", "x"}}).status, 403);
  EXPECT_EQ(Call(alice_, "PATCH", path).body, R"({"message":"Unknown method."})");

  EXPECT_EQ(Call(alice_, "DELETE", path).body, kRemoved);
  EXPECT_EQ(Call(alice_, "GET", path).status, 404);
}

TEST_P(GatewayPhonebookTest, ApiGroupsAndMembership) {
  const std::int64_t a = NewContact(alice_, {{"name", "A"}, {"number", "+48111111111"}});
  const std::int64_t bobs = NewContact(bob_, {{"name", "Bobs"}, {"number", "+48333333333"}});
  json group = Expect(200, Call(alice_, "POST", "/api/v2/phonebook/groups", {{"name", "Admins"}}));
  ASSERT_TRUE(group.is_object());
  const std::int64_t gid = group["id"];
  EXPECT_EQ(group, json({{"id", gid}, {"name", "Admins"}, {"public", false}}));
  const std::string members = Path("/api/v2/phonebook/groups/", gid, "/contacts");

  json added = Expect(200, Call(alice_, "POST", members, {{"contacts", {a}}}));
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0], json({{"id", a}, {"name", "A"}, {"number", "+48111111111"}, {"public", false}}));
  // Bob's private contact is not a valid choice for Alice; neither is an unknown id.
  for (const std::int64_t bad : {bobs, std::int64_t{999999999}}) {
    EXPECT_EQ(Expect(400, Call(alice_, "POST", members, {{"contacts", {bad}}})),
              json({{"message", {{"contacts", kInvalidChoice}}}}));
  }
  EXPECT_EQ(Expect(400, Call(alice_, "POST", members, json::object())),
            json::parse(R"({"message":{"contacts":"This value should not be blank."}})"));
  EXPECT_EQ(Call(alice_, "POST", "/api/v2/phonebook/groups/999999999/contacts", {{"contacts", {a}}}).body,
            kNotFound);
  EXPECT_EQ(Call(bob_, "GET", members).body, kNotFound);
  EXPECT_EQ(Call(bob_, "GET", Path("/api/v2/phonebook/groups/", gid)).status, 404);
  EXPECT_EQ(Expect(200, Call(alice_, "GET", members)), added);

  EXPECT_EQ(
      Expect(200, Call(alice_, "PUT", Path("/api/v2/phonebook/groups/", gid), {{"public", 1}}))["public"],
      true);
  EXPECT_TRUE(ListHas(Expect(200, Call(bob_, "GET", "/api/v2/phonebook/groups")), gid));
  EXPECT_TRUE(Expect(200, Call(bob_, "GET", members)).empty());                // A is private to Alice
  EXPECT_EQ(Call(bob_, "POST", members, {{"contacts", {bobs}}}).status, 404);  // readable, not changeable

  EXPECT_EQ(Call(alice_, "DELETE", members, {{"contacts", {a}}}).body, kRemoved);
  EXPECT_TRUE(Expect(200, Call(alice_, "GET", members)).empty());
  EXPECT_EQ(Call(alice_, "DELETE", Path("/api/v2/phonebook/groups/", gid)).body, kRemoved);
  EXPECT_EQ(Call(alice_, "GET", members).status, 404);
  EXPECT_EQ(Call(alice_, "GET", Path("/api/v2/phonebook/contacts/", a)).status, 200);  // contacts stay
}

TEST_P(GatewayPhonebookTest, SendToContactsAndGroups) {
  const std::int64_t a = NewContact(alice_, {{"name", "A"}, {"number", "+48111111111"}});
  const std::int64_t b = NewContact(alice_, {{"name", "B"}, {"number", "+48 222-222-222"}});
  const std::int64_t none = NewContact(alice_, {{"name", "No number"}});
  const std::int64_t gid = NewGroup(alice_, {{"name", "Team"}});
  Expect(200,
         Call(alice_, "POST", Path("/api/v2/phonebook/groups/", gid, "/contacts"), {{"contacts", {b, a}}}));

  json items = Expect(
      200, Call(alice_, "POST", "/api/v2/messages/sms",
                {{"to", {"+48999999999"}}, {"contacts", {b, none}}, {"groups", {gid}}, {"text", "hi"}}));
  ASSERT_EQ(items.size(), 5u) << items.dump();
  const char* numbers[] = {"+48999999999", "+48 222-222-222", "", "+48111111111", "+48 222-222-222"};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(items[i]["number"], numbers[i]) << i;
    if (i == 2) {
      EXPECT_EQ(items[i],
                json::parse(R"({"status":"error","message":"Invalid phone number.","number":"","id":null})"));
    } else {
      EXPECT_EQ(items[i]["status"], "queued") << i;
      EXPECT_TRUE(items[i]["id"].is_number_integer()) << i;
    }
  }
  EXPECT_NE(items[1]["id"], items[4]["id"]);  // duplicates are kept, one message each

  const auto rejected = [&](const std::string& token, const json& body) {
    return Expect(400, Call(token, "POST", "/api/v2/messages/sms", body));
  };
  EXPECT_EQ(rejected(alice_, {{"contacts", {a, 999999999}}, {"text", "x"}}),
            json({{"message", {{"contacts", kInvalidChoice}}}}));
  EXPECT_EQ(rejected(alice_, {{"groups", {999999999}}, {"text", "x"}}),
            json({{"message", {{"groups", kInvalidChoice}}}}));
  EXPECT_EQ(rejected(bob_, {{"contacts", {a}}, {"groups", {gid}}, {"text", "x"}}),
            json({{"message", {{"contacts", kInvalidChoice}, {"groups", kInvalidChoice}}}}));
  EXPECT_EQ(rejected(alice_, {{"contacts", {none}}, {"text", "x"}}),
            json::parse(R"({"message":{"to":"Invalid phone number."}})"));

  // A public group shows Bob only its public members; with none he gets the empty-group 400.
  Expect(200, Call(alice_, "PUT", Path("/api/v2/phonebook/groups/", gid), {{"public", true}}));
  EXPECT_EQ(rejected(bob_, {{"groups", {gid}}, {"text", "x"}}),
            json::parse(R"({"message":{"groups":"This value should not be blank."}})"));
  Expect(200, Call(alice_, "PUT", Path("/api/v2/phonebook/contacts/", a), {{"public", true}}));
  json bobs = Expect(200, Call(bob_, "POST", "/api/v2/messages/sms", {{"groups", {gid}}, {"text", "x"}}));
  ASSERT_EQ(bobs.size(), 1u);
  EXPECT_EQ(bobs[0]["number"], "+48111111111");
  // An all-resources user sends to anyone's entries.
  EXPECT_EQ(
      Expect(200, Call(admin_, "POST", "/api/v2/messages/sms", {{"contacts", {b}}, {"text", "x"}})).size(),
      1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, GatewayPhonebookTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osprey::blackbox
