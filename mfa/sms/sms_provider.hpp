// SMS providers (spec privacyidea-api.md §12–§13): an SMS gateway definition names a provider module by
// privacyIDEA's dotted class path and carries that module's options and headers; each module is a SmsProvider
// registered by name from main (STYLE: extension points are small interfaces registered by name).
// Thread rule: GatewayDefinition is a plain value; providers are immutable and called from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey::mfa::sms {

// The module names of privacyIDEA 3.11's six providers (§12).
inline constexpr std::string_view kHttpModule = "privacyidea.lib.smsprovider.HttpSMSProvider.HttpSMSProvider";
inline constexpr std::string_view kSipgateModule =
    "privacyidea.lib.smsprovider.SipgateSMSProvider.SipgateSMSProvider";
inline constexpr std::string_view kSmtpModule = "privacyidea.lib.smsprovider.SmtpSMSProvider.SmtpSMSProvider";
inline constexpr std::string_view kSmppModule = "privacyidea.lib.smsprovider.SmppSMSProvider.SmppSMSProvider";
inline constexpr std::string_view kFirebaseModule =
    "privacyidea.lib.smsprovider.FirebaseProvider.FirebaseProvider";
inline constexpr std::string_view kScriptModule =
    "privacyidea.lib.smsprovider.ScriptSMSProvider.ScriptSMSProvider";

// String keys to string values in insertion order, as a Python dict keeps them: assigning to a present key
// changes its value in place, a new key goes to the end. Lookups are linear (a gateway has a dozen options).
// Equality compares the order too. Thread rule: a plain value.
class OrderedStringMap {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;
  using iterator = const_iterator;  // entries change only through operator[]

  OrderedStringMap() = default;
  // Like a dict literal: a repeated key keeps its first position and takes the last value.
  OrderedStringMap(std::initializer_list<value_type> entries);

  // The value of `key`; a new key is appended with an empty value.
  std::string& operator[](std::string_view key);
  const_iterator find(std::string_view key) const;
  // Throws std::out_of_range when `key` is absent.
  const std::string& at(std::string_view key) const;
  std::size_t count(std::string_view key) const { return find(key) == end() ? 0 : 1; }

  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  friend bool operator==(const OrderedStringMap&, const OrderedStringMap&) = default;

 private:
  std::vector<value_type> entries_;
};

// One row of /smsgateway (§12), with its option and header values in plain text (the store seals the secret
// ones at rest and opens them on read). Options and headers keep privacyIDEA's order: the order of the
// database rows, which is the order in which they were first given (§13.2's parameters are sent in it).
struct GatewayDefinition {
  std::int64_t id = 0;
  std::string name;
  std::string module;
  std::optional<std::string> description;
  OrderedStringMap options;
  OrderedStringMap headers;
};

// One entry of a provider's "parameters" in GET /smsgateway/providers.
struct ProviderParameter {
  bool required = false;
  std::string description;
  std::vector<std::string> values;  // the allowed values; empty: free text ("values" is not rendered)
};

struct ProviderDescriptor {
  std::string module;
  bool options_allowed = false;
  std::optional<bool> headers_allowed;  // absent for ScriptSMSProvider (§12)
  std::map<std::string, ProviderParameter> parameters;
};

class SmsProvider {
 public:
  SmsProvider() = default;
  SmsProvider(const SmsProvider&) = delete;
  SmsProvider& operator=(const SmsProvider&) = delete;
  virtual ~SmsProvider() = default;

  virtual ProviderDescriptor Describe() const = 0;
  // Sends `text` to `phone` through `gateway` (whose module is this provider's). OkStatus when the gateway
  // took the message. On failure the error's message is privacyIDEA's log text (§13.1, §13.5: "SMS could not
  // be sent: 500", ...): it goes to the log and the audit, never to the /validate reply, and must never
  // contain a password, token or other secret option or header value.
  virtual Status Send(const GatewayDefinition& gateway, const std::string& phone,
                      const std::string& text) const = 0;
};

// The registry, by module name (exact match).
class SmsProviders {
 public:
  // Throws std::logic_error on a duplicate module.
  void Register(std::unique_ptr<SmsProvider> provider);
  const SmsProvider* Find(std::string_view module) const;
  std::vector<const SmsProvider*> All() const;  // ordered by module name

 private:
  std::map<std::string, std::unique_ptr<SmsProvider>, std::less<>> providers_;
};

// A provider that is listed (GET /smsgateway/providers shows `descriptor`) but refuses to send, for the
// modules Osprey does not implement (Sipgate, SMPP, Firebase; §12 [choice]): Send fails with "<module> is not
// supported by Osprey".
std::unique_ptr<SmsProvider> MakeRefusingProvider(ProviderDescriptor descriptor);

// Registers the refusing Sipgate, SMPP and Firebase providers, with privacyIDEA 3.11's parameter lists.
void RegisterUnsupportedProviders(SmsProviders& providers);

}  // namespace osprey::mfa::sms
