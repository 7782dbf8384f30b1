#include "mfa/auth/rights.hpp"

#include <algorithm>
#include <array>

#include "mfa/policy/policy.hpp"

namespace osprey::mfa::auth {
namespace {

constexpr std::string_view kTokens = "tokens", kUsers = "users", kConfig = "config", kAudit = "audit";
// privacyIDEA's MAIN_MENU declaration order; Python returns list(set(...)), whose order is arbitrary, so
// Osprey picks this one [choice].
constexpr std::array<std::string_view, 6> kMenuOrder = {"tokens", "users", "machines",
                                                        "config", "audit", "components"};

// privacyIDEA 3.13 lib/policy.py get_static_policy_definitions (SCOPE.ADMIN) and lib/token.py
// get_dynamic_policy_definitions (enroll<TYPE>), restricted to what Osprey implements.
const std::vector<RightDefinition>& AdminRights() {
  static const std::vector<RightDefinition> rights = {
      {"enrollHOTP", {kTokens}},       {"enrollTOTP", {kTokens}},      {"enrollSMS", {kTokens}},
      {"enable", {kTokens}},           {"disable", {kTokens}},         {"revoke", {kTokens}},
      {"delete", {kTokens}},           {"reset", {kTokens}},           {"resync", {kTokens}},
      {"setpin", {kTokens}},           {"assign", {kTokens, kUsers}},  {"unassign", {kTokens}},
      {"setdescription", {kTokens}},   {"settokeninfo", {kTokens}},    {"tokenrealms", {kTokens}},
      {"tokenlist", {kTokens}},        {"triggerchallenge", {}},       {"userlist", {kUsers}},
      {"adduser", {kUsers}},           {"updateuser", {kUsers}},       {"deleteuser", {kUsers}},
      {"configwrite", {kConfig}},      {"configread", {kConfig}},      {"configdelete", {kConfig}},
      {"policywrite", {kConfig}},      {"policyread", {kConfig}},      {"policydelete", {kConfig}},
      {"resolverwrite", {kConfig}},    {"resolverread", {kConfig}},    {"resolverdelete", {kConfig}},
      {"realmwrite", {kConfig}},       {"realmread", {kConfig}},       {"realmdelete", {kConfig}},
      {"smsgateway_write", {kConfig}}, {"smsgateway_read", {kConfig}}, {"auditlog", {kAudit}},
      {"smtpserver_write", {kConfig}}, {"smtpserver_read", {kConfig}},
  };
  return rights;
}

// SCOPE.USER: a user acts on their own tokens and data.
const std::vector<RightDefinition>& UserRights() {
  static const std::vector<RightDefinition> rights = {
      {"enrollHOTP", {kTokens}},     {"enrollTOTP", {kTokens}}, {"enrollSMS", {kTokens}},
      {"enable", {kTokens}},         {"disable", {kTokens}},    {"revoke", {kTokens}},
      {"delete", {kTokens}},         {"reset", {kTokens}},      {"resync", {kTokens}},
      {"setpin", {kTokens}},         {"assign", {kTokens}},     {"unassign", {kTokens}},
      {"setdescription", {kTokens}}, {"userlist", {kUsers}},    {"updateuser", {kUsers}},
      {"auditlog", {kAudit}},
  };
  return rights;
}

}  // namespace

const std::vector<RightDefinition>& KnownRights(std::string_view scope) {
  static const std::vector<RightDefinition> none;
  if (scope == policy::kScopeAdmin) return AdminRights();
  if (scope == policy::kScopeUser) return UserRights();
  return none;
}

std::vector<std::string> KnownRightNames(std::string_view scope) {
  std::vector<std::string> names;
  for (const RightDefinition& r : KnownRights(scope)) names.emplace_back(r.name);
  return names;
}

std::vector<std::string> MenusFor(std::string_view scope, const std::vector<std::string>& rights) {
  std::vector<std::string_view> opened;
  for (const std::string& right : rights) {
    const std::string_view name = std::string_view(right).substr(0, right.find('='));
    for (const RightDefinition& def : KnownRights(scope)) {
      if (def.name == name) opened.insert(opened.end(), def.menus.begin(), def.menus.end());
    }
  }
  std::vector<std::string> menus;
  for (std::string_view menu : kMenuOrder) {
    if (std::find(opened.begin(), opened.end(), menu) != opened.end()) menus.emplace_back(menu);
  }
  return menus;
}

}  // namespace osprey::mfa::auth
