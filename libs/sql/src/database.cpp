#include "osprey/sql/database.hpp"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "checkpointer.hpp"
#include "engine.hpp"
#include "redact.hpp"

namespace osprey::sql {

struct Database::Pool {
  // First, so that it is destroyed last: the sessions below call its WAL hook until they are closed.
  std::unique_ptr<internal::Checkpointer> checkpointer;
  std::string url;           // as given: only for scrubbing passwords out of driver messages
  std::string conninfo;      // as handed to libpq, for the same reason
  std::string redacted_url;  // for messages
  std::size_t size = 0;
  std::mutex mu;
  std::condition_variable available;
  std::vector<std::unique_ptr<soci::session>> idle;  // GUARDED_BY(mu)
  // Database::SessionLocal objects; declared after `idle` so that they go before the sessions they use.
  std::map<std::pair<const soci::session*, const void*>, std::shared_ptr<void>> locals;  // GUARDED_BY(mu)
  // Bumped whenever a session is found disconnected: a server restart usually takes every connection with it,
  // so each session last verified before the bump is checked with a ping at its next lease.
  std::uint64_t failure_epoch = 0;                                   // GUARDED_BY(mu)
  std::unordered_map<const soci::session*, std::uint64_t> verified;  // GUARDED_BY(mu)

  // A driver message made safe for an error: one line, no password.
  std::string Describe(const std::exception& e) const {
    std::string text = internal::ScrubPasswords(internal::ScrubPasswords(e.what(), url), conninfo);
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
  }
};

namespace {

Status ValidateOptions(const DatabaseOptions& o) {
  std::string sync = o.sqlite_synchronous;
  std::transform(sync.begin(), sync.end(), sync.begin(), [](unsigned char c) { return std::toupper(c); });
  if (sync != "OFF" && sync != "NORMAL" && sync != "FULL" && sync != "EXTRA") {
    return Error(ErrorCode::kInvalidArgument, "sqlite_synchronous must be OFF, NORMAL, FULL or EXTRA");
  }
  if (o.pool_size == 0) return Error(ErrorCode::kInvalidArgument, "pool_size must be at least 1");
  if (o.sqlite_cache_kib < 1)
    return Error(ErrorCode::kInvalidArgument, "sqlite_cache_kib must be at least 1");
  if (o.sqlite_checkpoint_pages < 0) {
    return Error(ErrorCode::kInvalidArgument, "sqlite_checkpoint_pages must not be negative");
  }
  if (o.max_retries < 0 || o.sqlite_busy_timeout.count() < 0 || o.acquire_timeout.count() < 0) {
    return Error(ErrorCode::kInvalidArgument, "max_retries and timeouts must not be negative");
  }
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, const DatabaseOptions& options) {
  auto parsed = ParseDatabaseUrl(url);
  if (!parsed.ok()) return parsed.error();
  if (Status valid = ValidateOptions(options); !valid.ok()) return valid.error();
  auto pool = std::make_unique<Pool>();
  pool->url = url;
  pool->conninfo = parsed->postgres_conninfo;
  pool->redacted_url = RedactDatabaseUrl(url);
  const bool memory = parsed->engine == Engine::kSqlite && parsed->sqlite_path == ":memory:";
  pool->size = memory ? 1 : options.pool_size;
  pool->idle.reserve(pool->size);  // Release() must not allocate
  try {
    if (parsed->engine == Engine::kSqlite && !memory && options.sqlite_checkpoint_pages > 0) {
      pool->checkpointer =
          std::make_unique<internal::Checkpointer>(*parsed, options, options.sqlite_checkpoint_pages);
    }
  } catch (const std::exception& e) {
    return Error(ErrorCode::kUnavailable,
                 "cannot open database " + pool->redacted_url + ": " + pool->Describe(e));
  }
  for (std::size_t i = 0; i < pool->size; ++i) {
    try {
      pool->idle.push_back(internal::OpenSession(*parsed, options));
      if (pool->checkpointer) pool->checkpointer->Attach(*pool->idle.back());
    } catch (const std::exception& e) {
      return Error(ErrorCode::kUnavailable,
                   "cannot open database " + pool->redacted_url + ": " + pool->Describe(e));
    }
  }
  return std::unique_ptr<Database>(new Database(parsed->engine, std::move(pool), options));
}

Database::Database(Engine engine, std::unique_ptr<Pool> pool, DatabaseOptions options)
    : engine_(engine), pool_(std::move(pool)), options_(std::move(options)) {}

Database::~Database() {
  internal::ForgetSqliteWriter(this);
  std::lock_guard lock(pool_->mu);
  assert(pool_->idle.size() == pool_->size && "a Session outlived its Database");
  pool_->locals.clear();  // their statements are finalized while the connections are still open
}

void* Database::SessionLocalImpl(soci::session& s, const void* key,
                                 const std::function<std::shared_ptr<void>(soci::session&)>& make) {
  if (engine_ != Engine::kSqlite) return nullptr;
  const auto id = std::make_pair(static_cast<const soci::session*>(&s), key);
  {
    std::lock_guard lock(pool_->mu);
    if (auto it = pool_->locals.find(id); it != pool_->locals.end()) return it->second.get();
  }
  std::shared_ptr<void> made = make(s);  // outside the lock: it prepares statements
  void* raw = made.get();
  std::lock_guard lock(pool_->mu);
  pool_->locals.emplace(id, std::move(made));  // only the lessee of `s` makes objects for it
  return raw;
}

Result<Session> Database::Acquire() {
  std::unique_ptr<soci::session> s;
  bool verify = false;
  {
    std::unique_lock lock(pool_->mu);
    if (!pool_->available.wait_for(lock, options_.acquire_timeout, [&] { return !pool_->idle.empty(); })) {
      return Error(ErrorCode::kUnavailable, "no database session became free within " +
                                                std::to_string(options_.acquire_timeout.count()) +
                                                " ms (pool of " + std::to_string(pool_->size) + ")");
    }
    s = std::move(pool_->idle.back());
    pool_->idle.pop_back();
    verify = pool_->verified[s.get()] != pool_->failure_epoch;
  }
  if (Status ok = EnsureConnected(*s, verify); !ok.ok()) {
    Release(std::move(s));
    return ok.error();
  }
  return Session(this, std::move(s));
}

Status Database::EnsureConnected(soci::session& s, bool verify) {
  // libpq marks a connection bad once a query on it has failed; is_connected() also pings.
  const bool lost = internal::IsBroken(s, engine_) || (verify && !s.is_connected());
  if (lost) {
    try {
      internal::Reconnect(s);
    } catch (const std::exception& e) {
      return Error(ErrorCode::kUnavailable,
                   "database " + pool_->redacted_url + " unreachable: " + pool_->Describe(e));
    }
  }
  std::lock_guard lock(pool_->mu);
  pool_->verified[&s] = pool_->failure_epoch;
  return OkStatus();
}

void Database::Release(std::unique_ptr<soci::session> s) {
  // A lease dropped mid-transaction (an exception in its user) must not hand an open transaction to the next.
  internal::RollbackQuietly(*s, engine_);
  const bool lost = internal::IsBroken(*s, engine_);
  {
    std::lock_guard lock(pool_->mu);
    if (lost) ++pool_->failure_epoch;
    pool_->idle.push_back(std::move(s));
  }
  pool_->available.notify_one();
}

Session& Session::operator=(Session&& other) noexcept {
  if (this != &other) {
    Reset();
    db_ = other.db_;
    s_ = std::move(other.s_);
  }
  return *this;
}

Session::~Session() { Reset(); }

void Session::Reset() noexcept {
  if (s_ != nullptr && db_ != nullptr) db_->Release(std::move(s_));
  s_.reset();
}

}  // namespace osprey::sql
