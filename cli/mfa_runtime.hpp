// MfaRuntime: the MFA server's domain services, built once from the settings, for `osprey serve` and for the
// `osprey mfa ...` / `osprey audit ...` commands. Owns everything ApiContext points to.
// Not movable once built (services refer to each other). Thread rule: as the services it owns.
#pragma once

#include <memory>
#include <string>

#include "cli/settings.hpp"
#include "mfa/api/api_context.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/audit/audit_rotator.hpp"
#include "mfa/auth/auth.hpp"
#include "mfa/policy/policy.hpp"
#include "mfa/sms/gateway_store.hpp"
#include "mfa/sms/sms_challenge.hpp"
#include "mfa/sms/sms_provider.hpp"
#include "mfa/sms/sms_sender.hpp"
#include "mfa/smtp/mailer.hpp"
#include "mfa/smtp/smtp_server_store.hpp"
#include "mfa/system/system_config.hpp"
#include "mfa/token/token.hpp"
#include "mfa/token/token_service.hpp"
#include "mfa/token/token_store.hpp"
#include "mfa/users/users.hpp"
#include "mfa/validate/validator.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/keyed_hash.hpp"
#include "osprey/core/sealer.hpp"
#include "osprey/http/client.hpp"
#include "osprey/http/smtp_client.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::cli {

class MfaRuntime {
 public:
  // Builds every service on `db` (already migrated: MigrateAll includes the mfa components) with the keys
  // named in `settings`. `clock` and `db` must outlive the runtime.
  static Result<std::unique_ptr<MfaRuntime>> Build(const Settings& settings, sql::Database& db,
                                                   const Clock& clock);
  MfaRuntime(const MfaRuntime&) = delete;
  MfaRuntime& operator=(const MfaRuntime&) = delete;
  ~MfaRuntime();

  const mfa::api::ApiContext& api() const { return api_; }
  // The periodic audit retention of `serve` (mfa.audit_* settings); started by Start, stopped by Stop.
  // Without a limit configured it does nothing.
  void Start();
  void Stop();
  sql::Database& db() { return db_; }
  mfa::system::SystemConfig& config() { return *config_; }
  mfa::policy::PolicyEngine& policies() { return *policies_; }
  mfa::users::Directory& directory() { return *directory_; }
  mfa::token::TokenTypes& token_types() { return *token_types_; }
  mfa::token::TokenStore& tokens() { return *tokens_; }
  mfa::token::TokenService& token_service() { return *token_service_; }
  mfa::validate::Validator& validator() { return *validator_; }
  mfa::audit::AuditLog& audit() { return *audit_; }
  mfa::auth::AdminStore& admins() { return *admins_; }
  mfa::auth::AuthService& auth() { return *auth_; }
  mfa::sms::GatewayStore& gateways() { return *gateways_; }
  const mfa::sms::SmsProviders& sms_providers() const { return *sms_providers_; }

 private:
  MfaRuntime(sql::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  sql::Database& db_;
  const Clock& clock_;
  std::unique_ptr<crypto::Sealer> sealer_;
  std::unique_ptr<crypto::KeyedHasher> hasher_;
  std::unique_ptr<mfa::system::SystemConfig> config_;
  std::unique_ptr<mfa::policy::PolicyEngine> policies_;
  std::unique_ptr<mfa::users::ResolverTypes> resolver_types_;
  std::unique_ptr<mfa::users::Directory> directory_;
  std::unique_ptr<mfa::token::TokenTypes> token_types_;
  std::unique_ptr<mfa::token::TokenStore> tokens_;
  std::unique_ptr<mfa::token::TokenService> token_service_;
  std::unique_ptr<mfa::audit::AuditLog> audit_;
  std::unique_ptr<mfa::validate::Validator> validator_;
  std::unique_ptr<mfa::auth::AdminStore> admins_;
  std::unique_ptr<mfa::auth::AuthService> auth_;
  std::unique_ptr<mfa::audit::AuditRotator> rotator_;
  std::unique_ptr<http::HttpClient> http_client_;  // outbound HTTP of the SMS providers
  std::unique_ptr<mfa::smtp::SmtpServerStore> smtp_servers_;
  std::unique_ptr<http::SmtpClient> smtp_client_;
  std::unique_ptr<mfa::smtp::Mailer> mailer_;
  std::unique_ptr<mfa::sms::SmsProviders> sms_providers_;
  std::unique_ptr<mfa::sms::GatewayStore> gateways_;
  std::unique_ptr<mfa::sms::SmsSender> sms_sender_;
  std::unique_ptr<mfa::sms::SmsChallengeHook> sms_hook_;  // after the validator: it refers to the sender
  mfa::api::ApiContext api_;
};

// For the CLI commands: loads the settings at `config_path`, opens and migrates the database and builds the
// runtime. `ctx.db` owns the database.
struct MfaCliContext {
  std::unique_ptr<sql::Database> db;
  SystemClock clock;
  std::unique_ptr<MfaRuntime> runtime;
};
Status OpenMfaCliContext(const std::string& config_path, MfaCliContext& ctx);

}  // namespace osprey::cli
