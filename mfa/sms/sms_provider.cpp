#include "mfa/sms/sms_provider.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace osprey::mfa::sms {

OrderedStringMap::OrderedStringMap(std::initializer_list<value_type> entries) {
  for (const value_type& entry : entries) (*this)[entry.first] = entry.second;
}

std::string& OrderedStringMap::operator[](std::string_view key) {
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const value_type& entry) { return entry.first == key; });
  if (it != entries_.end()) return it->second;
  return entries_.emplace_back(std::string(key), std::string()).second;
}

OrderedStringMap::const_iterator OrderedStringMap::find(std::string_view key) const {
  return std::find_if(begin(), end(), [&](const value_type& entry) { return entry.first == key; });
}

const std::string& OrderedStringMap::at(std::string_view key) const {
  const auto it = find(key);
  if (it == end()) throw std::out_of_range("no such key: " + std::string(key));
  return it->second;
}

void SmsProviders::Register(std::unique_ptr<SmsProvider> provider) {
  std::string module = provider->Describe().module;
  if (providers_.count(module) != 0) throw std::logic_error("SMS provider registered twice: " + module);
  providers_.emplace(std::move(module), std::move(provider));
}

const SmsProvider* SmsProviders::Find(std::string_view module) const {
  auto it = providers_.find(module);
  return it == providers_.end() ? nullptr : it->second.get();
}

std::vector<const SmsProvider*> SmsProviders::All() const {
  std::vector<const SmsProvider*> all;
  for (const auto& [module, provider] : providers_) all.push_back(provider.get());
  return all;
}

namespace {

class RefusingProvider final : public SmsProvider {
 public:
  explicit RefusingProvider(ProviderDescriptor descriptor) : descriptor_(std::move(descriptor)) {}
  ProviderDescriptor Describe() const override { return descriptor_; }
  Status Send(const GatewayDefinition&, const std::string&, const std::string&) const override {
    return Error(ErrorCode::kFailedPrecondition, descriptor_.module + " is not supported by Osprey");
  }

 private:
  const ProviderDescriptor descriptor_;
};

ProviderDescriptor Descriptor(std::string_view module,
                              std::initializer_list<std::pair<const char*, ProviderParameter>> parameters) {
  ProviderDescriptor d;
  d.module = std::string(module);
  d.options_allowed = false;
  d.headers_allowed = false;
  for (const auto& [name, parameter] : parameters) d.parameters.emplace(name, parameter);
  return d;
}

}  // namespace

std::unique_ptr<SmsProvider> MakeRefusingProvider(ProviderDescriptor descriptor) {
  return std::make_unique<RefusingProvider>(std::move(descriptor));
}

void RegisterUnsupportedProviders(SmsProviders& providers) {
  providers.Register(
      MakeRefusingProvider(Descriptor(kSipgateModule, {
                                                          {"USERNAME", {true, "The sipgate username.", {}}},
                                                          {"PASSWORD", {true, "The sipgate password.", {}}},
                                                          {"PROXY", {false, "An optional proxy URI.", {}}},
                                                      })));
  providers.Register(MakeRefusingProvider(
      Descriptor(kSmppModule, {
                                  {"SMSC_HOST", {true, "SMSC Host IP", {}}},
                                  {"SMSC_PORT", {true, "SMSC Port", {}}},
                                  {"SYSTEM_ID", {false, "SMSC Service ID", {}}},
                                  {"PASSWORD", {false, "Password for authentication on SMSC", {}}},
                                  {"S_ADDR_TON", {false, "SOURCE_ADDR_TON Special Flag", {}}},
                                  {"S_ADDR_NPI", {false, "S_ADDR_NPI Special Flag", {}}},
                                  {"S_ADDR", {false, "Source address (SMS sender)", {}}},
                                  {"D_ADDR_TON", {false, "DESTINATION_ADDR_TON Special Flag", {}}},
                                  {"D_ADDR_NPI", {false, "D_ADDR_NPI Special Flag", {}}},
                              })));
  providers.Register(MakeRefusingProvider(Descriptor(
      kFirebaseModule,
      {
          {"registration URL",
           {true,
            "The URL the Push App should contact in the second enrollment step. Usually it is "
            "the endpoint /ttype/push of the privacyIDEA server.",
            {}}},
          {"time to live",
           {true, "The second enrollment step must be completed within this time (in minutes).", {}}},
          {"projectid",
           {true, "The project ID, that the client should use. Get it from your Firebase console.", {}}},
          {"projectnumber",
           {true, "The project number, that the client should use. Get it from your Firebase console.", {}}},
          {"appid",
           {false, "The App ID, that the Android client should use. Get it from your Firebase console.", {}}},
          {"apikey",
           {false,
            "The API Key, that the Android client should use. Get it from your Firebase console.",
            {}}},
          {"appidios",
           {false, "The App ID, that the iOS client should use. Get it from your Firebase console.", {}}},
          {"apikeyios",
           {false, "The API Key, that the iOS client should use. Get it from your Firebase console.", {}}},
          {"JSON config file",
           {true,
            "The filename of the JSON config file, that allows privacyIDEA to talk to the "
            "Firebase REST API.",
            {}}},
      })));
}

}  // namespace osprey::mfa::sms
