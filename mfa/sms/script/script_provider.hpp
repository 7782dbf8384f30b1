// ScriptSMSProvider (privacyIDEA lib/smsprovider/ScriptSMSProvider.py): runs an executable from the
// configured script directory with the destination number (after REGEXP) as its one argument and the SMS text
// on stdin.
//   - option `script`: the executable, a relative name inside the directory (subdirectories allowed). An
//     absolute path, a `..` component, a symbolic link leading out of the directory, or a file that is not
//     executable fails the send with a clear error, and nothing runs.
//   - option `background`: `wait` waits for the script, at most `timeout` (the whole process group is killed
//     then): exit code 0 is success, any other "SMS could not be sent: exit code N". Any other value (as in
//     privacyIDEA; the documented one is `background`) returns once the script has its input; the process
//     is reaped when it exits, so no zombie remains.
// The script runs in the script directory, in a process group of its own, with PATH and LANG as its only
// environment (script_process.hpp).
// Thread rule: Send may be called from many threads.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string_view>

#include "mfa/sms/sms_provider.hpp"
#include "osprey/core/result.hpp"

namespace osprey::mfa::sms {

inline constexpr std::chrono::milliseconds kDefaultScriptTimeout{10000};

// `directory` is configuration (it need not exist yet; a send fails while it does not).
std::unique_ptr<SmsProvider> MakeScriptSmsProvider(std::filesystem::path directory,
                                                   std::chrono::milliseconds timeout = kDefaultScriptTimeout);

// The executable `script` names inside `directory`, with symbolic links resolved. Errors
// (kFailedPrecondition, texts starting "SMS could not be sent: "): empty name, absolute path, a `..`
// component, a missing directory or file, a path leading outside the directory, not a regular executable
// file.
Result<std::filesystem::path> ResolveScript(const std::filesystem::path& directory, std::string_view script);

}  // namespace osprey::mfa::sms
