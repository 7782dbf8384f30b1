#include "mfa/policy/policy.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "libs/sql/src/test_db.hpp"

namespace osprey::mfa::policy {
namespace {

using Strings = std::vector<std::string>;

Policy Named(std::string name, std::string_view scope) {
  Policy p;
  p.name = std::move(name);
  p.scope = std::string(scope);
  return p;
}

TEST(ParseActionsTest, Table) {
  using M = std::map<std::string, std::string>;
  struct Case {
    const char* text;
    M expected;
  };
  const Case cases[] = {
      {"", {}},
      {"passthru", {{"passthru", "true"}}},
      {"otppin=tokenpin", {{"otppin", "tokenpin"}}},
      {"challenge_response=hotp totp, passthru", {{"challenge_response", "hotp totp"}, {"passthru", "true"}}},
      {" a = 1 ,b,  c=x y ", {{"a", "1"}, {"b", "true"}, {"c", "x y"}}},
      {"smstext=Hello\\, your otp: <otp>, x", {{"smstext", "Hello\\, your otp: <otp>"}, {"x", "true"}}},
      {"smstext='a=b c'", {{"smstext", "'a=b c'"}}},
      {"a,,b,", {{"a", "true"}, {"b", "true"}}},
      {"e=", {{"e", ""}}},
  };
  for (const auto& c : cases) {
    auto parsed = PolicyEngine::ParseActions(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text;
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
  EXPECT_EQ(PolicyEngine::ParseActions("=x").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(PolicyEngine::ParseActions("a, =x").error().code(), ErrorCode::kInvalidArgument);
}

class PolicyEngineTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    auto applied = sql::ApplyMigrations(*db_, PolicyMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    engine_ = std::make_unique<PolicyEngine>(*db_, clock_);
  }

  std::int64_t SetOrDie(const std::string& name, std::string_view scope, const std::string& actions,
                        const std::function<void(Policy&)>& edit = {}) {
    Policy p;
    p.name = name;
    p.scope = std::string(scope);
    p.actions = *PolicyEngine::ParseActions(actions);
    if (edit) edit(p);
    auto id = engine_->Set(p);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }

  static Subject User(std::string user, std::string realm = "realm1", std::string client = "10.0.0.1") {
    Subject s;
    s.user = std::move(user);
    s.realm = std::move(realm);
    s.resolver = "res1";
    s.client = std::move(client);
    return s;
  }

  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(1'700'000'000))};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<PolicyEngine> engine_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(PolicyEngineTest);

TEST_P(PolicyEngineTest, SetGetListRoundTripsEveryField) {
  const auto id = SetOrDie("pol1", kScopeAuth, "otppin=userstore, passthru", [](Policy& p) {
    p.realms = {"realm1", "!realm2"};
    p.resolvers = {"res1"};
    p.users = {"alice", "b*"};
    p.clients = {"10.0.0.0/8", "!10.0.0.17"};
    p.admin_realms = {"ar"};
    p.admin_users = {"admin"};
    p.pinodes = {"node1"};
    p.priority = 3;
    p.active = false;
    p.check_all_resolvers = true;
    p.description = "desc, with comma";
    p.time = "Mon-Fri: 09-17";
  });
  EXPECT_GT(id, 0);
  auto got = engine_->Get("pol1");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->name, "pol1");
  EXPECT_EQ(got->scope, "authentication");
  EXPECT_EQ(got->actions,
            (std::map<std::string, std::string>{{"otppin", "userstore"}, {"passthru", "true"}}));
  EXPECT_EQ(got->realms, (Strings{"realm1", "!realm2"}));
  EXPECT_EQ(got->resolvers, (Strings{"res1"}));
  EXPECT_EQ(got->users, (Strings{"alice", "b*"}));
  EXPECT_EQ(got->clients, (Strings{"10.0.0.0/8", "!10.0.0.17"}));
  EXPECT_EQ(got->admin_realms, (Strings{"ar"}));
  EXPECT_EQ(got->admin_users, (Strings{"admin"}));
  EXPECT_EQ(got->pinodes, (Strings{"node1"}));
  EXPECT_EQ(got->priority, 3);
  EXPECT_FALSE(got->active);
  EXPECT_TRUE(got->check_all_resolvers);
  EXPECT_EQ(got->description, "desc, with comma");
  EXPECT_EQ(got->time, "Mon-Fri: 09-17");

  // Setting again replaces the policy and keeps its id.
  EXPECT_EQ(SetOrDie("pol1", kScopeAdmin, "configwrite"), id);
  got = engine_->Get("pol1");
  EXPECT_EQ(got->scope, "admin");
  EXPECT_TRUE(got->realms.empty());
  EXPECT_TRUE(got->active);

  SetOrDie("a_first", kScopeAuth, "passthru");
  auto list = engine_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "a_first");
  EXPECT_EQ(engine_->List("admin")->size(), 1u);
  EXPECT_EQ(engine_->List("", false)->size(), 0u);
  EXPECT_EQ(engine_->List("authentication", true)->size(), 1u);
}

TEST_P(PolicyEngineTest, InvalidPoliciesAreRejected) {
  struct Case {
    const char* name;
    const char* scope;
    Strings clients;
    int priority;
  };
  const Case cases[] = {
      {"", "admin", {}, 1},
      {"bad/name", "admin", {}, 1},
      {"check", "admin", {}, 1},
      {"CHECK", "admin", {}, 1},
      {"pi-update-policy-x", "admin", {}, 1},
      {"ok", "nosuchscope", {}, 1},
      {"ok", "admin", {"10.0.0.0/99"}, 1},
      {"ok", "admin", {"!hostname"}, 1},
      {"ok", "admin", {}, 0},
  };
  for (const auto& c : cases) {
    Policy p;
    p.name = c.name;
    p.scope = c.scope;
    p.clients = c.clients;
    p.priority = c.priority;
    auto r = engine_->Set(p);
    ASSERT_FALSE(r.ok()) << c.name << " " << c.scope;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(engine_->Set(Named("x", "admin")).ok(), true);
  EXPECT_EQ(engine_->Set(Named("With space.and-dash_1", "webui")).ok(), true);
  EXPECT_EQ(engine_->Set(Named("check", "admin")).error().message(), "'check' is an invalid policy name.");
}

TEST_P(PolicyEngineTest, DeleteAndSetActiveReturnIdsAndReportUnknownNames) {
  const auto id = SetOrDie("pol1", kScopeAuth, "passthru");
  auto off = engine_->SetActive("pol1", false);
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(*off, id);
  EXPECT_FALSE(engine_->Get("pol1")->active);
  EXPECT_FALSE(engine_->IsSet(kScopeAuth, action::kPassthru, User("alice")));
  EXPECT_EQ(*engine_->SetActive("pol1", true), id);
  EXPECT_TRUE(engine_->IsSet(kScopeAuth, action::kPassthru, User("alice")));
  EXPECT_EQ(*engine_->Delete("pol1"), id);
  EXPECT_FALSE(engine_->IsSet(kScopeAuth, action::kPassthru, User("alice")));

  auto gone = engine_->Delete("pol1");
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(gone.error().message(), "The requested Policy could not be found.");
  EXPECT_EQ(engine_->Get("pol1").error().code(), ErrorCode::kNotFound);
  auto unknown = engine_->SetActive("nope", true);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(), "The policy with name 'nope' does not exist");
}

TEST_P(PolicyEngineTest, MatchingTable) {
  SetOrDie("any", kScopeAuth, "a1");
  SetOrDie("realm1only", kScopeAuth, "a2", [](Policy& p) { p.realms = {"Realm1"}; });
  SetOrDie("notbob", kScopeAuth, "a3", [](Policy& p) { p.users = {"*", "!bob"}; });
  SetOrDie("lan", kScopeAuth, "a4", [](Policy& p) { p.clients = {"10.0.0.0/8", "!10.0.0.17"}; });
  SetOrDie("res2", kScopeAuth, "a5", [](Policy& p) { p.resolvers = {"res2"}; });
  SetOrDie("v6", kScopeAuth, "a6", [](Policy& p) { p.clients = {"2001:db8::/32"}; });
  SetOrDie("inactive", kScopeAuth, "a7", [](Policy& p) { p.active = false; });
  SetOrDie("otherscope", kScopeAuthz, "a8");
  SetOrDie("users_a", kScopeAuth, "a9", [](Policy& p) { p.users = {"a*"}; });

  struct Case {
    const char* action;
    Subject subject;
    bool set;
  };
  const Case cases[] = {
      {"a1", User("alice"), true},
      {"a1", Subject{}, true},
      {"a2", User("alice", "realm1"), true},  // realm compares case-insensitively
      {"a2", User("alice", "realm2"), false},
      {"a2", User("alice", ""), false},
      {"a3", User("alice"), true},
      {"a3", User("bob"), false},
      {"a3", User("BOB"), false},
      {"a4", User("alice", "realm1", "10.1.1.1"), true},
      {"a4", User("alice", "realm1", "10.0.0.17"), false},
      {"a4", User("alice", "realm1", "192.168.0.1"), false},
      {"a4", User("alice", "realm1", ""), false},
      {"a5", User("alice"), false},
      {"a6", User("alice", "realm1", "2001:db8::1"), true},
      {"a6", User("alice", "realm1", "10.0.0.1"), false},
      {"a7", User("alice"), false},
      {"a8", User("alice"), false},
      {"a9", User("Anna"), true},
      {"a9", User("bob"), false},
      {"nosuchaction", User("alice"), false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(engine_->IsSet(kScopeAuth, c.action, c.subject), c.set)
        << c.action << " user=" << c.subject.user << " realm=" << c.subject.realm
        << " client=" << c.subject.client;
  }
}

TEST_P(PolicyEngineTest, ValuesComeFromTheBestPriorityOnlyDistinctInNameOrder) {
  SetOrDie("p_low", kScopeAuth, "otppin=userstore", [](Policy& p) { p.priority = 5; });
  EXPECT_EQ(engine_->Values(kScopeAuth, action::kOtpPin, User("alice")), Strings{"userstore"});
  SetOrDie("p_b", kScopeAuth, "otppin=none", [](Policy& p) { p.priority = 2; });
  SetOrDie("p_a", kScopeAuth, "otppin=tokenpin", [](Policy& p) { p.priority = 2; });
  SetOrDie("p_c", kScopeAuth, "otppin=tokenpin", [](Policy& p) { p.priority = 2; });
  EXPECT_EQ(engine_->Values(kScopeAuth, action::kOtpPin, User("alice")), (Strings{"tokenpin", "none"}));
  // A better priority that does not match this user does not hide the others.
  SetOrDie("p_top", kScopeAuth, "otppin=none", [](Policy& p) {
    p.priority = 1;
    p.users = {"bob"};
  });
  EXPECT_EQ(engine_->Values(kScopeAuth, action::kOtpPin, User("alice")), (Strings{"tokenpin", "none"}));
  EXPECT_EQ(engine_->Values(kScopeAuth, action::kOtpPin, User("bob")), Strings{"none"});
  EXPECT_TRUE(engine_->Values(kScopeAuth, action::kPassthru, User("alice")).empty());
  SetOrDie("cr", kScopeAuth, "challenge_response=hotp totp, smstext='Your OTP: <otp>'");
  EXPECT_EQ(engine_->Values(kScopeAuth, action::kChallengeResponse, User("alice")), Strings{"hotp totp"});
  EXPECT_EQ(engine_->Values(kScopeAuth, action::kSmsText, User("alice")), Strings{"Your OTP: <otp>"});
}

TEST_P(PolicyEngineTest, AllowedWithoutAdminPoliciesEverythingElseOnlyWhatIsGranted) {
  Subject admin;
  admin.admin_user = "root";
  admin.client = "10.0.0.1";
  EXPECT_TRUE(engine_->Allowed(kScopeAdmin, "configwrite", admin));
  const Strings all{"configread", "configwrite", "policyread"};
  EXPECT_EQ(engine_->Rights(kScopeAdmin, admin, all), all);

  SetOrDie("readers", kScopeAdmin, "configread, policyread");
  SetOrDie("root_writes", kScopeAdmin, "configwrite", [](Policy& p) { p.admin_users = {"root"}; });
  SetOrDie("off", kScopeAdmin, "configdelete", [](Policy& p) { p.active = false; });
  EXPECT_TRUE(engine_->Allowed(kScopeAdmin, "configread", admin));
  EXPECT_TRUE(engine_->Allowed(kScopeAdmin, "configwrite", admin));
  EXPECT_FALSE(engine_->Allowed(kScopeAdmin, "configdelete", admin));
  EXPECT_EQ(engine_->Rights(kScopeAdmin, admin, all), (Strings{"configread", "configwrite", "policyread"}));

  Subject other = admin;
  other.admin_user = "helpdesk";
  EXPECT_FALSE(engine_->Allowed(kScopeAdmin, "configwrite", other));
  EXPECT_EQ(engine_->Rights(kScopeAdmin, other, all), (Strings{"configread", "policyread"}));
  // The user scope has no policy: users may do everything.
  EXPECT_TRUE(engine_->Allowed(kScopeUser, "enable", User("alice")));
}

TEST_P(PolicyEngineTest, AnotherProcessesChangeIsSeenAfterTheReloadInterval) {
  PolicyEngine other(*db_, clock_);  // stands for the CLI process
  EXPECT_FALSE(engine_->IsSet(kScopeAuth, action::kPassthru, User("alice")));
  Policy p = Named("pt", kScopeAuth);
  p.actions = {{"passthru", "true"}};
  ASSERT_TRUE(other.Set(p).ok());
  EXPECT_FALSE(engine_->IsSet(kScopeAuth, action::kPassthru, User("alice")));  // snapshot within the interval
  clock_.Advance(std::chrono::milliseconds(1000));
  EXPECT_TRUE(engine_->IsSet(kScopeAuth, action::kPassthru, User("alice")));
  ASSERT_TRUE(other.Delete("pt").ok());
  clock_.Advance(std::chrono::milliseconds(1000));
  EXPECT_FALSE(engine_->IsSet(kScopeAuth, action::kPassthru, User("alice")));
}

TEST_P(PolicyEngineTest, LocalWritesAreSeenImmediately) {
  EXPECT_FALSE(engine_->IsSet(kScopeAuth, action::kPassthru, User("alice")));
  SetOrDie("pt", kScopeAuth, "passthru");
  EXPECT_TRUE(engine_->IsSet(kScopeAuth, action::kPassthru, User("alice")));
}

}  // namespace
}  // namespace osprey::mfa::policy
