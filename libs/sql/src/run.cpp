#include "osprey/sql/run.hpp"

#include <string>

#include "redact.hpp"

namespace osprey::sql {
namespace {

template <typename F>
Status Guarded(std::string_view what, F&& f) {
  try {
    return f();
  } catch (const soci::soci_error& e) {
    return Error(ErrorCode::kInternal, std::string(what) + ": " + internal::FirstLine(e.get_error_message()));
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, std::string(what) + ": " + e.what());
  }
}

}  // namespace

Status RunTransaction(Database& db, std::string_view what, const std::function<void(soci::session&)>& work,
                      Isolation isolation) {
  return Guarded(what, [&] { return db.WithTransaction(work, isolation); });
}

Status RunRead(Database& db, std::string_view what, const std::function<void(soci::session&)>& work) {
  return Guarded(what, [&]() -> Status {
    if (ReadScope* scope = ReadScope::Active(db)) {
      auto session = scope->Enter();
      if (!session.ok()) return session.error();
      work(**session);
      return OkStatus();
    }
    auto session = db.Acquire();
    if (!session.ok()) return session.error();
    work(session->get());
    return OkStatus();
  });
}

namespace {
thread_local ReadScope* current_scope = nullptr;  // the innermost active scope on this thread
}  // namespace

ReadScope::ReadScope(Database& db) : db_(db) {
  if (db.engine() != Engine::kSqlite) return;
  if (Active(db) != nullptr) return;  // nested: the outer scope serves
  active_ = true;
  outer_ = current_scope;
  current_scope = this;
}

ReadScope::~ReadScope() {
  End();
  if (current_scope == this) current_scope = outer_;
}

ReadScope* ReadScope::Active(Database& db) {
  for (ReadScope* s = current_scope; s != nullptr; s = s->outer_) {
    if (&s->db_ == &db && s->active_) return s;
  }
  return nullptr;
}

Result<soci::session*> ReadScope::Enter() {
  if (!session_) {
    auto leased = db_.Acquire();
    if (!leased.ok()) return leased.error();
    session_.emplace(std::move(*leased));
    session_->get() << "BEGIN";  // deferred: the snapshot starts at the first read
  }
  return &session_->get();
}

void ReadScope::Restart() {
  if (!session_) return;
  // Session's release rolls back an open transaction (a read one: nothing to lose) before pooling it.
  session_.reset();
}

void ReadScope::End() {
  Restart();
  active_ = false;
}

}  // namespace osprey::sql
