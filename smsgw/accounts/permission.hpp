// Permission: what a gateway user's API tokens may call, one identifier per group of methods (spec §3.3).
// The identifiers are part of Osprey's interface (CLI, configuration, docs): never rename one.
//
// Pure functions and constants; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <set>
#include <string_view>

#include "osprey/core/result.hpp"

namespace osprey::smsgw::accounts {

enum class Permission {
  kMessagesSendSms,        // messages.send_sms: POST /messages/sms
  kMessagesSendSmsSingle,  // messages.send_sms_single: POST /messages/sms_single
  kMessagesRead,           // messages.read: GET /messages/{folder}, /messages/count, /messages/status/{id}
  kMessagesDelete,         // messages.delete: DELETE /messages/{folder}/...
  kMessagesModify,         // messages.modify: PATCH /messages/outbox_modem_no
  kModemRead,              // modem.read: GET /modem/*
  kModemWrite,             // modem.write: PUT /modem/status/{n}
  kPhonebookRead,          // phonebook.read: GET /phonebook/... (contacts, groups, members)
  kPhonebookWrite,         // phonebook.write: POST/PUT/DELETE /phonebook/...
  kApiV1Send,              // apiv1.send: send_sms, send_togroup, send_tocontact
  kApiV1Read,              // apiv1.read: read_sms
  kApiV1Delete,            // apiv1.delete: delete_sms
  kApiV1Lengths,           // apiv1.lengths: get_queue_length, get_inbox_length, get_sentitems_length
  kApiV1Signal,            // apiv1.signal: get_gsmsignal
};

inline constexpr std::size_t kPermissionCount = 14;

using PermissionSet = std::set<Permission>;

// Every permission, in the order of the enum (and of the spec's table).
const std::array<Permission, kPermissionCount>& AllPermissions();

// The identifier of `permission`, e.g. "messages.send_sms".
std::string_view PermissionName(Permission permission);

// The permission named exactly `name` (case-sensitive). kInvalidArgument naming the valid identifiers
// otherwise.
Result<Permission> ParsePermission(std::string_view name);

}  // namespace osprey::smsgw::accounts
