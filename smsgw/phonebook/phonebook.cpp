// Contacts and groups. Membership and the RecipientDirectory side are in phonebook_members.cpp.
#include "smsgw/phonebook/phonebook.hpp"

#include <algorithm>

#include "smsgw/phonebook/phonebook_sql.hpp"
#include "smsgw/sms/number.hpp"

namespace osprey::smsgw::phonebook {
namespace {

using internal::Exec;
using internal::ForEachRow;
using internal::Scope;
using internal::ScopeFor;

constexpr char kBlank[] = "This value should not be blank.";
constexpr char kTooLong[] = "This value is too long. It should have 255 characters or less.";

bool IsBlank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

void CheckName(const std::optional<std::string>& name, bool creating, FieldErrors& errors) {
  if (!name) {
    if (creating) errors.emplace("name", kBlank);
    return;
  }
  if (IsBlank(*name))
    errors.emplace("name", kBlank);
  else if (name->size() > kMaxNameLength)
    errors.emplace("name", kTooLong);
}

Error NotFound() { return Error(ErrorCode::kNotFound, "Resource not found."); }

// The row of `table` with `id` under `clause` (kReadable or kWritable), read with `columns`.
template <typename T, typename From>
std::optional<T> LoadOne(soci::session& s, const char* table, const char* columns, const char* clause,
                         From from, long long id, const Scope& scope) {
  std::optional<T> found;
  ForEachRow(
      s, std::string("SELECT ") + columns + " FROM " + table + " t WHERE t.id = :id" + clause,
      [&](const soci::row& row) { found = from(row); }, id, scope.all, scope.user);
  return found;
}

std::optional<Contact> LoadContact(soci::session& s, long long id, const Scope& scope, bool writable) {
  return LoadOne<Contact>(s, "smsgw_contacts", internal::kContactColumns,
                          writable ? internal::kWritable : internal::kReadable, internal::ContactFrom, id,
                          scope);
}

std::optional<Group> LoadGroup(soci::session& s, long long id, const Scope& scope, bool writable) {
  return LoadOne<Group>(s, "smsgw_groups", internal::kGroupColumns,
                        writable ? internal::kWritable : internal::kReadable, internal::GroupFrom, id, scope);
}

// Every row of `table` that `viewer` may read, in id order, read with `columns` and `from`.
template <typename T, typename From>
Result<std::vector<T>> ListRows(sql::Database& db, const char* what, const char* table, const char* columns,
                                From from, Viewer viewer) {
  const Scope scope = ScopeFor(viewer);
  std::vector<T> out;
  Status st = internal::Read(db, what, [&](soci::session& s) {
    out.clear();
    ForEachRow(
        s,
        std::string("SELECT ") + columns + " FROM " + table + " t WHERE 1 = 1" + internal::kReadable +
            " ORDER BY t.id",
        [&](const soci::row& row) { out.push_back(from(row)); }, scope.all, scope.user);
  });
  if (!st.ok()) return st.error();
  return out;
}

// The row `load` (LoadContact, LoadGroup) finds for `viewer`; kNotFound when there is none.
template <typename T, typename Load>
Result<T> GetRow(sql::Database& db, const char* what, Load load, std::int64_t id, Viewer viewer) {
  std::optional<T> found;
  Status st =
      internal::Read(db, what, [&](soci::session& s) { found = load(s, id, ScopeFor(viewer), false); });
  if (!st.ok()) return st.error();
  if (!found) return NotFound();
  return *found;
}

// Loads the row `viewer` may write with `load` and calls `save(session, row)` to change and store it, in one
// transaction; kNotFound when there is no such row.
template <typename T, typename Load, typename Save>
Result<Checked<T>> UpdateRow(sql::Database& db, const char* what, Load load, Save save, std::int64_t id,
                             Viewer viewer) {
  std::optional<T> found;
  Status st = internal::Transact(db, what, [&](soci::session& s) {
    found = load(s, id, ScopeFor(viewer), true);
    if (found) save(s, *found);
  });
  if (!st.ok()) return st.error();
  if (!found) return NotFound();
  return Checked<T>(*found);
}

// Deletes the row of `table` with `id` if `viewer` may write it; kNotFound otherwise.
Status RemoveRow(sql::Database& db, const char* what, const char* table, std::int64_t id, Viewer viewer) {
  const Scope scope = ScopeFor(viewer);
  const long long row_id = id;
  long long removed = 0;
  Status st = internal::Transact(db, what, [&](soci::session& s) {
    removed = Exec(s,
                   std::string("DELETE FROM ") + table + " WHERE id IN (SELECT t.id FROM " + table +
                       " t WHERE t.id = :id" + internal::kWritable + ")",
                   row_id, scope.all, scope.user);
  });
  if (!st.ok()) return st;
  if (removed == 0) return NotFound();
  return OkStatus();
}

}  // namespace

FieldErrors CheckContactFields(const ContactFields& fields, bool creating) {
  FieldErrors errors;
  CheckName(fields.name, creating, errors);
  if (fields.number && !fields.number->empty() && !sms::NormalizePhoneNumber(*fields.number).ok()) {
    errors.emplace("number", "Invalid phone number.");
  }
  return errors;
}

FieldErrors CheckGroupFields(const GroupFields& fields, bool creating) {
  FieldErrors errors;
  CheckName(fields.name, creating, errors);
  return errors;
}

Phonebook::Phonebook(sql::Database& db) : db_(db) {}

Result<Checked<Contact>> Phonebook::AddContact(std::int64_t owner_id, const ContactFields& fields) const {
  if (FieldErrors errors = CheckContactFields(fields, true); !errors.empty()) return Checked<Contact>(errors);
  Contact c{0, owner_id, *fields.name, fields.number.value_or(""), fields.is_public.value_or(false)};
  long long owner = owner_id, id = 0;
  int is_public = c.is_public;
  Status st = internal::Transact(db_, "add contact", [&](soci::session& s) {
    s << "INSERT INTO smsgw_contacts (owner_id, name, number, is_public) VALUES (:o, :n, :num, :p) RETURNING "
         "id",
        soci::use(owner), soci::use(c.name), soci::use(c.number), soci::use(is_public), soci::into(id);
  });
  if (!st.ok()) return st.error();
  c.id = id;
  return Checked<Contact>(c);
}

Result<std::vector<Contact>> Phonebook::ListContacts(Viewer viewer) const {
  return ListRows<Contact>(db_, "list contacts", "smsgw_contacts", internal::kContactColumns,
                           internal::ContactFrom, viewer);
}

Result<Contact> Phonebook::GetContact(std::int64_t id, Viewer viewer) const {
  return GetRow<Contact>(db_, "get contact", LoadContact, id, viewer);
}

Result<Checked<Contact>> Phonebook::UpdateContact(std::int64_t id, const ContactFields& changes,
                                                  Viewer viewer) const {
  if (FieldErrors errors = CheckContactFields(changes, false); !errors.empty())
    return Checked<Contact>(errors);
  auto save = [&](soci::session& s, Contact& found) {
    if (changes.name) found.name = *changes.name;
    if (changes.number) found.number = *changes.number;
    if (changes.is_public) found.is_public = *changes.is_public;
    const int is_public = found.is_public;
    const long long row_id = id;
    Exec(s, "UPDATE smsgw_contacts SET name = :n, number = :num, is_public = :p WHERE id = :id", found.name,
         found.number, is_public, row_id);
  };
  return UpdateRow<Contact>(db_, "update contact", LoadContact, save, id, viewer);
}

Status Phonebook::RemoveContact(std::int64_t id, Viewer viewer) const {
  return RemoveRow(db_, "remove contact", "smsgw_contacts", id, viewer);
}

Result<Checked<Group>> Phonebook::AddGroup(std::int64_t owner_id, const GroupFields& fields) const {
  if (FieldErrors errors = CheckGroupFields(fields, true); !errors.empty()) return Checked<Group>(errors);
  Group g{0, owner_id, *fields.name, fields.is_public.value_or(false)};
  long long owner = owner_id, id = 0;
  int is_public = g.is_public;
  Status st = internal::Transact(db_, "add group", [&](soci::session& s) {
    s << "INSERT INTO smsgw_groups (owner_id, name, is_public) VALUES (:o, :n, :p) RETURNING id",
        soci::use(owner), soci::use(g.name), soci::use(is_public), soci::into(id);
  });
  if (!st.ok()) return st.error();
  g.id = id;
  return Checked<Group>(g);
}

Result<std::vector<Group>> Phonebook::ListGroups(Viewer viewer) const {
  return ListRows<Group>(db_, "list groups", "smsgw_groups", internal::kGroupColumns, internal::GroupFrom,
                         viewer);
}

Result<Group> Phonebook::GetGroup(std::int64_t id, Viewer viewer) const {
  return GetRow<Group>(db_, "get group", LoadGroup, id, viewer);
}

Result<Checked<Group>> Phonebook::UpdateGroup(std::int64_t id, const GroupFields& changes,
                                              Viewer viewer) const {
  if (FieldErrors errors = CheckGroupFields(changes, false); !errors.empty()) return Checked<Group>(errors);
  auto save = [&](soci::session& s, Group& found) {
    if (changes.name) found.name = *changes.name;
    if (changes.is_public) found.is_public = *changes.is_public;
    const int is_public = found.is_public;
    const long long row_id = id;
    Exec(s, "UPDATE smsgw_groups SET name = :n, is_public = :p WHERE id = :id", found.name, is_public,
         row_id);
  };
  return UpdateRow<Group>(db_, "update group", LoadGroup, save, id, viewer);
}

Status Phonebook::RemoveGroup(std::int64_t id, Viewer viewer) const {
  return RemoveRow(db_, "remove group", "smsgw_groups", id, viewer);
}

}  // namespace osprey::smsgw::phonebook
