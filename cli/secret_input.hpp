// Reading secrets (passwords, PINs, OTP keys) for the `osprey` commands: from the terminal without echo, or
// one line from standard input when it is not a terminal (scripts, tests). Secrets are never taken as
// argument values, where `ps` and shell histories would show them.
#pragma once

#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"

namespace osprey::cli {

// One line (a trailing "\r" removed). On a terminal `prompt` goes to stderr and the typing is not echoed.
Secret ReadSecretLine(const char* prompt);

// A new password: on a terminal asked twice ("Password: ", "Confirm password: "), kInvalidArgument when the
// two differ; otherwise one line from standard input.
Result<Secret> ReadNewPassword();

}  // namespace osprey::cli
