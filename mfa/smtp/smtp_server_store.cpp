#include "mfa/smtp/smtp_server_store.hpp"

#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::smtp {
namespace {

constexpr const char* kColumns =
    "SELECT id, identifier, server, port, username, sealed_password, sender, CASE WHEN tls THEN 1 ELSE 0 "
    "END, "
    "description, timeout, CASE WHEN enqueue_job THEN 1 ELSE 0 END FROM mfa_smtpserver";

std::string AssociatedData(std::string_view identifier) {
  return "mfa_smtpserver/" + std::string(identifier) + "/password";
}

// The row with the password still sealed (opened outside the database session).
struct Row {
  SmtpServer server;
  std::string sealed_password;
};

Row FromRow(const soci::row& row) {
  Row r;
  r.server.id = sql::Int(row, 0);
  r.server.identifier = sql::Text(row, 1);
  r.server.server = sql::Text(row, 2);
  r.server.port = static_cast<int>(sql::Int(row, 3));
  r.server.username = sql::Text(row, 4);
  r.sealed_password = sql::Text(row, 5);
  r.server.sender = sql::Text(row, 6);
  r.server.tls = sql::Int(row, 7) != 0;
  r.server.description = sql::Text(row, 8);
  r.server.timeout = static_cast<int>(sql::Int(row, 9));
  r.server.enqueue_job = sql::Int(row, 10) != 0;
  return r;
}

Result<SmtpServer> Opened(const crypto::Sealer& sealer, Row row) {
  if (!row.sealed_password.empty()) {
    auto password = sealer.Open(row.sealed_password, AssociatedData(row.server.identifier));
    if (!password.ok()) {
      return Error(password.error().code(), "the password of SMTP server '" + row.server.identifier +
                                                "' does not open: " + password.error().message());
    }
    row.server.password = std::move(*password);
  }
  return std::move(row.server);
}

Status Validate(const SmtpServer& s) {
  if (s.identifier.empty()) return Error(ErrorCode::kInvalidArgument, "the identifier must not be empty");
  if (s.server.empty()) return Error(ErrorCode::kInvalidArgument, "the server must not be empty");
  if (s.port < 1 || s.port > 65535) return Error(ErrorCode::kInvalidArgument, "the port must be 1-65535");
  if (s.timeout < 1) return Error(ErrorCode::kInvalidArgument, "the timeout must be at least 1 second");
  return OkStatus();
}

std::optional<std::int64_t> IdOf(soci::session& s, const std::string& identifier) {
  long long id = 0;
  s << "SELECT id FROM mfa_smtpserver WHERE identifier = :identifier", soci::use(identifier, "identifier"),
      soci::into(id);
  if (!s.got_data()) return std::nullopt;
  return id;
}

}  // namespace

const sql::MigrationSet& SmtpServerMigrations() {
  static const sql::MigrationSet set{"mfa_smtpserver",
                                     {
                                         {1, "SMTP server definitions",
                                          "CREATE TABLE mfa_smtpserver (\n"
                                          "  id {{id}},\n"
                                          "  identifier {{text}} NOT NULL UNIQUE,\n"
                                          "  server {{text}} NOT NULL,\n"
                                          "  port INTEGER NOT NULL DEFAULT 25,\n"
                                          "  username {{text}} NOT NULL DEFAULT '',\n"
                                          "  sealed_password {{text}} NOT NULL DEFAULT '',\n"
                                          "  sender {{text}} NOT NULL DEFAULT '',\n"
                                          "  tls {{bool}} NOT NULL DEFAULT FALSE,\n"
                                          "  description {{text}} NOT NULL DEFAULT '',\n"
                                          "  timeout INTEGER NOT NULL DEFAULT 10,\n"
                                          "  enqueue_job {{bool}} NOT NULL DEFAULT FALSE\n"
                                          ")"},
                                     }};
  return set;
}

SmtpServerStore::SmtpServerStore(sql::Database& db, const crypto::Sealer& sealer)
    : db_(db), sealer_(sealer) {}

Result<std::vector<SmtpServer>> SmtpServerStore::List() const {
  std::vector<Row> rows;
  Status run = sql::RunRead(db_, "list SMTP servers", [&](soci::session& s) {
    rows.clear();
    soci::rowset<soci::row> result = (s.prepare << std::string(kColumns) + " ORDER BY identifier");
    for (const soci::row& row : result) rows.push_back(FromRow(row));
  });
  if (!run.ok()) return run.error();
  std::vector<SmtpServer> servers;
  for (Row& row : rows) {
    auto opened = Opened(sealer_, std::move(row));
    if (!opened.ok()) return opened.error();
    servers.push_back(std::move(*opened));
  }
  return servers;
}

Result<std::optional<SmtpServer>> SmtpServerStore::Find(std::string_view identifier) const {
  const std::string name(identifier);
  std::optional<Row> found;
  Status run = sql::RunRead(db_, "find SMTP server", [&](soci::session& s) {
    found.reset();
    soci::rowset<soci::row> result = (s.prepare << std::string(kColumns) + " WHERE identifier = :identifier",
                                      soci::use(name, "identifier"));
    for (const soci::row& row : result) found = FromRow(row);
  });
  if (!run.ok()) return run.error();
  if (!found) return std::optional<SmtpServer>();
  auto opened = Opened(sealer_, std::move(*found));
  if (!opened.ok()) return opened.error();
  return std::optional<SmtpServer>(std::move(*opened));
}

Result<std::int64_t> SmtpServerStore::Put(const SmtpServer& v) {
  if (Status valid = Validate(v); !valid.ok()) return valid.error();
  // Sealed before the transaction, which may run more than once.
  const std::string sealed =
      v.password.empty() ? "" : sealer_.Seal(v.password.view(), AssociatedData(v.identifier));
  const int tls = v.tls, enqueue = v.enqueue_job;
  long long id = 0;
  Status run = sql::RunTransaction(db_, "put SMTP server", [&](soci::session& s) {
    if (const auto existing = IdOf(s, v.identifier)) {
      id = *existing;
      sql::Exec(
          s,
          "UPDATE mfa_smtpserver SET server = :server, port = :port, username = :username, sealed_password = "
          ":password, sender = :sender, tls = :tls, description = :description, timeout = :timeout, "
          "enqueue_job = :enqueue WHERE id = :id",
          v.server, v.port, v.username, sealed, v.sender, tls, v.description, v.timeout, enqueue, id);
      return;
    }
    s << "INSERT INTO mfa_smtpserver (identifier, server, port, username, sealed_password, sender, tls, "
         "description, timeout, enqueue_job) VALUES (:identifier, :server, :port, :username, :password, "
         ":sender, "
         ":tls, :description, :timeout, :enqueue) RETURNING id",
        soci::use(v.identifier), soci::use(v.server), soci::use(v.port), soci::use(v.username),
        soci::use(sealed), soci::use(v.sender), soci::use(tls), soci::use(v.description),
        soci::use(v.timeout), soci::use(enqueue), soci::into(id);
  });
  if (!run.ok()) return run.error();
  return static_cast<std::int64_t>(id);
}

Result<std::optional<std::int64_t>> SmtpServerStore::Remove(std::string_view identifier) {
  const std::string name(identifier);
  std::optional<std::int64_t> removed;
  Status run = sql::RunTransaction(db_, "remove SMTP server", [&](soci::session& s) {
    removed = IdOf(s, name);
    if (removed) sql::Exec(s, "DELETE FROM mfa_smtpserver WHERE identifier = :identifier", name);
  });
  if (!run.ok()) return run.error();
  return removed;
}

}  // namespace osprey::mfa::smtp
