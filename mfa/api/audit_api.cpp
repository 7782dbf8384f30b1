// GET /audit/ (privacyIDEA 3.13 api/audit.py search_audit): admin or user JWT with the right `auditlog`; a
// user sees only the entries of its own name and realm (privacyIDEA's before_request pins user/realm for
// users). The policies `auditlog_age` (replaces timelimit) and `hide_audit_columns` (blank-separated column
// names) apply in the caller's scope. The search itself is read-only and not audited [choice].
#include <string>
#include <vector>

#include "mfa/api/api_context.hpp"
#include "mfa/api/audit_json.hpp"
#include "mfa/api/envelope.hpp"
#include "mfa/api/user_api_common.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/auth/auth.hpp"
#include "mfa/policy/policy.hpp"
#include "osprey/core/clock.hpp"

namespace osprey::mfa::api {
namespace {

constexpr std::string_view kAuditRight = "auditlog";
constexpr std::string_view kAuditAge = "auditlog_age";
constexpr std::string_view kHideColumns = "hide_audit_columns";

policy::Subject SubjectOf(const users_api::Call& call) {
  policy::Subject subject;
  subject.client = call.request.remote_address;
  if (call.caller.is_admin()) {
    subject.admin_realm = call.caller.realm;
    subject.admin_user = call.caller.username;
  } else {
    subject.realm = call.caller.realm;
    subject.resolver = call.caller.resolver;
    subject.user = call.caller.username;
  }
  return subject;
}

// The caller's scope restrictions on top of what the request asked for.
void ApplyScope(const users_api::Call& call, audit_api::AuditSearch& search) {
  if (!call.caller.is_admin()) {
    search.filter.columns.erase("user");
    search.filter.columns.erase("realm");
    search.filter.exact["user"] = call.caller.username;
    search.filter.exact["realm"] = call.caller.realm;
  }
  if (call.ctx.policies == nullptr) return;
  const std::string_view scope = call.caller.is_admin() ? policy::kScopeAdmin : policy::kScopeUser;
  const policy::Subject subject = SubjectOf(call);
  for (const std::string& age : call.ctx.policies->Values(scope, kAuditAge, subject)) {
    if (auto delta = audit_api::ParseTimeDelta(age)) {
      search.filter.since = call.ctx.clock->Now() - *delta;
      break;
    }
  }
  for (const std::string& names : call.ctx.policies->Values(scope, kHideColumns, subject)) {
    std::size_t pos = 0;
    while (pos < names.size()) {
      const std::size_t end = std::min(names.find(' ', pos), names.size());
      if (end > pos) search.hidden_columns.push_back(names.substr(pos, end - pos));
      pos = end + 1;
    }
  }
}

http::Response SearchAudit(const ApiContext& ctx, const http::Request& request) {
  const double now = ctx.clock->UnixSeconds();
  auto call = users_api::Begin(ctx, request, false);
  if (!call.ok()) return ErrorResponse(call.error(), now);
  if (auto right = users_api::CheckRight(*call, {kAuditRight}, {}); !right.ok()) {
    return ErrorResponse(right.error(), now);
  }
  auto search = audit_api::ParseAuditSearch(call->params, ctx.clock->Now());
  if (!search.ok()) return ErrorResponse(search.error(), now);
  ApplyScope(*call, *search);
  auto page = ctx.audit->Query(search->filter);
  if (!page.ok()) return ErrorResponse(FromError(page.error()), now);
  return SuccessResponse(audit_api::AuditSearchValue(*page, *search), nlohmann::json::object(), now);
}

}  // namespace

void AddAuditRoutes(http::Router& router, const ApiContext& ctx) {
  auto search = [ctx](http::Request& request) { return SearchAudit(ctx, request); };
  router.Add("GET", "/audit/", search);
  router.Add("GET", "/audit", search);  // Flask redirects this to /audit/; Osprey answers it directly
}

}  // namespace osprey::mfa::api
