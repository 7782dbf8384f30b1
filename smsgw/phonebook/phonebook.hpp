// Phonebook: the gateway's contacts and groups (SMSEagle's phonebook), stored in the tables of
// migrations.hpp, and the send path's RecipientDirectory over them.
//
// Scoping [D, docs/compatibility.md]: an entry belongs to the user who created it (owner_id). A `Viewer` is
// the caller's user id, or nullopt for a caller with "access to resources of all users" (and the CLI). An
// entry is readable by its owner, by an all-resources viewer and, when `is_public`, by everyone; only the
// owner or an all-resources viewer may change or delete it. A group's members are filtered the same way: a
// viewer sees (and sends to) only the members it may read. Entries a viewer may not read are reported exactly
// like unknown ones (kNotFound / nullopt); an entry it may read but not change is kNotFound for changes too.
//
// Results: writes return either the rejected fields (FieldErrors with SMSEagle's texts, nothing changed) or
// the written entry; kNotFound for an unknown or out-of-scope id; kUnavailable / kInternal when the database
// fails (nothing changed). Field checks come before the id lookup (smseagle-api.md §1.6: 400 before 404).
//
// Ownership: refers to `db`, which must outlive it. Thread rule: any number of threads may call any member.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"
#include "smsgw/send/directory.hpp"
#include "smsgw/send/send_service.hpp"

namespace osprey::smsgw::phonebook {

using send::FieldErrors;
using Viewer = std::optional<std::int64_t>;

inline constexpr std::size_t kMaxNameLength = 255;

struct Contact {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;
  std::string name;
  std::string number;  // as given; may be empty
  bool is_public = false;
  bool operator==(const Contact&) const = default;
};

struct Group {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;
  std::string name;
  bool is_public = false;
  bool operator==(const Group&) const = default;
};

// A field that is nullopt stays as it is (for Add: name blank, number empty, not public).
struct ContactFields {
  std::optional<std::string> name, number;
  std::optional<bool> is_public;
};
struct GroupFields {
  std::optional<std::string> name;
  std::optional<bool> is_public;
};

// Either the rejected fields (nothing changed) or the result.
template <typename T>
using Checked = std::variant<FieldErrors, T>;

// The field checks of a contact / group write: name not blank ("This value should not be blank.", required
// when `creating`) and at most kMaxNameLength bytes; a non-empty number must be a valid phone number
// ("Invalid phone number."). Empty when valid.
FieldErrors CheckContactFields(const ContactFields& fields, bool creating);
FieldErrors CheckGroupFields(const GroupFields& fields, bool creating);

class Phonebook final : public send::RecipientDirectory {
 public:
  explicit Phonebook(sql::Database& db);
  Phonebook(const Phonebook&) = delete;
  Phonebook& operator=(const Phonebook&) = delete;

  // Contacts, in id order for lists.
  Result<Checked<Contact>> AddContact(std::int64_t owner_id, const ContactFields& fields) const;
  Result<std::vector<Contact>> ListContacts(Viewer viewer) const;
  Result<Contact> GetContact(std::int64_t id, Viewer viewer) const;
  Result<Checked<Contact>> UpdateContact(std::int64_t id, const ContactFields& changes, Viewer viewer) const;
  // Also removes it from every group.
  Status RemoveContact(std::int64_t id, Viewer viewer) const;

  // Groups, in id order for lists.
  Result<Checked<Group>> AddGroup(std::int64_t owner_id, const GroupFields& fields) const;
  Result<std::vector<Group>> ListGroups(Viewer viewer) const;
  Result<Group> GetGroup(std::int64_t id, Viewer viewer) const;
  Result<Checked<Group>> UpdateGroup(std::int64_t id, const GroupFields& changes, Viewer viewer) const;
  // Removes the group and its memberships, not the contacts.
  Status RemoveGroup(std::int64_t id, Viewer viewer) const;

  // The members of group `id` that `viewer` may read, in contact id order; kNotFound when the group is
  // unknown or not readable.
  Result<std::vector<Contact>> Members(std::int64_t group_id, Viewer viewer) const;
  // Adds / removes the contacts `contact_ids` (each must be a contact `viewer` may read, else
  // {"contacts": "The value you selected is not a valid choice."}; empty: {"contacts": "This value should not
  // be blank."}) to / from group `group_id`, which `viewer` must be allowed to change (kNotFound otherwise).
  // Adding a member twice and removing a non-member change nothing. Returns the members afterwards.
  Result<Checked<std::vector<Contact>>> AddMembers(std::int64_t group_id,
                                                   const std::vector<std::int64_t>& contact_ids,
                                                   Viewer viewer) const;
  Result<Checked<std::vector<Contact>>> RemoveMembers(std::int64_t group_id,
                                                      const std::vector<std::int64_t>& contact_ids,
                                                      Viewer viewer) const;

  // send::RecipientDirectory (directory.hpp), with the scoping above.
  Result<std::optional<send::DirectoryContact>> FindContact(
      std::int64_t id, std::optional<std::int64_t> viewer) const override;
  Result<std::optional<std::vector<send::DirectoryContact>>> GroupMembers(
      std::int64_t id, std::optional<std::int64_t> viewer) const override;
  Result<std::optional<std::int64_t>> FindContactByName(std::string_view name,
                                                        std::optional<std::int64_t> viewer) const override;
  Result<std::optional<std::int64_t>> FindGroupByName(std::string_view name,
                                                      std::optional<std::int64_t> viewer) const override;

 private:
  Result<Checked<std::vector<Contact>>> ChangeMembers(std::int64_t group_id,
                                                      const std::vector<std::int64_t>& contact_ids,
                                                      Viewer viewer, bool add) const;

  sql::Database& db_;
};

}  // namespace osprey::smsgw::phonebook
