#include "cli/mfa_runtime.hpp"

#include "cli/commands.hpp"
#include "mfa/sms/http/http_sms_provider.hpp"
#include "mfa/sms/script/script_provider.hpp"
#include "mfa/sms/smtp/smtp_sms_provider.hpp"
#include "mfa/token/sms_type.hpp"
#include "osprey/core/keyfile.hpp"
#include "osprey/http/client.hpp"
#include "osprey/http/smtp_client.hpp"

namespace osprey::cli {

MfaRuntime::~MfaRuntime() = default;

void MfaRuntime::Start() { rotator_->Start(); }
void MfaRuntime::Stop() { rotator_->Stop(); }

Result<std::unique_ptr<MfaRuntime>> MfaRuntime::Build(const Settings& settings, sql::Database& db,
                                                      const Clock& clock) {
  auto master = crypto::LoadKeyRing(settings.master_key_file);
  if (!master.ok()) return master.error();
  auto hash = crypto::LoadKeyRing(settings.hash_key_file);
  if (!hash.ok()) return hash.error();

  std::unique_ptr<MfaRuntime> rt(new MfaRuntime(db, clock));
  rt->sealer_ = std::make_unique<crypto::Sealer>(std::move(*master));
  rt->hasher_ = std::make_unique<crypto::KeyedHasher>(hash->Clone());
  rt->config_ = std::make_unique<mfa::system::SystemConfig>(db, clock, *rt->sealer_);
  rt->policies_ = std::make_unique<mfa::policy::PolicyEngine>(db, clock);
  rt->resolver_types_ = std::make_unique<mfa::users::ResolverTypes>();
  mfa::users::RegisterBuiltinResolverTypes(*rt->resolver_types_);
  rt->directory_ = std::make_unique<mfa::users::Directory>(db, clock, *rt->resolver_types_);
  rt->token_types_ = std::make_unique<mfa::token::TokenTypes>();
  mfa::token::RegisterBuiltinTokenTypes(*rt->token_types_);
  rt->token_types_->Register(std::make_unique<mfa::token::SmsType>());
  rt->tokens_ = std::make_unique<mfa::token::TokenStore>(db, *rt->sealer_, *rt->hasher_, clock);
  rt->token_service_ = std::make_unique<mfa::token::TokenService>(*rt->tokens_, *rt->token_types_,
                                                                  *rt->config_, *rt->directory_, clock);
  rt->audit_ = std::make_unique<mfa::audit::AuditLog>(db, clock, *hash);
  mfa::validate::ValidatorOptions vopts;
  vopts.group_commit = settings.mfa_options.group_commit;
  vopts.group_commit_delay = settings.mfa_options.group_commit_delay;
  rt->validator_ =
      std::make_unique<mfa::validate::Validator>(*rt->tokens_, *rt->token_types_, *rt->config_,
                                                 *rt->policies_, *rt->directory_, *rt->audit_, clock, vopts);
  rt->admins_ = std::make_unique<mfa::auth::AdminStore>(db, clock);
  rt->auth_ =
      std::make_unique<mfa::auth::AuthService>(*rt->admins_, *rt->directory_, *rt->policies_, clock, *hash);

  rt->sms_providers_ = std::make_unique<mfa::sms::SmsProviders>();
  mfa::sms::RegisterUnsupportedProviders(*rt->sms_providers_);
  rt->http_client_ = http::MakeCurlHttpClient();
  rt->sms_providers_->Register(mfa::sms::MakeHttpSmsProvider(*rt->http_client_));
  rt->smtp_servers_ = std::make_unique<mfa::smtp::SmtpServerStore>(db, *rt->sealer_);
  rt->smtp_client_ = http::MakeCurlSmtpClient();
  rt->mailer_ = std::make_unique<mfa::smtp::Mailer>(*rt->smtp_servers_, *rt->smtp_client_, clock);
  rt->sms_providers_->Register(mfa::sms::MakeSmtpSmsProvider(*rt->mailer_));
  rt->sms_providers_->Register(mfa::sms::MakeScriptSmsProvider(settings.mfa_options.sms_script_dir));
  rt->gateways_ = std::make_unique<mfa::sms::GatewayStore>(db, *rt->sealer_, clock);
  rt->sms_sender_ = std::make_unique<mfa::sms::SmsSender>(*rt->gateways_, *rt->sms_providers_, *rt->config_,
                                                          *rt->policies_, db, clock);
  rt->sms_hook_ = std::make_unique<mfa::sms::SmsChallengeHook>(*rt->tokens_, *rt->sms_sender_, *rt->config_,
                                                               *rt->policies_, *rt->hasher_, clock);
  rt->validator_->SetChallengeHook("sms", rt->sms_hook_.get());

  mfa::audit::RetentionOptions retention;
  if (settings.mfa_options.audit_max_age_days > 0) {
    retention.max_age = std::chrono::hours(24) * settings.mfa_options.audit_max_age_days;
  }
  if (settings.mfa_options.audit_max_rows > 0) retention.max_rows = settings.mfa_options.audit_max_rows;
  retention.batch = settings.mfa_options.audit_rotate_batch;
  rt->rotator_ = std::make_unique<mfa::audit::AuditRotator>(
      *rt->audit_, retention,
      std::chrono::duration_cast<std::chrono::milliseconds>(settings.mfa_options.audit_rotate_interval));

  mfa::api::ApiContext& api = rt->api_;
  api.clock = &clock;
  api.config = rt->config_.get();
  api.policies = rt->policies_.get();
  api.directory = rt->directory_.get();
  api.token_types = rt->token_types_.get();
  api.tokens = rt->tokens_.get();
  api.token_service = rt->token_service_.get();
  api.validator = rt->validator_.get();
  api.audit = rt->audit_.get();
  api.auth = rt->auth_.get();
  api.admins = rt->admins_.get();
  api.gateways = rt->gateways_.get();
  api.sms_providers = rt->sms_providers_.get();
  api.smtp_servers = rt->smtp_servers_.get();
  api.mailer = rt->mailer_.get();
  return rt;
}

Status OpenMfaCliContext(const std::string& config_path, MfaCliContext& ctx) {
  auto settings = LoadSettings(config_path);
  if (!settings.ok()) return settings.error();
  auto db = sql::Database::Open(settings->database_url, settings->database);
  if (!db.ok()) return db.error();
  ctx.db = std::move(*db);
  if (auto m = MigrateAll(*ctx.db); !m.ok()) return m.error();
  auto rt = MfaRuntime::Build(*settings, *ctx.db, ctx.clock);
  if (!rt.ok()) return rt.error();
  ctx.runtime = std::move(*rt);
  return OkStatus();
}

}  // namespace osprey::cli
