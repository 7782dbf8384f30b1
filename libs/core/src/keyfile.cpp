#include "osprey/core/keyfile.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::crypto {
namespace {

constexpr std::size_t kMaxFileSize = 64 * 1024;
constexpr std::string_view kHeader =
    "# Osprey key file: one key per line, \"<key id> <base64 of 32 bytes>\"; the last key is active.\n"
    "# Keep it mode 0600 and apart from the database and its backups.\n";

// Wipes a buffer that held key material when it goes out of scope.
class WipeOnExit {
 public:
  explicit WipeOnExit(std::string& s) : s_(s) {}
  ~WipeOnExit() { sodium_memzero(s_.data(), s_.size()); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  std::string& s_;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Error ErrnoError(int err, const std::filesystem::path& path, std::string_view action) {
  ErrorCode code = ErrorCode::kInternal;
  if (err == ENOENT) code = ErrorCode::kNotFound;
  if (err == EACCES || err == EPERM) code = ErrorCode::kPermissionDenied;
  if (err == EEXIST) code = ErrorCode::kAlreadyExists;
  return Error(code,
               "cannot " + std::string(action) + " key file " + path.string() + ": " + std::strerror(err));
}

// Reads the whole file into `out`, which is sized once so that no reallocation leaves key bytes behind.
Status ReadKeyFile(const std::filesystem::path& path, std::string& out) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoError(errno, path, "open");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError(errno, path, "stat");
  if (!S_ISREG(st.st_mode)) {
    return Error(ErrorCode::kFailedPrecondition, "key file " + path.string() + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    return Error(
        ErrorCode::kFailedPrecondition,
        "key file " + path.string() + " is accessible by group or others; run: chmod 600 " + path.string());
  }
  out.assign(kMaxFileSize + 1, '\0');
  std::size_t size = 0;
  while (size < out.size()) {
    const ssize_t n = ::read(fd.get(), out.data() + size, out.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(errno, path, "read");
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  if (size > kMaxFileSize)
    return Error(ErrorCode::kInvalidArgument, "key file " + path.string() + " is too large");
  sodium_memzero(out.data() + size, out.size() - size);
  out.resize(size);
  return OkStatus();
}

std::string_view Trim(std::string_view s) {
  const std::size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

// Adds the key on one non-comment line to `ring`. Messages never quote the line: it holds key bytes.
Status ParseLine(std::string_view line, KeyRing& ring) {
  const std::size_t gap = line.find_first_of(" \t");
  if (gap == std::string_view::npos)
    return Error(ErrorCode::kInvalidArgument, "expected \"<key id> <base64 key>\"");
  const std::string_view key_id = line.substr(0, gap);
  const std::string_view encoded = Trim(line.substr(gap));
  if (!KeyRing::IsValidKeyId(key_id)) return Error(ErrorCode::kInvalidArgument, "invalid key id");
  if (encoded.find_first_of(" \t") != std::string_view::npos) {
    return Error(ErrorCode::kInvalidArgument,
                 "unexpected text after the key of '" + std::string(key_id) + "'");
  }
  std::array<unsigned char, KeyRing::kKeySize> bytes{};
  std::size_t len = 0;
  const char* end = nullptr;
  const bool decoded = sodium_base642bin(bytes.data(), bytes.size(), encoded.data(), encoded.size(), nullptr,
                                         &len, &end, sodium_base64_VARIANT_ORIGINAL) == 0 &&
                       end == encoded.data() + encoded.size() && len == bytes.size();
  Secret key{std::span<const std::uint8_t>(bytes.data(), decoded ? len : 0)};
  sodium_memzero(bytes.data(), bytes.size());
  if (!decoded) {
    return Error(ErrorCode::kInvalidArgument, "key '" + std::string(key_id) + "' is not base64 of 32 bytes");
  }
  return ring.Add(key_id, std::move(key));
}

Result<KeyRing> ParseKeyFile(std::string_view content, const std::filesystem::path& path) {
  KeyRing ring;
  std::size_t line_number = 0;
  while (!content.empty()) {
    ++line_number;
    const std::size_t newline = content.find('\n');
    const std::string_view line = Trim(content.substr(0, newline));
    content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
    if (line.empty() || line.front() == '#') continue;
    if (Status s = ParseLine(line, ring); !s.ok()) {
      return Error(ErrorCode::kInvalidArgument,
                   path.string() + ":" + std::to_string(line_number) + ": " + s.error().message());
    }
  }
  if (ring.empty()) return Error(ErrorCode::kInvalidArgument, "key file " + path.string() + " holds no keys");
  return ring;
}

Status WriteAll(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(errno, path, "write");
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return ErrnoError(errno, path, "sync");
  return OkStatus();
}

// Appends "<key id> <base64 key>\n" for a fresh key. `out` must already have room for it, so that no
// reallocation leaves a copy of the key behind in freed memory.
void AppendNewKeyLine(std::string& out, std::string_view key_id) {
  const Secret key = RandomSecret(KeyRing::kKeySize);
  std::string encoded = Base64Encode(key.view());
  const WipeOnExit wipe(encoded);
  out.append(key_id).append(" ").append(encoded).append("\n");
}

constexpr std::size_t kLineCapacity = KeyRing::kMaxKeyIdSize + 64;

std::string NextKeyId(const KeyRing& ring) {
  unsigned long highest = 0;
  for (const std::string& id : ring.ids()) {
    if (id.size() < 2 || id.size() > 10 || id[0] != 'k' ||
        id.find_first_not_of("0123456789", 1) != std::string::npos) {
      continue;
    }
    highest = std::max(highest, std::stoul(id.substr(1)));
  }
  // Appended rather than `"k" + to_string(...)`, which trips GCC 12's -Wrestrict false positive at -O3.
  std::string next(1, 'k');
  next.append(std::to_string(highest + 1));
  return next;
}

}  // namespace

Result<KeyRing> LoadKeyRing(const std::filesystem::path& path) {
  std::string content;
  const WipeOnExit wipe(content);
  if (Status s = ReadKeyFile(path, content); !s.ok()) return s.error();
  return ParseKeyFile(content, path);
}

Status GenerateKeyFile(const std::filesystem::path& path, std::string_view key_id) {
  if (!KeyRing::IsValidKeyId(key_id)) return Error(ErrorCode::kInvalidArgument, "invalid key id");
  const Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return ErrnoError(errno, path, "create");
  std::string content;
  const WipeOnExit wipe(content);
  content.reserve(kHeader.size() + kLineCapacity);
  content.append(kHeader);
  AppendNewKeyLine(content, key_id);
  // The umask can only clear bits of 0600, but be exact about the mode we promise.
  Status s =
      ::fchmod(fd.get(), 0600) == 0 ? WriteAll(fd.get(), content, path) : ErrnoError(errno, path, "chmod");
  if (!s.ok()) ::unlink(path.c_str());
  return s;
}

Result<std::string> RotateKeyFile(const std::filesystem::path& path) {
  std::string content;
  const WipeOnExit wipe(content);
  if (Status s = ReadKeyFile(path, content); !s.ok()) return s.error();
  Result<KeyRing> ring = ParseKeyFile(content, path);
  if (!ring.ok()) return ring.error();
  const std::string key_id = NextKeyId(*ring);
  std::string line;
  const WipeOnExit wipe_line(line);
  line.reserve(kLineCapacity);
  if (!content.empty() && content.back() != '\n') line.push_back('\n');
  AppendNewKeyLine(line, key_id);
  const Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoError(errno, path, "open");
  if (Status s = WriteAll(fd.get(), line, path); !s.ok()) return s.error();
  return key_id;
}

}  // namespace osprey::crypto
