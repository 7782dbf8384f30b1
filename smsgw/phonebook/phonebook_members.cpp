// Group membership and the send path's RecipientDirectory.
#include "smsgw/phonebook/phonebook.hpp"
#include "smsgw/phonebook/phonebook_sql.hpp"

namespace osprey::smsgw::phonebook {
namespace {

using internal::Exec;
using internal::ForEachRow;
using internal::Scope;
using internal::ScopeFor;

constexpr char kInvalidChoice[] = "The value you selected is not a valid choice.";

bool GroupExists(soci::session& s, long long id, const Scope& scope, bool writable) {
  bool found = false;
  ForEachRow(
      s,
      std::string("SELECT CAST(t.id AS BIGINT) FROM smsgw_groups t WHERE t.id = :id") +
          (writable ? internal::kWritable : internal::kReadable),
      [&](const soci::row&) { found = true; }, id, scope.all, scope.user);
  return found;
}

bool ContactReadable(soci::session& s, long long id, const Scope& scope) {
  bool found = false;
  ForEachRow(
      s,
      std::string("SELECT CAST(t.id AS BIGINT) FROM smsgw_contacts t WHERE t.id = :id") + internal::kReadable,
      [&](const soci::row&) { found = true; }, id, scope.all, scope.user);
  return found;
}

// The members of group `id` that `scope` may read, by contact id.
std::vector<Contact> LoadMembers(soci::session& s, long long id, const Scope& scope) {
  std::vector<Contact> out;
  ForEachRow(
      s,
      std::string("SELECT ") + internal::kContactColumns +
          " FROM smsgw_group_members m JOIN smsgw_contacts t ON t.id = m.contact_id WHERE m.group_id = :g" +
          internal::kReadable + " ORDER BY t.id",
      [&](const soci::row& row) { out.push_back(internal::ContactFrom(row)); }, id, scope.all, scope.user);
  return out;
}

// The lowest id in `table` named exactly `name` that `scope` may read.
std::optional<std::int64_t> LowestNamed(soci::session& s, const char* table, std::string_view name,
                                        const Scope& scope) {
  std::optional<std::int64_t> found;
  const std::string wanted(name);
  ForEachRow(
      s,
      std::string("SELECT CAST(t.id AS BIGINT) FROM ") + table + " t WHERE t.name = :n" +
          internal::kReadable + " ORDER BY t.id LIMIT 1",
      [&](const soci::row& row) { found = internal::Int(row, 0); }, wanted, scope.all, scope.user);
  return found;
}

send::DirectoryContact ToDirectory(const Contact& c) { return {c.id, c.name, c.number}; }

}  // namespace

Result<std::vector<Contact>> Phonebook::Members(std::int64_t group_id, Viewer viewer) const {
  const Scope scope = ScopeFor(viewer);
  std::optional<std::vector<Contact>> members;
  Status st = internal::Read(db_, "group members", [&](soci::session& s) {
    members.reset();
    if (GroupExists(s, group_id, scope, false)) members = LoadMembers(s, group_id, scope);
  });
  if (!st.ok()) return st.error();
  if (!members) return Error(ErrorCode::kNotFound, "Resource not found.");
  return *members;
}

Result<Checked<std::vector<Contact>>> Phonebook::AddMembers(std::int64_t group_id,
                                                            const std::vector<std::int64_t>& contact_ids,
                                                            Viewer viewer) const {
  return ChangeMembers(group_id, contact_ids, viewer, true);
}

Result<Checked<std::vector<Contact>>> Phonebook::RemoveMembers(std::int64_t group_id,
                                                               const std::vector<std::int64_t>& contact_ids,
                                                               Viewer viewer) const {
  return ChangeMembers(group_id, contact_ids, viewer, false);
}

// Contact ids are checked before the group (400 before 404, smseagle-api.md §1.6); both in the one
// transaction that changes the membership.
Result<Checked<std::vector<Contact>>> Phonebook::ChangeMembers(std::int64_t group_id,
                                                               const std::vector<std::int64_t>& contact_ids,
                                                               Viewer viewer, bool add) const {
  using Out = Checked<std::vector<Contact>>;
  if (contact_ids.empty()) return Out(FieldErrors{{"contacts", "This value should not be blank."}});
  const Scope scope = ScopeFor(viewer);
  const long long group = group_id;
  bool invalid = false, found = false;
  std::vector<Contact> members;
  Status st = internal::Transact(db_, add ? "add members" : "remove members", [&](soci::session& s) {
    invalid = found = false;
    for (const long long id : contact_ids) invalid = invalid || !ContactReadable(s, id, scope);
    if (invalid) return;
    found = GroupExists(s, group, scope, true);
    if (!found) return;
    for (const long long id : contact_ids) {
      Exec(s, "DELETE FROM smsgw_group_members WHERE group_id = :g AND contact_id = :c", group, id);
      if (add) Exec(s, "INSERT INTO smsgw_group_members (group_id, contact_id) VALUES (:g, :c)", group, id);
    }
    members = LoadMembers(s, group, scope);
  });
  if (!st.ok()) return st.error();
  if (invalid) return Out(FieldErrors{{"contacts", kInvalidChoice}});
  if (!found) return Error(ErrorCode::kNotFound, "Resource not found.");
  return Out(std::move(members));
}

Result<std::optional<send::DirectoryContact>> Phonebook::FindContact(
    std::int64_t id, std::optional<std::int64_t> viewer) const {
  auto contact = GetContact(id, viewer);
  if (contact.ok()) return std::optional<send::DirectoryContact>(ToDirectory(*contact));
  if (contact.error().code() == ErrorCode::kNotFound) return std::optional<send::DirectoryContact>();
  return contact.error();
}

Result<std::optional<std::vector<send::DirectoryContact>>> Phonebook::GroupMembers(
    std::int64_t id, std::optional<std::int64_t> viewer) const {
  using Out = std::optional<std::vector<send::DirectoryContact>>;
  auto members = Members(id, viewer);
  if (!members.ok()) {
    if (members.error().code() == ErrorCode::kNotFound) return Out();
    return members.error();
  }
  std::vector<send::DirectoryContact> out;
  for (const Contact& c : *members) out.push_back(ToDirectory(c));
  return Out(std::move(out));
}

Result<std::optional<std::int64_t>> Phonebook::FindContactByName(std::string_view name,
                                                                 std::optional<std::int64_t> viewer) const {
  std::optional<std::int64_t> id;
  Status st = internal::Read(db_, "find contact", [&](soci::session& s) {
    id = LowestNamed(s, "smsgw_contacts", name, ScopeFor(viewer));
  });
  if (!st.ok()) return st.error();
  return id;
}

Result<std::optional<std::int64_t>> Phonebook::FindGroupByName(std::string_view name,
                                                               std::optional<std::int64_t> viewer) const {
  std::optional<std::int64_t> id;
  Status st = internal::Read(db_, "find group", [&](soci::session& s) {
    id = LowestNamed(s, "smsgw_groups", name, ScopeFor(viewer));
  });
  if (!st.ok()) return st.error();
  return id;
}

}  // namespace osprey::smsgw::phonebook
