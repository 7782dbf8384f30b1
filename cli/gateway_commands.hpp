// `osprey gateway user|token …`: administration of the SMS gateway's API users, tokens and permissions.
#pragma once

#include <CLI/CLI.hpp>

namespace osprey::cli {

// Adds the `gateway` subcommand tree to `app`. The chosen command stores its exit code in `code`;
// `config_path` is shared with the other subcommands' --config option.
void AddGatewayCommands(CLI::App& app, std::string& config_path, int& code);

}  // namespace osprey::cli
