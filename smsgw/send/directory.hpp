// RecipientDirectory: how the send path resolves phonebook references (smseagle-api.md §5 `contacts` and
// `groups`, APIv1 `send_tocontact`/`send_togroup`) without depending on the phonebook's storage. The
// phonebook module implements it; tests may fake it.
//
// Scoping: `viewer` is the caller's user id, or nullopt for a caller who may see the resources of all users.
// An entry the viewer may not see is reported exactly like an unknown one (nullopt).
// Thread rule: implementations are safe to call from any number of threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey::smsgw::send {

struct DirectoryContact {
  std::int64_t id = 0;
  std::string name;
  std::string number;  // as stored; may be empty (then the recipient fails with "Invalid phone number.")
};

class RecipientDirectory {
 public:
  virtual ~RecipientDirectory() = default;

  // Contact `id`; nullopt when unknown or not visible to `viewer`.
  virtual Result<std::optional<DirectoryContact>> FindContact(std::int64_t id,
                                                              std::optional<std::int64_t> viewer) const = 0;
  // The members of group `id` in a stable order (by contact id); nullopt when the group is unknown or not
  // visible to `viewer`. An empty group is an empty vector.
  virtual Result<std::optional<std::vector<DirectoryContact>>> GroupMembers(
      std::int64_t id, std::optional<std::int64_t> viewer) const = 0;
  // The id of the contact / group named exactly `name` (the lowest id when several share it); nullopt when
  // none is visible to `viewer`.
  virtual Result<std::optional<std::int64_t>> FindContactByName(std::string_view name,
                                                                std::optional<std::int64_t> viewer) const = 0;
  virtual Result<std::optional<std::int64_t>> FindGroupByName(std::string_view name,
                                                              std::optional<std::int64_t> viewer) const = 0;
};

}  // namespace osprey::smsgw::send
