#include "cli/phonebook_commands.hpp"

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/account_context.hpp"
#include "cli/commands.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/keyed_hash.hpp"
#include "smsgw/accounts/account_store.hpp"
#include "smsgw/phonebook/phonebook.hpp"

namespace osprey::cli {
namespace {

using smsgw::phonebook::Contact;
using smsgw::phonebook::Group;
using smsgw::phonebook::Phonebook;

// The CLI acts with access to every user's resources.
constexpr std::optional<std::int64_t> kEveryone = std::nullopt;

// The account context plus the phonebook on its database.
struct PhonebookContext : AccountContext {
  std::unique_ptr<Phonebook> book;
};

nlohmann::json ContactJson(const Contact& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"number", c.number},
          {"public", c.is_public},
          {"owner_id", c.owner_id}};
}
nlohmann::json GroupJson(const Group& g) {
  return {{"id", g.id}, {"name", g.name}, {"public", g.is_public}, {"owner_id", g.owner_id}};
}

void Print(const nlohmann::json& j, bool json) {
  if (json) {
    std::cout << j.dump() << "\n";
    return;
  }
  const auto line = [](const nlohmann::json& e) {
    std::cout << e["id"].get<std::int64_t>() << "  " << e["name"].get<std::string>();
    if (e.contains("number")) std::cout << "  " << (e["number"] == "" ? "-" : e["number"].get<std::string>());
    std::cout << "  public=" << e["public"].get<bool>() << " owner_id=" << e["owner_id"].get<std::int64_t>()
              << "\n";
  };
  if (j.is_array()) {
    for (const auto& e : j) line(e);
  } else {
    line(j);
  }
}

// A checked write's result: the entry, or the rejected fields as a usage error naming them.
template <typename T>
Result<T> Unchecked(Result<smsgw::phonebook::Checked<T>> r) {
  if (!r.ok()) return r.error();
  if (const auto* rejected = std::get_if<smsgw::phonebook::FieldErrors>(&*r)) {
    std::string why;
    for (const auto& [field, text] : *rejected) why += (why.empty() ? "" : "; ") + field + ": " + text;
    return Error(ErrorCode::kInvalidArgument, why);
  }
  return std::get<T>(std::move(*r));
}

struct Options {
  std::string name, number, owner;
  std::optional<std::string> new_name, new_number;
  std::optional<bool> set_public;
  bool is_public = false;
  bool json = false;
  std::int64_t id = 0;
  std::vector<std::int64_t> contacts;
};

using Action = std::function<Status(PhonebookContext&, const Options&)>;

// Runs `action` on an opened phonebook; maps errors to exit codes (usage errors -> 2, others -> 1).
int Run(const std::string& config_path, const Options& o, const Action& action) {
  PhonebookContext ctx;
  if (Status opened = OpenAccountContext(config_path, ctx); !opened.ok()) {
    PrintError(opened.error().message());
    return kExitFailure;
  }
  ctx.book = std::make_unique<Phonebook>(*ctx.db);
  return ExitCodeFor(action(ctx, o));
}

Result<std::int64_t> OwnerId(PhonebookContext& ctx, const std::string& owner) {
  if (owner.empty()) return std::int64_t{0};
  auto user = ctx.store->GetUser(owner);
  if (!user.ok()) return user.error();
  return user->id;
}

template <typename T, typename F>
Status PrintResult(const Result<T>& r, bool json, F to_json) {
  if (!r.ok()) return r.error();
  Print(to_json(*r), json);
  return OkStatus();
}

nlohmann::json ContactsJson(const std::vector<Contact>& contacts) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : contacts) out.push_back(ContactJson(c));
  return out;
}

Status AddContact(PhonebookContext& ctx, const Options& o) {
  auto owner = OwnerId(ctx, o.owner);
  if (!owner.ok()) return owner.error();
  return PrintResult(Unchecked(ctx.book->AddContact(*owner, {o.name, o.number, o.is_public})), o.json,
                     ContactJson);
}

Status SetContact(PhonebookContext& ctx, const Options& o) {
  auto r = Unchecked(ctx.book->UpdateContact(o.id, {o.new_name, o.new_number, o.set_public}, kEveryone));
  return PrintResult(r, o.json, ContactJson);
}

Status AddGroup(PhonebookContext& ctx, const Options& o) {
  auto owner = OwnerId(ctx, o.owner);
  if (!owner.ok()) return owner.error();
  return PrintResult(Unchecked(ctx.book->AddGroup(*owner, {o.name, o.is_public})), o.json, GroupJson);
}

Status ChangeMembers(PhonebookContext& ctx, const Options& o, bool add) {
  auto r = add ? ctx.book->AddMembers(o.id, o.contacts, kEveryone)
               : ctx.book->RemoveMembers(o.id, o.contacts, kEveryone);
  return PrintResult(Unchecked(std::move(r)), o.json, ContactsJson);
}

// Adds `name` to `parent`, calling `action` with the shared options.
CLI::App* Command(CLI::App* parent, const char* name, const char* about, const std::string& config_path,
                  int& code, const std::shared_ptr<Options>& o, Action action) {
  auto* cmd = parent->add_subcommand(name, about);
  cmd->add_flag("--json", o->json, "Machine-readable output");
  cmd->callback([&config_path, &code, o, action] { code = Run(config_path, *o, action); });
  return cmd;
}

void AddContactCommands(CLI::App* gateway, std::string& config_path, int& code) {
  auto* contact = gateway->add_subcommand("contact", "Phonebook contacts");
  contact->require_subcommand(1);
  auto o = std::make_shared<Options>();

  auto* add = Command(contact, "add", "Create a contact", config_path, code, o, AddContact);
  add->add_option("name", o->name, "Name")->required();
  add->add_option("number", o->number, "Phone number")->required();
  add->add_option("--owner", o->owner, "Owning gateway user (default: none)");
  add->add_flag("--public", o->is_public, "Readable and usable by every user");

  Command(contact, "list", "List every contact", config_path, code, o,
          [](PhonebookContext& ctx, const Options& o) {
            return PrintResult(ctx.book->ListContacts(kEveryone), o.json, ContactsJson);
          });

  auto* set = Command(contact, "set", "Change a contact", config_path, code, o, SetContact);
  set->add_option("id", o->id, "Contact id")->required();
  set->add_option("--name", o->new_name, "New name");
  set->add_option("--number", o->new_number, "New phone number (\"\" for none)");
  set->add_option("--public", o->set_public, "true or false");

  auto* remove = Command(
      contact, "remove", "Delete a contact (it leaves every group)", config_path, code, o,
      [](PhonebookContext& ctx, const Options& o) { return ctx.book->RemoveContact(o.id, kEveryone); });
  remove->add_option("id", o->id, "Contact id")->required();
}

void AddGroupCommands(CLI::App* gateway, std::string& config_path, int& code) {
  auto* group = gateway->add_subcommand("group", "Phonebook groups and their members");
  group->require_subcommand(1);
  auto o = std::make_shared<Options>();

  auto* add = Command(group, "add", "Create a group", config_path, code, o, AddGroup);
  add->add_option("name", o->name, "Name")->required();
  add->add_option("--owner", o->owner, "Owning gateway user (default: none)");
  add->add_flag("--public", o->is_public, "Readable and usable by every user");

  Command(group, "list", "List every group", config_path, code, o,
          [](PhonebookContext& ctx, const Options& o) {
            return PrintResult(ctx.book->ListGroups(kEveryone), o.json, [](const std::vector<Group>& groups) {
              nlohmann::json out = nlohmann::json::array();
              for (const auto& g : groups) out.push_back(GroupJson(g));
              return out;
            });
          });

  auto* remove =
      Command(group, "remove", "Delete a group (its contacts stay)", config_path, code, o,
              [](PhonebookContext& ctx, const Options& o) { return ctx.book->RemoveGroup(o.id, kEveryone); });
  remove->add_option("id", o->id, "Group id")->required();

  auto* member = group->add_subcommand("member", "Add contacts to / remove them from a group");
  member->require_subcommand(1);
  for (const bool adding : {true, false}) {
    auto* cmd = Command(
        member, adding ? "add" : "remove", adding ? "Add contacts" : "Remove contacts", config_path, code, o,
        [adding](PhonebookContext& ctx, const Options& o) { return ChangeMembers(ctx, o, adding); });
    cmd->add_option("group_id", o->id, "Group id")->required();
    cmd->add_option("contact_ids", o->contacts, "Contact ids")->required();
  }
}

}  // namespace

void AddPhonebookCommands(CLI::App* gateway, std::string& config_path, int& code) {
  AddContactCommands(gateway, config_path, code);
  AddGroupCommands(gateway, config_path, code);
}

}  // namespace osprey::cli
