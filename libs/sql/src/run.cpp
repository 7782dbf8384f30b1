#include "osprey/sql/run.hpp"

#include <string>

namespace osprey::sql {
namespace {

// PostgreSQL's message continues with lines such as "DETAIL:  Failing row contains (...)" that quote the
// row's bound values (a hashed PIN, a message text); only the first line, which names the problem, is kept.
std::string FirstLine(const std::string& message) { return message.substr(0, message.find('\n')); }

template <typename F>
Status Guarded(std::string_view what, F&& f) {
  try {
    return f();
  } catch (const soci::soci_error& e) {
    return Error(ErrorCode::kInternal, std::string(what) + ": " + FirstLine(e.get_error_message()));
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
    auto session = db.Acquire();
    if (!session.ok()) return session.error();
    work(session->get());
    return OkStatus();
  });
}

}  // namespace osprey::sql
