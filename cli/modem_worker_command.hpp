// `osprey modem-worker`: the hidden subcommand the gateway starts once per modem (modems-and-sms.md §1
// item 1). It speaks the worker protocol (smsgw/worker/protocol.hpp) on stdin/stdout and logs to stderr;
// the configuration, PIN included, arrives on stdin, never on the command line.
#pragma once

#include <CLI/CLI.hpp>

namespace osprey::cli {

// Adds the hidden `modem-worker` subcommand to `app`; its exit code goes to `code`.
void AddModemWorkerCommand(CLI::App& app, int& code);

// Runs the worker on this process's stdin/stdout. Returns the process exit code.
int RunModemWorker();

}  // namespace osprey::cli
