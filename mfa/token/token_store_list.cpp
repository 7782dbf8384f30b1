#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "mfa/token/token_rows.hpp"
#include "mfa/token/token_store.hpp"
#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::token {
namespace {

// `*` wildcards become LIKE patterns; other LIKE metacharacters are escaped.
std::string LikePattern(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c == '*' ? '%' : c;
  }
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The WHERE clause of a filter and its bound values: each ":?" in a condition takes the next value.
class WhereBuilder {
 public:
  void Add(std::string condition, const std::vector<std::string>& values) {
    for (const std::string& value : values) {
      const std::string name = "p" + std::to_string(values_.size());
      condition.replace(condition.find(":?"), 2, ":" + name);
      values_.push_back(value);
      names_.push_back(name);
    }
    clauses_.push_back(std::move(condition));
  }
  std::string Sql() const {
    std::string out = "1 = 1";
    for (const std::string& c : clauses_) out += " AND " + c;
    return out;
  }
  const std::vector<std::string>& values() const { return values_; }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> clauses_, values_, names_;
};

WhereBuilder BuildWhere(const TokenFilter& f) {
  WhereBuilder w;
  if (!f.serial.empty()) {
    if (f.serial.find('*') != std::string::npos) {
      w.Add("t.serial LIKE :? ESCAPE '\\'", {LikePattern(f.serial)});
    } else {
      w.Add("t.serial = :?", {f.serial});
    }
  }
  if (!f.type.empty()) w.Add("LOWER(t.tokentype) LIKE :? ESCAPE '\\'", {LikePattern(Lower(f.type))});
  if (!f.type_list.empty()) {
    std::string marks;
    std::vector<std::string> types;
    for (const std::string& t : f.type_list) {
      marks += marks.empty() ? ":?" : ", :?";
      types.push_back(Lower(t));
    }
    w.Add("LOWER(t.tokentype) IN (" + marks + ")", types);
  }
  if (!f.description.empty()) w.Add("t.description LIKE :? ESCAPE '\\'", {LikePattern(f.description)});
  if (!f.rollout_state.empty()) w.Add("t.rollout_state = :?", {f.rollout_state});
  if (!f.user_id.empty()) w.Add("t.user_id = :?", {f.user_id});
  if (!f.resolver.empty()) w.Add("t.resolver = :?", {f.resolver});
  if (!f.user_realm.empty()) w.Add("t.user_realm = :?", {Lower(f.user_realm)});
  if (!f.tokenrealm.empty()) {
    w.Add("EXISTS (SELECT 1 FROM mfa_token_realm r WHERE r.token_id = t.id AND r.realm = :?)",
          {Lower(f.tokenrealm)});
  }
  if (f.assigned) w.Add(*f.assigned ? "t.user_id <> ''" : "t.user_id = ''", {});
  if (f.active) w.Add(*f.active ? "t.active = TRUE" : "t.active = FALSE", {});
  if (!f.infokey.empty() && !f.infovalue.empty()) {
    w.Add(
        "EXISTS (SELECT 1 FROM mfa_tokeninfo i2 WHERE i2.token_id = t.id AND i2.info_key = :? AND "
        "i2.info_value = :?)",
        {f.infokey, f.infovalue});
  } else if (!f.infokey.empty()) {
    w.Add("EXISTS (SELECT 1 FROM mfa_tokeninfo i2 WHERE i2.token_id = t.id AND i2.info_key = :?)",
          {f.infokey});
  }
  return w;
}

std::string SortColumn(const std::string& sortby) {
  static const std::map<std::string, std::string> kColumns = {{"serial", "t.serial"},
                                                              {"id", "t.id"},
                                                              {"tokentype", "t.tokentype"},
                                                              {"type", "t.tokentype"},
                                                              {"description", "t.description"},
                                                              {"active", "t.active"},
                                                              {"failcount", "t.failcount"},
                                                              {"count", "t.counter"},
                                                              {"otplen", "t.otplen"},
                                                              {"maxfail", "t.maxfail"},
                                                              {"user_id", "t.user_id"},
                                                              {"resolver", "t.resolver"},
                                                              {"rollout_state", "t.rollout_state"},
                                                              {"revoked", "t.revoked"},
                                                              {"locked", "t.locked"}};
  auto it = kColumns.find(sortby);
  return it == kColumns.end() ? "t.serial" : it->second;
}

}  // namespace

Result<TokenPage> TokenStore::List(const TokenFilter& filter) const {
  TokenPage page;
  Status st = sql::RunRead(db_, "list tokens", [&](soci::session& s) {
    page = TokenPage{};
    const WhereBuilder w = BuildWhere(filter);
    const std::string where = w.Sql();
    const std::vector<std::string>& values = w.values();
    const std::vector<std::string>& names = w.names();
    auto bind_all = [&](soci::details::prepare_temp_type& p) {
      for (std::size_t i = 0; i < values.size(); ++i) p, soci::use(values[i], names[i]);
    };
    long long count = 0;
    {
      auto p = (s.prepare << "SELECT CAST(COUNT(*) AS BIGINT) FROM mfa_token t WHERE " + where);
      bind_all(p);
      p, soci::into(count);
      soci::statement stmt(p);
      stmt.execute(true);
    }
    page.count = count;
    const int pagesize = std::max(filter.pagesize, 1);
    const long long offset = static_cast<long long>(std::max(filter.page, 1) - 1) * pagesize;
    std::string ids_sql = "SELECT CAST(t.id AS BIGINT) FROM mfa_token t WHERE " + where + " ORDER BY " +
                          SortColumn(filter.sortby) + (filter.descending ? " DESC" : " ASC") +
                          ", t.id ASC LIMIT " + std::to_string(pagesize) + " OFFSET " +
                          std::to_string(offset);
    std::vector<long long> ids;
    {
      auto p = (s.prepare << ids_sql);
      bind_all(p);
      soci::rowset<soci::row> rows(p);
      for (const soci::row& row : rows) ids.push_back(sql::Int(row, 0));
    }
    if (ids.empty()) return;
    std::string in;
    for (long long id : ids) in += (in.empty() ? "" : ", ") + std::to_string(id);
    const std::string cond = "t.id IN (" + in + ")";
    soci::rowset<soci::row> rows = (s.prepare << internal::WithDetails(cond, cond));
    std::vector<TokenRecord> tokens = internal::Assemble(rows);
    std::map<long long, std::size_t> pos;
    for (std::size_t i = 0; i < ids.size(); ++i) pos[ids[i]] = i;
    std::sort(tokens.begin(), tokens.end(),
              [&](const TokenRecord& a, const TokenRecord& b) { return pos[a.id] < pos[b.id]; });
    page.tokens = std::move(tokens);
  });
  if (!st.ok()) return st.error();
  return page;
}

}  // namespace osprey::mfa::token
