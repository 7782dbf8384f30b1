// Directory: definitions come from a snapshot (one generation read per reload_interval when nothing changed);
// users are looked up in the resolver instances, which the snapshot keeps alive and reuses across reloads
// while their definition is unchanged (the passwdfile resolver's parsed file, for instance).
#include <algorithm>
#include <utility>

#include "mfa/users/directory_snapshot.hpp"
#include "mfa/users/directory_store.hpp"
#include "mfa/users/users.hpp"
#include "mfa/users/users_internal.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::users {

using internal::ToLower;
using internal::UnknownResolver;

namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "'" : ", '") + i + "'";
  return "[" + out + "]";
}

}  // namespace

Directory::Directory(sql::Database& db, const Clock& clock, const ResolverTypes& types,
                     DirectoryOptions options)
    : db_(db), clock_(clock), types_(types), options_(options) {}

Directory::~Directory() = default;

Result<std::unique_ptr<UserResolver>> Directory::Build(const ResolverDefinition& def) const {
  const ResolverType* type = types_.Find(def.type);
  if (type == nullptr) {
    return Error(ErrorCode::kInvalidArgument,
                 "resolver type : " + def.type + " not in " + Join(types_.Names()));
  }
  ResolverContext ctx{def.name, def.params, &db_, &clock_, options_.password_options};
  for (const auto& [key, value] : def.params) {
    const bool known = std::any_of(type->params.begin(), type->params.end(),
                                   [&](const ParamSpec& p) { return p.name == key; });
    if (!known) {
      return Error(ErrorCode::kInvalidArgument,
                   "the parameter '" + key + "' is not a parameter of the resolver type " + def.type);
    }
  }
  for (const ParamSpec& p : type->params) {
    if (ctx.params.count(p.name) != 0) continue;
    if (p.required && p.default_value.empty()) {
      return Error(ErrorCode::kInvalidArgument, "Missing parameter: '" + p.name + "'");
    }
    if (!p.default_value.empty()) ctx.params[p.name] = p.default_value;
  }
  return type->create(ctx);
}

Result<std::shared_ptr<const Directory::Snapshot>> Directory::Load(const Snapshot* previous) const {
  internal::Definitions defs;
  Status st = sql::RunRead(db_, "load resolvers and realms",
                           [&](soci::session& s) { defs = internal::LoadDefinitions(s); });
  if (!st.ok()) return st.error();
  auto snap = std::make_shared<Snapshot>();
  snap->generation = defs.generation;
  for (ResolverDefinition& def : defs.resolvers) {
    Snapshot::Entry entry;
    if (previous != nullptr) {
      auto old = previous->resolvers.find(def.name);
      if (old != previous->resolvers.end() && old->second.instance && old->second.def.type == def.type &&
          old->second.def.params == def.params) {
        entry.instance = old->second.instance;
      }
    }
    if (!entry.instance) {
      auto built = Build(def);
      if (built.ok()) {
        entry.instance = std::shared_ptr<UserResolver>(std::move(*built));
      } else {
        entry.error = built.error().message();
      }
    }
    entry.def = std::move(def);
    std::string name = entry.def.name;
    snap->resolvers.emplace(std::move(name), std::move(entry));
  }
  for (Realm& realm : defs.realms) {
    if (realm.is_default) snap->default_realm = realm.name;
    std::string name = realm.name;
    snap->realms.emplace(std::move(name), std::move(realm));
  }
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

std::shared_ptr<const Directory::Snapshot> Directory::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::TimePoint now = clock_.Now();
  const bool fresh = now >= checked_at_ && now - checked_at_ < options_.reload_interval;
  if (snapshot_ && snapshot_->generation >= 0 && fresh) return snapshot_;
  checked_at_ = now;
  if (snapshot_ && snapshot_->generation >= 0) {
    std::int64_t generation = -1;
    Status st = sql::RunRead(db_, "read users generation",
                             [&](soci::session& s) { generation = internal::ReadGeneration(s); });
    if (!st.ok() || generation == snapshot_->generation) return snapshot_;  // unreachable: keep serving
  }
  auto loaded = Load(snapshot_.get());
  if (loaded.ok()) {
    snapshot_ = *loaded;
  } else if (!snapshot_) {
    snapshot_ = std::make_shared<Snapshot>();  // generation -1: the next call tries again
  }
  return snapshot_;
}

void Directory::Invalidate() const {
  std::lock_guard<std::mutex> lock(mu_);
  checked_at_ = Clock::TimePoint{};
  if (snapshot_) {
    // Force a full load on the next Current(): the generation alone cannot tell a local write apart when the
    // read of it fails.
    auto copy = std::make_shared<Snapshot>(*snapshot_);
    copy->generation = -1;
    snapshot_ = copy;
  }
}

Result<std::shared_ptr<UserResolver>> Directory::Instance(std::string_view name) const {
  auto snap = Current();
  auto it = snap->resolvers.find(name);
  if (it == snap->resolvers.end()) return UnknownResolver(name);
  if (!it->second.instance) return Error(ErrorCode::kUnavailable, it->second.error);
  return it->second.instance;
}

// ---------------------------------------------------------------------------------------------- resolvers

Result<std::int64_t> Directory::SetResolver(const ResolverDefinition& def) {
  if (Status st = internal::CheckName(def.name); !st.ok()) return st.error();
  if (types_.Find(def.type) == nullptr) {
    return Error(ErrorCode::kInvalidArgument,
                 "resolver type : " + def.type + " not in " + Join(types_.Names()));
  }
  std::optional<ResolverDefinition> existing;
  Status st = sql::RunRead(db_, "read resolver",
                           [&](soci::session& s) { existing = internal::FindResolverRow(s, def.name); });
  if (!st.ok()) return st.error();
  ResolverDefinition merged = def;
  if (existing) {
    if (existing->type != def.type) {
      return Error(ErrorCode::kInvalidArgument,
                   "resolver with similar name and other type already exists: " + def.name);
    }
    merged.params = existing->params;  // privacyIDEA: parameters not given are left untouched
    for (const auto& [key, value] : def.params) merged.params[key] = value;
  }
  auto built = Build(merged);  // validates the parameters (and, for passwdfile, that the file is readable)
  if (!built.ok()) return built.error();
  std::int64_t id = 0;
  std::optional<Error> failure;
  st = sql::RunTransaction(db_, "set resolver", [&](soci::session& s) {
    failure.reset();
    auto now = internal::FindResolverRow(s, merged.name);
    if (now && now->type != merged.type) {
      failure = Error(ErrorCode::kInvalidArgument,
                      "resolver with similar name and other type already exists: " + merged.name);
      return;
    }
    id = internal::WriteResolver(s, merged);
    internal::BumpGeneration(s);
  });
  Invalidate();
  if (!st.ok()) return st.error();
  if (failure) return *failure;
  return id;
}

Result<std::vector<ResolverDefinition>> Directory::ListResolvers(std::string_view type) const {
  auto snap = Current();
  std::vector<ResolverDefinition> out;
  for (const auto& [name, entry] : snap->resolvers) {
    if (type.empty() || entry.def.type == type) out.push_back(entry.def);
  }
  return out;
}

Result<ResolverDefinition> Directory::GetResolver(std::string_view name) const {
  auto snap = Current();
  auto it = snap->resolvers.find(name);
  if (it == snap->resolvers.end()) return UnknownResolver(name);
  return it->second.def;
}

Result<std::int64_t> Directory::DeleteResolver(std::string_view name) {
  const std::string key(name);
  std::optional<Error> failure;
  std::int64_t id = 0;
  Status st = sql::RunTransaction(db_, "delete resolver", [&](soci::session& s) {
    failure.reset();
    auto row = internal::FindResolverRow(s, key);
    if (!row) {
      failure = UnknownResolver(key);
      return;
    }
    auto realms = internal::RealmsUsing(s, row->id);
    if (!realms.empty()) {
      failure = Error(ErrorCode::kFailedPrecondition,
                      "The resolver '" + key + "' is still contained in realm '" + realms.front() + "'.");
      return;
    }
    id = row->id;
    internal::DeleteResolverRow(s, row->id, key);
    internal::BumpGeneration(s);
  });
  Invalidate();
  if (!st.ok()) return st.error();
  if (failure) return *failure;
  return id;
}

}  // namespace osprey::mfa::users
