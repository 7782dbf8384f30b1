#include "mfa/sms/script/script_provider.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "mfa/sms/http/phone_regexp.hpp"
#include "mfa/sms/script/script_process.hpp"

namespace osprey::mfa::sms {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kWait = "wait";
constexpr std::string_view kBackground = "background";

Error Refused(const std::string& why) {
  return Error(ErrorCode::kFailedPrecondition, "SMS could not be sent: " + why);
}

// True when `path` is `dir` itself or lies below it (both canonical).
bool Inside(const fs::path& dir, const fs::path& path) {
  auto d = dir.begin(), p = path.begin();
  for (; d != dir.end(); ++d, ++p) {
    if (p == path.end() || *d != *p) return false;
  }
  return true;
}

class ScriptSmsProvider final : public SmsProvider {
 public:
  ScriptSmsProvider(fs::path directory, std::chrono::milliseconds timeout)
      : directory_(std::move(directory)), timeout_(timeout) {}

  ProviderDescriptor Describe() const override {
    ProviderDescriptor d;
    d.module = std::string(kScriptModule);
    d.options_allowed = false;
    d.headers_allowed = std::nullopt;  // privacyIDEA's ScriptSMSProvider does not say (§12)
    d.parameters["script"] = {
        true,
        "The script in script directory PI_SCRIPT_SMSPROVIDER_DIRECTORY to call. Expects "
        "phone as the parameter and the message from stdin.",
        {}};
    d.parameters["REGEXP"] = {false, std::string(kRegexpDescription), {}};
    d.parameters["background"] = {true,
                                  "Wait for script to complete or run script in background. This will either "
                                  "return the HTTP request early or could also block the request.",
                                  {std::string(kBackground), std::string(kWait)}};
    return d;
  }

  Status Send(const GatewayDefinition& gateway, const std::string& phone,
              const std::string& text) const override {
    const auto option = [&](const char* key) {
      const auto it = gateway.options.find(key);
      return it == gateway.options.end() ? std::string() : it->second;
    };
    auto executable = ResolveScript(directory_, option("script"));
    if (!executable.ok()) return executable.error();
    const bool wait = option("background") == kWait;
    const ScriptRun run{*executable, directory_, MangledPhone(gateway, phone), text};
    spdlog::info("sms: starting script {} ({})", run.executable.string(), wait ? "wait" : "background");
    auto pid = StartScript(run, timeout_);
    if (!pid.ok()) return pid.error();
    if (!wait) {
      reaper_.Adopt(*pid);
      return OkStatus();
    }
    return WaitForScript(*pid, timeout_);
  }

 private:
  const fs::path directory_;
  const std::chrono::milliseconds timeout_;
  mutable ChildReaper reaper_;
};

}  // namespace

Result<fs::path> ResolveScript(const fs::path& directory, std::string_view script) {
  if (script.empty()) return Refused("no script configured (option script)");
  const fs::path relative(script);
  if (relative.is_absolute()) return Refused("the script must be named relative to the script directory");
  for (const fs::path& part : relative) {
    if (part == "..") return Refused("the script name must not contain '..'");
  }
  std::error_code ec;
  const fs::path dir = fs::canonical(directory, ec);
  if (ec) return Refused("the script directory " + directory.string() + " does not exist");
  const fs::path target = fs::canonical(dir / relative, ec);
  if (ec) return Refused("script '" + std::string(script) + "' does not exist in the script directory");
  if (!Inside(dir, target) || target == dir) {
    return Refused("script '" + std::string(script) + "' leads outside the script directory");
  }
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || ::access(target.c_str(), X_OK) != 0) {
    return Refused("script '" + std::string(script) + "' is not an executable file");
  }
  return target;
}

std::unique_ptr<SmsProvider> MakeScriptSmsProvider(fs::path directory, std::chrono::milliseconds timeout) {
  return std::make_unique<ScriptSmsProvider>(std::move(directory), timeout);
}

}  // namespace osprey::mfa::sms
