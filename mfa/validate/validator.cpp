#include "mfa/validate/validator.hpp"

#include <algorithm>
#include <functional>
#include <span>
#include <stdexcept>

#include "mfa/validate/evaluation.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::validate {
namespace {

// Thrown inside the write job when a compare-and-set finds the counter moved by another process: the whole
// transaction rolls back and the validation is evaluated again on fresh state.
struct CounterMoved : std::runtime_error {
  CounterMoved() : std::runtime_error("token counter changed concurrently") {}
};

constexpr int kMaxAttempts = 5;

void FillSaml(const detail::Services& services, const detail::Subject& subject, CheckResult& result) {
  if (!subject.user || !services.config.GetBool("ReturnSamlAttributes", true)) return;
  if (!result.value && !services.config.GetBool("ReturnSamlAttributesOnFail", false)) return;
  const users::User& user = *subject.user;
  const users::UserInfo& info = user.info;
  result.saml_attributes = {{"username", info.username}, {"realm", user.realm},
                            {"resolver", user.resolver}, {"email", info.email},
                            {"surname", info.surname},   {"givenname", info.givenname},
                            {"mobile", info.mobile},     {"phone", info.phone},
                            {"userid", info.uid},        {"description", info.description}};
}

audit::AuditEntry AuditOf(const CheckRequest& request, const detail::Subject* subject,
                          const PiResult<CheckResult>& result, Clock::TimePoint now,
                          Clock::TimePoint started) {
  audit::AuditEntry entry;
  entry.date = now;
  entry.action = request.action;
  entry.client = request.client;
  entry.user_agent = request.user_agent;
  entry.administrator = request.administrator;
  entry.user = subject != nullptr && !subject->login.empty() ? subject->login : request.user;
  entry.realm = subject != nullptr ? subject->realm : request.realm;
  entry.resolver = subject != nullptr ? subject->resolver : request.resolver;
  entry.serial = request.serial;
  entry.duration = std::chrono::duration<double>(now - started).count();
  if (!result.ok()) {
    entry.success = false;
    entry.info = result.error().message;
    entry.authentication = "";
    return entry;
  }
  entry.success = result->value;
  entry.info = result->message.value_or("");
  entry.authentication = result->Authentication();
  if (result->serial) entry.serial = *result->serial;
  if (result->type) entry.token_type = *result->type;
  return entry;
}

}  // namespace

std::string CheckResult::Authentication() const {
  if (!multi_challenge.empty()) return "CHALLENGE";
  return value ? "ACCEPT" : "REJECT";
}

Validator::Validator(token::TokenStore& tokens, const token::TokenTypes& types, system::SystemConfig& config,
                     policy::PolicyEngine& policies, users::Directory& directory, audit::AuditLog& audit,
                     const Clock& clock, ValidatorOptions options)
    : tokens_(tokens),
      types_(types),
      config_(config),
      policies_(policies),
      directory_(directory),
      audit_(audit),
      clock_(clock),
      batcher_(tokens.db(), WriteBatcherOptions{options.group_commit, 256, options.group_commit_delay}) {}

Validator::~Validator() = default;

void Validator::SetChallengeHook(const std::string& type, const ChallengeHook* hook) {
  std::string name(type);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  hooks_[name] = hook;
}

detail::Services Validator::services() const {
  return detail::Services{tokens_, types_, config_, policies_, directory_, clock_, hooks_};
}

PiResult<CheckResult> Validator::Check(const CheckRequest& request) { return Run(request, false); }

PiResult<CheckResult> Validator::TriggerChallenge(const CheckRequest& request) { return Run(request, true); }

std::mutex& Validator::StripeOf(const std::string& key) {
  return stripes_[std::hash<std::string>{}(key) % stripes_.size()];
}

PiResult<CheckResult> Validator::Run(const CheckRequest& request, bool trigger) {
  const Clock::TimePoint started = clock_.Now();
  const detail::Services svc = services();
  // The user lookup and the token reads share one read transaction (sql::ReadScope). Its snapshot may start
  // before the stripe lock is ours; if a validation committed in between (the batcher's generation moved),
  // the snapshot may predate the counter that commit wrote, so it is renewed before the tokens are read.
  // The scope's session is held only while this thread reads or computes, never while it waits.
  const std::uint64_t generation = batcher_.generation();
  sql::ReadScope reads(tokens_.db());
  auto subject = detail::Resolve(svc, request, trigger);
  if (!subject.ok()) {
    reads.End();
    detail::Plan plan;
    PiResult<CheckResult> failed(subject.error());
    plan.audit = AuditOf(request, nullptr, failed, clock_.Now(), started);
    bool conflict = false;
    (void)Commit(plan, conflict);
    return failed;
  }
  // Held until the writes are committed, so the next request for this user or serial reads the new counter.
  std::unique_lock<std::mutex> lock;
  if (!subject->lock_key.empty()) {
    // Never wait for the stripe while holding the scope's pooled session: the holder of the stripe may need
    // a session to finish (its reads, the batcher's commit).
    lock = std::unique_lock(StripeOf(subject->lock_key), std::try_to_lock);
    if (!lock.owns_lock()) {
      reads.Restart();
      lock.lock();
    }
  }
  if (batcher_.generation() != generation) reads.Restart();
  for (int attempt = 1;; ++attempt) {
    detail::Plan plan;
    PiResult<CheckResult> result = trigger ? detail::Trigger(svc, request, *subject, plan)
                                           : detail::Evaluate(svc, request, *subject, plan);
    if (result.ok() && request.saml) FillSaml(svc, *subject, *result);
    reads.Restart();  // the snapshot ends before this thread waits for its commit
    if (!result.ok()) {
      // An error changes nothing but the audit log, and the counters a challenge hook advanced (an SMS may
      // have gone out with that counter's OTP).
      detail::Plan kept;
      kept.trigger_counts = std::move(plan.trigger_counts);
      kept.audit_notes = std::move(plan.audit_notes);
      plan = std::move(kept);
    }
    plan.audit = AuditOf(request, &*subject, result, clock_.Now(), started);
    for (const std::string& note : plan.audit_notes) {
      plan.audit.info += (plan.audit.info.empty() ? "" : "; ") + note;
    }
    bool conflict = false;
    Status committed = Commit(plan, conflict);
    if (conflict && attempt < kMaxAttempts) continue;
    if (!committed.ok()) return InternalError("database error: " + committed.error().message());
    lock = {};  // AfterAccept may send an SMS: not with the stripe held
    AfterAccept(plan, *subject);
    return result;
  }
}

void Validator::AfterAccept(const detail::Plan& plan, const detail::Subject& subject) const {
  const detail::Services svc = services();
  for (const detail::Plan::Accepted& accepted : plan.accepted) {
    const ChallengeHook* hook = detail::HookOf(svc, accepted.token);
    if (hook == nullptr) continue;
    hook->AfterAccept(accepted.token, subject.user ? &*subject.user : nullptr, accepted.new_count,
                      subject.policy);
  }
}

Status Validator::Commit(const detail::Plan& plan, bool& conflict) {
  const token::TokenStore& tokens = tokens_;
  const audit::AuditLog& audit = audit_;
  return batcher_.Run([&](soci::session& s) {
    conflict = false;
    audit.LockIn(s);  // first, so that a PostgreSQL snapshot is not older than the chain head
    for (std::int64_t id : plan.resets) tokens.ResetFailIn(s, id);
    for (const auto* list : {&plan.updates, &plan.trigger_counts}) {
      for (const token::TokenUpdate& update : *list) {
        if (!tokens.ApplyIn(s, update)) {
          conflict = true;
          throw CounterMoved();
        }
      }
    }
    for (const detail::Plan::Fail& fail : plan.fails) tokens.IncrementFailIn(s, fail.token, fail.count_auth);
    for (std::int64_t id : plan.post_resets) tokens.ResetFailIn(s, id);
    for (const token::Challenge& challenge : plan.challenges) tokens.CreateChallengeIn(s, challenge);
    if (!plan.delete_transaction.empty()) tokens.DeleteChallengesIn(s, plan.delete_transaction);
    for (std::int64_t id : plan.bump_challenges) tokens.BumpReceivedIn(s, id);
    const Clock::TimePoint now = plan.audit.date;
    for (const std::string& serial : plan.purge_serials) tokens.PurgeExpiredIn(s, serial, now);
    audit.AppendIn(s, std::span<const audit::AuditEntry>(&plan.audit, 1));
  });
}

}  // namespace osprey::mfa::validate
