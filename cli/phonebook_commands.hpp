// `osprey gateway contact …` and `osprey gateway group …`: the gateway's phonebook from the command line.
//   contact add NAME NUMBER [--owner USER] [--public] | list | set ID [--name N] [--number N]
//           [--public true|false] | remove ID
//   group   add NAME [--owner USER] [--public] | list | remove ID | member add|remove GROUP_ID CONTACT_ID...
// The CLI sees every user's entries. Without --owner an entry belongs to no user (owner id 0). --json prints
// machine-readable output (objects as in the APIv2 phonebook routes, plus "owner_id").
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace osprey::cli {

// Adds `contact` and `group` under `gateway`. The chosen command stores its exit code in `code`.
void AddPhonebookCommands(CLI::App* gateway, std::string& config_path, int& code);

}  // namespace osprey::cli
