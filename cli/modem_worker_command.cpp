// `osprey modem-worker` (modem_worker_command.hpp).
#include "cli/modem_worker_command.hpp"

#include <gammu.h>
#include <unistd.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "osprey/core/logging.hpp"
#include "smsgw/gammu/gammu_library.hpp"
#include "smsgw/gammu/worker_loop.hpp"

namespace osprey::cli {

void AddModemWorkerCommand(CLI::App& app, int& code) {
  auto* worker = app.add_subcommand("modem-worker", "Drive one modem for the gateway (internal)");
  worker->group("");  // hidden: only the gateway starts it
  worker->callback([&code] { code = RunModemWorker(); });
}

int RunModemWorker() {
  // Loaded here, not linked: no other process maps libgammu (smsgw/gammu/gammu_library.hpp).
  if (Status loaded = smsgw::gammu::LoadGammuLibrary(); !loaded.ok()) {
    PrintError("modem-worker: " + loaded.error().message());
    return kExitFailure;
  }
  // Before any thread exists and before libgammu is used (§1 item 2).
  GSM_InitLocales(nullptr);
  logging::LogOptions options;  // text on stderr
  options.access_log = false;
  if (Status status = logging::SetupLogging(options); !status.ok()) {
    PrintError(status.error().ToString());
    return kExitFailure;
  }
  // The protocol owns the real stdout; anything else that writes to fd 1 (a library's printf) goes to
  // stderr instead of corrupting the protocol stream [D].
  std::fflush(stdout);
  const int protocol_out = ::dup(STDOUT_FILENO);
  if (protocol_out < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    PrintError("modem-worker: cannot set up stdout");
    return kExitFailure;
  }
  const int code = smsgw::gammu::RunWorker(STDIN_FILENO, protocol_out);
  ::close(protocol_out);
  return code;
}

}  // namespace osprey::cli
