// The admin and user rights Osprey knows (privacyIDEA's admin/user policy actions for the endpoints Osprey
// implements) and the WebUI main menus each one opens, as privacyIDEA 3.13 computes /auth's `rights` and
// `menus` (api/lib/ui.py get_main_menus: the union of the `mainmenu` lists of the granted rights).
// Thread rule: constant tables, any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace osprey::mfa::auth {

struct RightDefinition {
  std::string_view name;
  std::vector<std::string_view> menus;  // privacyIDEA's MAIN_MENU values: tokens, users, config, audit
};

// Every right of `scope` ("admin" or "user"; any other scope has none), in a stable order.
const std::vector<RightDefinition>& KnownRights(std::string_view scope);
// The names of KnownRights(scope).
std::vector<std::string> KnownRightNames(std::string_view scope);
// The distinct menus opened by `rights` in scope `scope`, in privacyIDEA's MAIN_MENU order (tokens, users,
// machines, config, audit, components). A right "action=value" counts as "action"; unknown rights open none.
std::vector<std::string> MenusFor(std::string_view scope, const std::vector<std::string>& rights);

}  // namespace osprey::mfa::auth
