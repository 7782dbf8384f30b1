// `osprey mfa resolver add|list|remove`, `osprey mfa realm set|list|remove|default` and
// `osprey mfa user add|list|set|remove|password`: the MFA server's user directory (mfa/users Directory).
// User passwords are never command-line arguments: `user add --password` and `user password` read them from
// the terminal without echo (asked twice), or as one line from standard input when it is not a terminal.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/account_context.hpp"
#include "cli/commands.hpp"
#include "cli/mfa_commands.hpp"
#include "cli/mfa_runtime.hpp"
#include "cli/secret_input.hpp"
#include "mfa/users/users.hpp"

namespace osprey::cli {
namespace {

using mfa::users::Directory;

int WithDirectory(const std::string& config_path, const std::function<Status(Directory&)>& action) {
  MfaCliContext ctx;
  if (Status opened = OpenMfaCliContext(config_path, ctx); !opened.ok()) {
    PrintError(opened.error().message());
    return kExitFailure;
  }
  return ExitCodeFor(action(ctx.runtime->directory()));
}

// "key=value" items (--param, --filter) into a map; kInvalidArgument for an item without '='.
Result<std::map<std::string, std::string>> KeyValues(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const std::string& item : items) {
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Error(ErrorCode::kInvalidArgument, "expected key=value, got '" + item + "'");
    }
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

struct Options {
  std::string name, type, resolver, realm;
  std::vector<std::string> params, members, filters;
  std::map<std::string, std::string> attributes;  // givenname, surname, ...
  bool password = false, clear = false, json = false;
};

// ------------------------------------------------------------------------------------------- resolvers

Status ListResolvers(Directory& directory, bool json) {
  auto list = directory.ListResolvers();
  if (!list.ok()) return list.error();
  nlohmann::json all = nlohmann::json::array();
  for (const auto& def : *list) {
    const auto* type = directory.types().Find(def.type);
    nlohmann::json params = nlohmann::json::object();
    std::string text;
    for (const auto& [key, value] : def.params) {
      bool secret = false;
      if (type != nullptr) {
        for (const auto& spec : type->params) secret = secret || (spec.name == key && spec.secret);
      }
      params[key] = secret ? "__CENSORED__" : value;
      text += " " + key + "=" + (secret ? "__CENSORED__" : value);
    }
    if (json) {
      all.push_back({{"name", def.name}, {"type", def.type}, {"id", def.id}, {"params", params}});
    } else {
      std::cout << def.name << "  type=" << def.type << text << "\n";
    }
  }
  if (json) std::cout << all.dump() << "\n";
  return OkStatus();
}

void AddResolverCommands(CLI::App& mfa, std::string& config_path, int& code) {
  auto* group = mfa.add_subcommand("resolver", "User resolvers: named instances of a type (sql, passwdfile)");
  group->require_subcommand(1);
  group->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  auto o = std::make_shared<Options>();

  auto* add =
      group->add_subcommand("add", "Create or update a resolver (parameters not given stay as they are)");
  add->add_option("name", o->name, "Resolver name")->required();
  add->add_option("--type", o->type, "Resolver type: sql (Osprey's user table) or passwdfile")->required();
  add->add_option("--param", o->params, "Type parameter key=value, e.g. fileName=/etc/osprey/passwd");
  add->callback([&, o] {
    code = WithDirectory(config_path, [&](Directory& directory) -> Status {
      auto params = KeyValues(o->params);
      if (!params.ok()) return params.error();
      auto id = directory.SetResolver({0, o->name, o->type, *params});
      if (!id.ok()) return id.error();
      std::cout << "resolver " << o->name << " saved (id " << *id << ")\n";
      return OkStatus();
    });
  });

  auto* list = group->add_subcommand("list", "List the resolvers");
  list->add_flag("--json", o->json, "Machine-readable output (one JSON array)");
  list->callback([&, o] {
    code =
        WithDirectory(config_path, [&](Directory& directory) { return ListResolvers(directory, o->json); });
  });

  auto* remove =
      group->add_subcommand("remove", "Delete a resolver (and the users the sql type stored for it)");
  remove->add_option("name", o->name, "Resolver name")->required();
  remove->callback([&, o] {
    code = WithDirectory(config_path, [&](Directory& directory) -> Status {
      auto id = directory.DeleteResolver(o->name);
      return id.ok() ? OkStatus() : Status(id.error());
    });
  });
  for (CLI::App* cmd : group->get_subcommands({})) cmd->fallthrough();
}

// ---------------------------------------------------------------------------------------------- realms

// "resolver" or "resolver:priority".
Result<std::vector<mfa::users::RealmResolver>> Members(const std::vector<std::string>& items) {
  std::vector<mfa::users::RealmResolver> out;
  for (const std::string& item : items) {
    mfa::users::RealmResolver r;
    const std::size_t colon = item.rfind(':');
    r.name = item.substr(0, colon);
    if (colon != std::string::npos) {
      try {
        std::size_t used = 0;
        r.priority = std::stoi(item.substr(colon + 1), &used);
        if (used != item.size() - colon - 1) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        return Error(ErrorCode::kInvalidArgument, "bad priority in '" + item + "' (use resolver:number)");
      }
    }
    out.push_back(r);
  }
  return out;
}

Status ListRealms(Directory& directory, bool json) {
  auto list = directory.ListRealms();
  if (!list.ok()) return list.error();
  nlohmann::json all = nlohmann::json::array();
  for (const auto& realm : *list) {
    nlohmann::json members = nlohmann::json::array();
    std::string text;
    for (const auto& r : realm.resolvers) {
      members.push_back({{"name", r.name}, {"type", r.type}, {"priority", r.priority}});
      text += " " + r.name + ":" + std::to_string(r.priority);
    }
    if (json) {
      all.push_back({{"name", realm.name}, {"default", realm.is_default}, {"resolvers", members}});
    } else {
      std::cout << realm.name << (realm.is_default ? " (default)" : "") << " " << text << "\n";
    }
  }
  if (json) std::cout << all.dump() << "\n";
  return OkStatus();
}

Status DefaultRealm(Directory& directory, const Options& o) {
  if (o.clear) return directory.SetDefaultRealm("");
  if (!o.name.empty()) return directory.SetDefaultRealm(o.name);
  const std::string current = directory.DefaultRealm();
  if (current.empty()) return Error(ErrorCode::kNotFound, "there is no default realm");
  std::cout << current << "\n";
  return OkStatus();
}

void AddRealmCommands(CLI::App& mfa, std::string& config_path, int& code) {
  auto* group = mfa.add_subcommand("realm", "Realms: ordered lists of resolvers; one is the default");
  group->require_subcommand(1);
  group->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  auto o = std::make_shared<Options>();

  auto* set =
      group->add_subcommand("set", "Create a realm or replace its resolvers (the first realm is default)");
  set->add_option("name", o->name, "Realm name (stored lower-case)")->required();
  set->add_option("resolvers", o->members, "Resolvers as name or name:priority (lower first)")->required();
  set->callback([&, o] {
    code = WithDirectory(config_path, [&](Directory& directory) -> Status {
      auto members = Members(o->members);
      if (!members.ok()) return members.error();
      auto id = directory.SetRealm(o->name, *members);
      return id.ok() ? OkStatus() : Status(id.error());
    });
  });

  auto* list = group->add_subcommand("list", "List the realms");
  list->add_flag("--json", o->json, "Machine-readable output (one JSON array)");
  list->callback([&, o] {
    code = WithDirectory(config_path, [&](Directory& directory) { return ListRealms(directory, o->json); });
  });

  auto* remove = group->add_subcommand("remove", "Delete a realm");
  remove->add_option("name", o->name, "Realm name")->required();
  remove->callback([&, o] {
    code = WithDirectory(config_path, [&](Directory& directory) -> Status {
      auto id = directory.DeleteRealm(o->name);
      return id.ok() ? OkStatus() : Status(id.error());
    });
  });

  auto* def = group->add_subcommand("default", "Show the default realm, set it, or clear it with --clear");
  def->add_option("name", o->name, "Realm to make the default");
  def->add_flag("--clear", o->clear, "Leave no realm as the default");
  def->callback([&, o] {
    code = WithDirectory(config_path, [&](Directory& directory) { return DefaultRealm(directory, *o); });
  });
  for (CLI::App* cmd : group->get_subcommands({})) cmd->fallthrough();
}

// ----------------------------------------------------------------------------------------------- users

constexpr const char* kAttributeNames[] = {"givenname", "surname", "email", "mobile", "phone", "description"};

void AddAttributeOptions(CLI::App& cmd, Options& o) {
  for (const char* name : kAttributeNames) {
    cmd.add_option_function<std::string>(
        std::string("--") + name, [&o, name](const std::string& v) { o.attributes[name] = v; },
        std::string("The user's ") + name);
  }
}

Status ListUsers(Directory& directory, const Options& o) {
  auto filter = KeyValues(o.filters);
  if (!filter.ok()) return filter.error();
  auto users = directory.ListUsers(o.realm, o.resolver, {*filter});
  if (!users.ok()) return users.error();
  nlohmann::json all = nlohmann::json::array();
  for (const auto& u : *users) {
    const auto& i = u.info;
    if (o.json) {
      all.push_back({{"username", i.username},
                     {"userid", i.uid},
                     {"resolver", u.resolver},
                     {"givenname", i.givenname},
                     {"surname", i.surname},
                     {"email", i.email},
                     {"mobile", i.mobile},
                     {"phone", i.phone},
                     {"description", i.description},
                     {"editable", u.editable}});
    } else {
      std::cout << i.username << "  resolver=" << u.resolver << " uid=" << i.uid << " name=\"" << i.givenname
                << " " << i.surname << "\" email=" << (i.email.empty() ? "-" : i.email)
                << " mobile=" << (i.mobile.empty() ? "-" : i.mobile) << "\n";
    }
  }
  if (o.json) std::cout << all.dump() << "\n";
  return OkStatus();
}

Status AddUser(Directory& directory, const Options& o) {
  mfa::users::UserInfo info;
  info.username = o.name;
  auto get = [&](const char* key) { return o.attributes.count(key) != 0 ? o.attributes.at(key) : ""; };
  info.givenname = get("givenname");
  info.surname = get("surname");
  info.email = get("email");
  info.mobile = get("mobile");
  info.phone = get("phone");
  info.description = get("description");
  std::optional<Secret> password;
  if (o.password) {
    auto read = ReadNewPassword();
    if (!read.ok()) return read.error();
    password = std::move(*read);
  }
  auto user = directory.CreateUser(o.resolver, info, password);
  if (!user.ok()) return user.error();
  std::cout << "user " << o.name << " added to " << o.resolver << " (uid " << user->info.uid << ")\n";
  return OkStatus();
}

Status SetPassword(Directory& directory, const Options& o) {
  auto password = ReadNewPassword();
  if (!password.ok()) return password.error();
  return directory.UpdateUser(o.resolver, o.name, {}, std::optional<Secret>(std::move(*password)));
}

void AddUserCommands(CLI::App& mfa, std::string& config_path, int& code) {
  auto* group =
      mfa.add_subcommand("user", "Users of the resolvers (editing needs an editable resolver: sql)");
  group->require_subcommand(1);
  group->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  auto o = std::make_shared<Options>();
  auto run = [&config_path, &code, o](Status (*action)(Directory&, const Options&)) {
    code = WithDirectory(config_path, [&](Directory& directory) { return action(directory, *o); });
  };

  auto* add = group->add_subcommand("add", "Create a user; --password reads one from the terminal or stdin");
  add->add_option("resolver", o->resolver, "Resolver (editable)")->required();
  add->add_option("username", o->name, "Login name")->required();
  AddAttributeOptions(*add, *o);
  add->add_flag("--password", o->password, "Read a password for the user");
  add->callback([run] { run(AddUser); });

  auto* list = group->add_subcommand("list", "List users of a realm (default realm) or of one resolver");
  list->add_option("--realm", o->realm, "Realm (default: the default realm)");
  list->add_option("--resolver", o->resolver, "Only this resolver");
  list->add_option("--filter", o->filters, "attribute=pattern, '*' as wildcard (e.g. username=al*)");
  list->add_flag("--json", o->json, "Machine-readable output (one JSON array)");
  list->callback([run] { run(ListUsers); });

  auto* set = group->add_subcommand("set", "Change a user's attributes");
  set->add_option("resolver", o->resolver, "Resolver (editable)")->required();
  set->add_option("username", o->name, "Login name")->required();
  AddAttributeOptions(*set, *o);
  set->callback([run] {
    run([](Directory& directory, const Options& opt) {
      return directory.UpdateUser(opt.resolver, opt.name, opt.attributes, std::nullopt);
    });
  });

  auto* remove = group->add_subcommand("remove", "Delete a user");
  remove->add_option("resolver", o->resolver, "Resolver (editable)")->required();
  remove->add_option("username", o->name, "Login name")->required();
  remove->callback([run] {
    run([](Directory& directory, const Options& opt) {
      return directory.DeleteUser(opt.resolver, opt.name);
    });
  });

  auto* password =
      group->add_subcommand("password", "Set a user's password (read from the terminal or stdin)");
  password->add_option("resolver", o->resolver, "Resolver (editable)")->required();
  password->add_option("username", o->name, "Login name")->required();
  password->callback([run] { run(SetPassword); });
  for (CLI::App* cmd : group->get_subcommands({})) cmd->fallthrough();
}

}  // namespace

void AddMfaUserCommands(CLI::App& mfa, std::string& config_path, int& code) {
  AddResolverCommands(mfa, config_path, code);
  AddRealmCommands(mfa, config_path, code);
  AddUserCommands(mfa, config_path, code);
}

}  // namespace osprey::cli
