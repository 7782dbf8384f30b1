#include "smsgw/accounts/permission.hpp"

#include <string>

namespace osprey::smsgw::accounts {
namespace {

struct Entry {
  Permission permission;
  std::string_view name;
};

// Indexed by the enum's value.
constexpr std::array<Entry, kPermissionCount> kEntries{{
    {Permission::kMessagesSendSms, "messages.send_sms"},
    {Permission::kMessagesSendSmsSingle, "messages.send_sms_single"},
    {Permission::kMessagesRead, "messages.read"},
    {Permission::kMessagesDelete, "messages.delete"},
    {Permission::kMessagesModify, "messages.modify"},
    {Permission::kModemRead, "modem.read"},
    {Permission::kModemWrite, "modem.write"},
    {Permission::kPhonebookRead, "phonebook.read"},
    {Permission::kPhonebookWrite, "phonebook.write"},
    {Permission::kApiV1Send, "apiv1.send"},
    {Permission::kApiV1Read, "apiv1.read"},
    {Permission::kApiV1Delete, "apiv1.delete"},
    {Permission::kApiV1Lengths, "apiv1.lengths"},
    {Permission::kApiV1Signal, "apiv1.signal"},
}};

}  // namespace

const std::array<Permission, kPermissionCount>& AllPermissions() {
  static const std::array<Permission, kPermissionCount> all = [] {
    std::array<Permission, kPermissionCount> out{};
    for (std::size_t i = 0; i < kEntries.size(); ++i) out[i] = kEntries[i].permission;
    return out;
  }();
  return all;
}

std::string_view PermissionName(Permission permission) {
  return kEntries.at(static_cast<std::size_t>(permission)).name;
}

Result<Permission> ParsePermission(std::string_view name) {
  std::string known;
  for (const Entry& entry : kEntries) {
    if (entry.name == name) return entry.permission;
    known += known.empty() ? "" : ", ";
    known += entry.name;
  }
  return Error(ErrorCode::kInvalidArgument,
               "unknown permission '" + std::string(name) + "'; valid permissions: " + known);
}

}  // namespace osprey::smsgw::accounts
