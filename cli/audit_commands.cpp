// `osprey audit verify|rotate|list`: the MFA server's audit trail (mfa/audit AuditLog) from the command line.
//   verify  exit 0 "ok: <n> entries verified"; exit 1 naming the first entry that does not verify.
//   rotate  applies retention (defaults: [mfa] audit_max_age_days / audit_max_rows / audit_rotate_batch;
//           0 = no limit of that kind) and reports what it deleted.
//   list    the newest entries (--limit, default 20), newest first.
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/mfa_commands.hpp"
#include "cli/mfa_runtime.hpp"
#include "cli/settings.hpp"
#include "mfa/api/audit_json.hpp"
#include "mfa/audit/audit_log.hpp"

namespace osprey::cli {
namespace {

struct AuditOptions {
  bool json = false;
  std::int64_t max_age_days = -1;  // -1: from the settings
  std::int64_t max_rows = -1;
  std::int64_t batch = -1;
  int limit = 20;
};

// Runs `action` on the audit log of an opened MFA runtime; prints the reason and returns 1 on failure.
int WithAudit(const std::string& config_path,
              const std::function<int(mfa::audit::AuditLog&, const Settings&)>& action) {
  auto settings = LoadSettings(config_path);
  if (!settings.ok()) {
    PrintError(settings.error().message());
    return kExitUsage;
  }
  MfaCliContext ctx;
  if (Status opened = OpenMfaCliContext(config_path, ctx); !opened.ok()) {
    PrintError(opened.error().message());
    return kExitFailure;
  }
  return action(ctx.runtime->audit(), *settings);
}

int Verify(mfa::audit::AuditLog& log, bool json) {
  auto report = log.Verify();
  if (!report.ok()) {
    PrintError(report.error().message());
    return kExitFailure;
  }
  if (json) {
    std::cout << nlohmann::json{{"ok", report->ok},
                                {"checked", report->checked},
                                {"first_bad", report->first_bad},
                                {"problem", report->problem}}
                     .dump()
              << "\n";
  } else if (report->ok) {
    std::cout << "ok: " << report->checked << " entries verified\n";
  } else {
    std::cout << "FAILED: " << report->problem << " (" << report->checked << " entries verified before it)\n";
  }
  return report->ok ? kExitOk : kExitFailure;
}

mfa::audit::RetentionOptions RetentionFrom(const AuditOptions& o, const MfaSettings& s) {
  mfa::audit::RetentionOptions r;
  const std::int64_t days = o.max_age_days >= 0 ? o.max_age_days : s.audit_max_age_days;
  const std::int64_t rows = o.max_rows >= 0 ? o.max_rows : s.audit_max_rows;
  if (days > 0) r.max_age = std::chrono::hours(24 * days);
  if (rows > 0) r.max_rows = rows;
  r.batch = o.batch > 0 ? o.batch : s.audit_rotate_batch;
  return r;
}

int Rotate(mfa::audit::AuditLog& log, const mfa::audit::RetentionOptions& retention, bool json) {
  if (!retention.max_age && !retention.max_rows) {
    PrintError(
        "no retention limit: set [mfa] audit_max_age_days / audit_max_rows or pass --max-age-days / "
        "--max-rows");
    return kExitUsage;
  }
  auto report = log.Rotate(retention);
  if (!report.ok()) {
    PrintError(report.error().message());
    return kExitFailure;
  }
  if (json) {
    std::cout << nlohmann::json{{"deleted", report->deleted}, {"batches", report->batches}}.dump() << "\n";
  } else {
    std::cout << "deleted " << report->deleted << " entries in " << report->batches << " batch(es)\n";
  }
  return kExitOk;
}

int List(mfa::audit::AuditLog& log, int limit, bool json) {
  mfa::audit::AuditFilter filter;
  filter.page_size = limit;
  auto page = log.Query(filter);
  if (!page.ok()) {
    PrintError(page.error().message());
    return kExitFailure;
  }
  nlohmann::json all = nlohmann::json::array();
  for (const auto& e : page->entries) {
    if (json) {
      all.push_back(mfa::api::audit_api::EntryToJson(e));
      continue;
    }
    std::cout << fmt::format(
        "{} {} {} {} success={} user={} realm={} serial={} admin={} client={} info={}{}\n", e.number,
        mfa::api::audit_api::IsoFormat(e.date), e.action, e.authentication.empty() ? "-" : e.authentication,
        e.success ? 1 : 0, e.user.empty() ? "-" : e.user, e.realm.empty() ? "-" : e.realm,
        e.serial.empty() ? "-" : e.serial, e.administrator.empty() ? "-" : e.administrator,
        e.client.empty() ? "-" : e.client, e.info.empty() ? "-" : e.info,
        e.sig_ok && e.link_ok ? "" : " [does not verify]");
  }
  if (json) std::cout << all.dump() << "\n";
  return kExitOk;
}

}  // namespace

void AddAuditCommands(CLI::App& app, std::string& config_path, int& code) {
  auto* audit = app.add_subcommand("audit", "The MFA server's audit trail: verify the chain, rotate, list");
  audit->require_subcommand(1);
  auto o = std::make_shared<AuditOptions>();
  // --config on every subcommand, as the other commands take it (`osprey audit verify --config FILE`).
  auto with_config = [&config_path](CLI::App* cmd) {
    cmd->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  };

  auto* verify = audit->add_subcommand("verify", "Check every entry's mac and the chain from the checkpoint");
  with_config(verify);
  verify->add_flag("--json", o->json, "Print JSON");
  verify->callback([&, o] {
    code = WithAudit(config_path,
                     [&](mfa::audit::AuditLog& log, const Settings&) { return Verify(log, o->json); });
  });

  auto* rotate = audit->add_subcommand("rotate", "Delete the oldest entries beyond the retention limits");
  rotate->add_option("--max-age-days", o->max_age_days, "Keep entries younger than this (0: no age limit)")
      ->check(CLI::NonNegativeNumber);
  rotate->add_option("--max-rows", o->max_rows, "Keep at most this many entries (0: no row limit)")
      ->check(CLI::NonNegativeNumber);
  rotate->add_option("--batch", o->batch, "Entries deleted per transaction")->check(CLI::PositiveNumber);
  with_config(rotate);
  rotate->add_flag("--json", o->json, "Print JSON");
  rotate->callback([&, o] {
    code = WithAudit(config_path, [&](mfa::audit::AuditLog& log, const Settings& settings) {
      return Rotate(log, RetentionFrom(*o, settings.mfa_options), o->json);
    });
  });

  auto* list = audit->add_subcommand("list", "Show the newest entries");
  list->add_option("--limit", o->limit, "How many (default 20)")->check(CLI::Range(1, 10000));
  with_config(list);
  list->add_flag("--json", o->json, "Print JSON");
  list->callback([&, o] {
    code = WithAudit(config_path, [&](mfa::audit::AuditLog& log, const Settings&) {
      return List(log, o->limit, o->json);
    });
  });
}

}  // namespace osprey::cli
