// Engine specifics behind Database: opening and preparing one session, health checks, transaction state.
// Internal to osprey_sql. Every function acts on one session, which the calling thread owns.
#pragma once

#include <memory>
#include <mutex>

#include <soci/soci.h>

#include "osprey/sql/database.hpp"

namespace osprey::sql::internal {

// Opens one session for `url` and prepares it: SQLite pragmas and hex functions, PostgreSQL settings.
// Throws soci::soci_error when the database cannot be opened or prepared.
std::unique_ptr<soci::session> OpenSession(const DatabaseUrl& url, const DatabaseOptions& options);

// Reconnects a PostgreSQL session and prepares it again. Throws soci::soci_error on failure.
void Reconnect(soci::session& s);

// True when libpq has seen the connection fail (server restarted, network cut) or a reconnect failed.
// Never for SQLite. Costs no round trip.
bool IsBroken(soci::session& s, Engine engine);

// PostgreSQL: true when the open transaction has had a statement fail, so COMMIT would roll it back.
bool IsAborted(soci::session& s);

// True while a transaction is open on the session.
bool InTransaction(soci::session& s, Engine engine);

// Rolls back an open transaction, swallowing errors: the caller is already handling a failure.
void RollbackQuietly(soci::session& s, Engine engine) noexcept;

// The mutex that this process's writers of the SQLite database `db` hold across a write transaction
// (transaction.cpp), and its release when `db` closes (~Database).
std::mutex& SqliteWriterOf(const Database* db);
void ForgetSqliteWriter(const Database* db);

// Makes `encode(blob, 'hex')` and `decode(text, 'hex')` available on a SQLite session, as on PostgreSQL.
void RegisterHexFunctions(soci::session& s);

}  // namespace osprey::sql::internal
