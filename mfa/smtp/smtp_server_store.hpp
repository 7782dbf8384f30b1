// SmtpServerStore: the SMTP server definitions of privacyIDEA's /smtpserver/ (lib/smtpserver.py), component
// "mfa_smtpserver" of the database. A definition names a mail server by an identifier that the
// SmtpSMSProvider's SMTPIDENTIFIER option (and later e-mail notifications) refer to. The password is sealed
// under the master key at rest, with "mfa_smtpserver/<identifier>/password" as associated data, and opened on
// read: callers see it in a Secret.
//
// Errors: kInvalidArgument (an empty identifier or server, a port outside 1..65535, a timeout below 1),
// kUnavailable/kInternal (database), kCorrupted (a sealed password that does not open); messages never
// contain the password.
// Ownership: refers to db and sealer, which outlive it. Thread rule: any thread, any member.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/result.hpp"
#include "osprey/core/sealer.hpp"
#include "osprey/core/secret.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::smtp {

const sql::MigrationSet& SmtpServerMigrations();

// One definition, with privacyIDEA's field names and defaults (models.SMTPServer). Move-only.
struct SmtpServer {
  std::int64_t id = 0;
  std::string identifier;
  std::string server;  // host name or IP address
  int port = 25;
  std::string username;  // empty: no SMTP AUTH
  Secret password;
  std::string sender;  // the From address of the mails sent through it
  bool tls = false;    // STARTTLS required
  std::string description;
  int timeout = 10;          // seconds
  bool enqueue_job = false;  // stored and shown; Osprey has no job queue and always sends at once
};

class SmtpServerStore {
 public:
  SmtpServerStore(sql::Database& db, const crypto::Sealer& sealer);
  SmtpServerStore(const SmtpServerStore&) = delete;
  SmtpServerStore& operator=(const SmtpServerStore&) = delete;

  // All definitions, ordered by identifier.
  Result<std::vector<SmtpServer>> List() const;
  // The definition of that identifier (exact match), or nullopt.
  Result<std::optional<SmtpServer>> Find(std::string_view identifier) const;
  // Creates the definition, or overwrites every field of the one with that identifier (privacyIDEA's
  // add_smtpserver). Returns its id (the first definition gets 1).
  Result<std::int64_t> Put(const SmtpServer& server);
  // Deletes the definition; returns its id, or nullopt when there is none.
  Result<std::optional<std::int64_t>> Remove(std::string_view identifier);

 private:
  sql::Database& db_;
  const crypto::Sealer& sealer_;
};

}  // namespace osprey::mfa::smtp
