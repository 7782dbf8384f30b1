// SmsSender: sends one SMS for the SMS token (spec privacyidea-api.md §11.5) through the named gateway
// definition, with two Osprey additions (docs/sms.md):
//   - failover: when the gateway fails, the gateways named in system config `osprey.sms.failover` (a comma-
//   or
//     space-separated, ordered list of gateway names) are tried in turn;
//   - anti-pumping limits: authentication-scope policy actions osprey_sms_limit_user ("<count>/<seconds>"),
//     osprey_sms_limit_number ("<count>/<seconds>") and osprey_sms_limit_prefix
//     ("<count>/<seconds>/<digits>") refuse an SMS that would exceed <count> SMS sent in the last <seconds>
//     to that user, that destination number, or numbers sharing the first <digits> digits. An SMS that some
//     limit applies to is recorded when it is handed to a gateway (table mfa_sms_sent, component "mfa_sms");
//     SMS sent while no limit applied are not counted. The check and the record are one step within the
//     process (not across processes).
//
// Results: Send returns OkStatus when a gateway took the message, else an error whose message says why
// (unknown gateway, the provider's failure text, or the limit reached). `gateway` tells which gateway took
// it. Messages never contain the text (it holds the OTP) nor secret options. Ownership: refers to everything
// passed in. Thread rule: any thread.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mfa/policy/policy.hpp"
#include "mfa/sms/gateway_store.hpp"
#include "mfa/sms/sms_provider.hpp"
#include "mfa/system/system_config.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::sms {

const sql::MigrationSet& SmsMigrations();

inline constexpr std::string_view kFailoverKey = "osprey.sms.failover";

struct SmsMessage {
  std::string gateway;                      // the first gateway to try ("" = none configured: the send fails)
  std::string phone;                        // the destination, as configured for the token
  std::string text;                         // secret: holds the OTP
  std::string user_key;                     // "resolver/uid" for the per-user limit ("" = no user)
  const policy::Subject* policy = nullptr;  // for the limit policies (nullptr = no limits)
  // Masked with asterisks wherever it appears in a failure reason or log line: a gateway's error reply may
  // echo the text, and the OTP would stay valid as PIN+OTP.
  std::string otp;
};

struct SmsSent {
  Status status;
  std::string gateway;  // the gateway that took the message (when status is ok)
};

class SmsSender {
 public:
  SmsSender(const GatewayStore& gateways, const SmsProviders& providers, const system::SystemConfig& config,
            const policy::PolicyEngine& policies, sql::Database& db, const Clock& clock);

  SmsSent Send(const SmsMessage& message);

 private:
  struct Limit {
    std::string action;
    std::int64_t count = 0, seconds = 0, digits = 0;
  };
  std::vector<Limit> LimitsFor(const policy::Subject& subject) const;
  // Checks every limit and records the SMS when none is reached; returns the record's id.
  Result<std::int64_t> Reserve(const SmsMessage& message, const std::vector<Limit>& limits);
  void Unreserve(std::int64_t id);
  Status SendThrough(const std::string& gateway, const SmsMessage& message) const;

  const GatewayStore& gateways_;
  const SmsProviders& providers_;
  const system::SystemConfig& config_;
  const policy::PolicyEngine& policies_;
  sql::Database& db_;
  const Clock& clock_;
  std::mutex reserve_mu_;  // the limit check and the record are one step
};

// `text` with every occurrence of `secret` replaced by as many asterisks ("" = unchanged).
std::string MaskSecret(std::string text, std::string_view secret);

// Parses "<count>/<seconds>" (digits = false) or "<count>/<seconds>/<digits>"; nullopt when malformed.
std::optional<std::array<std::int64_t, 3>> ParseLimit(std::string_view value, bool with_digits);

}  // namespace osprey::mfa::sms
