// The "passwdfile" resolver type: privacyIDEA's PasswdIdResolver. Lines
// `username:cryptpass:uid:gid:gecos:...`; uid = field 3; GECOS "Given Surname,room,mobile,phone,other..."
// gives givenname (first word), surname (the rest of the first part), mobile (3rd part) and phone (4th) when
// there are at least four parts, email (the last later part that looks like an address); description = the
// whole GECOS field. Passwords are crypt(3) hashes checked with crypt_r ($y$, $6$, $5$, $1$, ... whatever
// libcrypt supports); "x", "*" or empty never match. The file is read again when its mtime or size changes,
// checked at most once a second.
#include <crypt.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "mfa/users/users.hpp"
#include "mfa/users/users_internal.hpp"
#include "osprey/core/crypto.hpp"

namespace osprey::mfa::users::internal {
namespace {

struct Entry {
  UserInfo info;
  std::string crypt;
};

struct FileData {
  std::vector<Entry> entries;  // file order
  std::map<std::string, std::size_t, std::less<>> by_name, by_uid;
};

struct FileStamp {
  long long mtime_ns = -1;
  long long size = -1;
  bool operator==(const FileStamp&) const = default;
};

std::vector<std::string> Split(const std::string& s, char sep, std::size_t max_parts) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (parts.size() + 1 < max_parts) {
    std::size_t pos = s.find(sep, start);
    if (pos == std::string::npos) break;
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n\f\v";
  std::size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// privacyIDEA's `.+@.+\..+` searched in the field: some '@' after the first character with a '.' at least two
// characters later that is not the last character. The match is then the whole field.
bool LooksLikeEmail(const std::string& field) {
  for (std::size_t at = field.find('@', 1); at != std::string::npos; at = field.find('@', at + 1)) {
    if (at + 2 >= field.size()) break;
    std::size_t dot = field.find('.', at + 2);
    if (dot != std::string::npos && dot + 1 < field.size()) return true;
  }
  return false;
}

void ApplyGecos(const std::string& gecos, UserInfo& info) {
  const std::vector<std::string> parts = Split(gecos, ',', std::string::npos);
  const std::string& name = parts[0];
  const std::size_t space = name.find(' ');
  info.givenname = name.substr(0, space);
  if (space != std::string::npos) info.surname = name.substr(space + 1);
  if (parts.size() >= 4) {
    info.mobile = parts[2];
    info.phone = parts[3];
  }
  for (std::size_t i = 4; i < parts.size(); ++i) {
    if (LooksLikeEmail(parts[i])) info.email = parts[i];
  }
}

std::shared_ptr<const FileData> Parse(std::istream& in) {
  auto data = std::make_shared<FileData>();
  std::string line;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty()) continue;
    const std::vector<std::string> f = Split(line, ':', 8);
    if (f.size() < 3) continue;  // privacyIDEA would fail on the whole file; one bad line should not
    Entry e;
    e.info.username = f[0];
    e.crypt = f[1];
    e.info.uid = f[2];
    if (f.size() > 4) {
      e.info.description = f[4];
      ApplyGecos(f[4], e.info);
    }
    // Later lines win for a repeated name or uid, as in privacyIDEA's dictionaries.
    const std::size_t index = data->entries.size();
    data->by_name[e.info.username] = index;
    data->by_uid[e.info.uid] = index;
    data->entries.push_back(std::move(e));
  }
  return data;
}

std::optional<FileStamp> StampOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec,
                   static_cast<long long>(st.st_size)};
}

bool CryptMatches(const Secret& password, const std::string& stored) {
  if (stored.empty() || stored == "x" || stored == "*") return false;
  std::string phrase(password.view());
  if (phrase.find('\0') != std::string::npos) return false;
  auto data = std::make_unique<crypt_data>();
  const char* out = ::crypt_r(phrase.c_str(), stored.c_str(), data.get());
  const bool ok = out != nullptr && out[0] != '*' && crypto::ConstantTimeEquals(out, stored);
  volatile char* p = phrase.data();
  for (std::size_t i = 0; i < phrase.size(); ++i) p[i] = 0;
  volatile char* o = data->output;
  for (std::size_t i = 0; i < sizeof(data->output); ++i) o[i] = 0;
  return ok;
}

class PasswdFileResolver final : public UserResolver {
 public:
  PasswdFileResolver(std::string path, const Clock* clock) : path_(std::move(path)), clock_(clock) {}

  Status Load() {
    std::lock_guard<std::mutex> lock(mu_);
    return Reload();
  }

  Result<std::optional<UserInfo>> FindByName(std::string_view username) override {
    auto data = Data();
    auto it = data->by_name.find(username);
    if (it == data->by_name.end()) return std::optional<UserInfo>();
    return std::optional<UserInfo>(data->entries[it->second].info);
  }

  Result<std::optional<UserInfo>> FindByUid(std::string_view uid) override {
    auto data = Data();
    auto it = data->by_uid.find(uid);
    if (it == data->by_uid.end()) return std::optional<UserInfo>();
    return std::optional<UserInfo>(data->entries[it->second].info);
  }

  Result<std::vector<UserInfo>> List(const UserFilter& filter) override {
    if (Status c = CheckFilter(filter); !c.ok()) return c.error();
    auto data = Data();
    std::vector<UserInfo> users;
    for (const auto& [name, index] : data->by_name) {
      const UserInfo& info = data->entries[index].info;
      if (FilterMatches(filter, info)) users.push_back(info);
    }
    return users;
  }

  Result<bool> CheckPassword(std::string_view uid, const Secret& password) override {
    auto data = Data();
    auto it = data->by_uid.find(uid);
    if (it == data->by_uid.end()) return false;
    return CryptMatches(password, data->entries[it->second].crypt);
  }

 private:
  // REQUIRES: mu_ held.
  Status Reload() {
    auto stamp = StampOf(path_);
    std::ifstream in(path_);
    if (!stamp || !in) return Error(ErrorCode::kInvalidArgument, "cannot read the file '" + path_ + "'");
    data_ = Parse(in);
    stamp_ = *stamp;
    return OkStatus();
  }

  // The current data, re-read when the file changed (checked at most once a second). A file that cannot be
  // read any more keeps the last good contents.
  std::shared_ptr<const FileData> Data() {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = clock_ != nullptr ? clock_->Now() : std::chrono::system_clock::now();
    if (now - checked_at_ >= std::chrono::seconds(1) || now < checked_at_) {
      checked_at_ = now;
      auto stamp = StampOf(path_);
      if (stamp && !(*stamp == stamp_)) (void)Reload();
    }
    return data_;
  }

  const std::string path_;
  const Clock* clock_;
  std::mutex mu_;
  std::shared_ptr<const FileData> data_;  // GUARDED_BY(mu_)
  FileStamp stamp_;                       // GUARDED_BY(mu_)
  Clock::TimePoint checked_at_{};         // GUARDED_BY(mu_)
};

}  // namespace

ResolverType PasswdFileResolverType() {
  ResolverType type;
  type.params = {{"fileName", true, false, "", "path of the passwd-format file (read-only)"}};
  type.create = [](const ResolverContext& ctx) -> Result<std::unique_ptr<UserResolver>> {
    auto it = ctx.params.find("fileName");
    if (it == ctx.params.end() || it->second.empty()) {
      return Error(ErrorCode::kInvalidArgument, "Missing parameter: 'fileName'");
    }
    auto resolver = std::make_unique<PasswdFileResolver>(it->second, ctx.clock);
    if (Status st = resolver->Load(); !st.ok()) return st.error();
    return std::unique_ptr<UserResolver>(std::move(resolver));
  };
  return type;
}

}  // namespace osprey::mfa::users::internal
