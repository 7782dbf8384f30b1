// `osprey modem-emulator`: the AT modem emulator users try Osprey with (issue 4, modems-and-sms.md §3), and
// its control verbs.
//
//   osprey modem-emulator [--record FILE] [--control SOCKET] [--log FILE] [--stdio] [--imei X] [--smsc X]
//                         [--operator X] [--report-delay S] [--report-status
//                         delivered|failed|pending|<TP-ST>]
// runs the emulator until SIGTERM/SIGINT, a `close` verb, or (with --stdio) end of input; exit 0. Without
// --stdio its first stdout line is the pty path ("/dev/pts/N"), flushed at once; with --stdio stdout is the
// modem line (libgammu `Connection = proxyat`, device = this command line). Start-up errors: exit 1.
//
//   osprey modem-emulator <verb> --control SOCKET [args]
// sends one control request (smsgw/emulator/control.hpp) and prints the reply JSON line; exit 0 when the
// emulator answered ok, else 1 with the reason on stderr. Verbs: deliver --from N --text T [--encoding
// auto|gsm7|ucs2] [--time ISO], report --status S [--delay S], fail-next N [--cms C], fail-every N [--cms C],
// swallow N, latency MS, silent on|off, network on|off, signal RSSI, sim ready|pin|puk|none, close, stats.
#pragma once

#include <CLI/CLI.hpp>

namespace osprey::cli {

// Adds the `modem-emulator` subcommand tree to `app`; the chosen command stores its exit code in `code`.
void AddModemEmulatorCommands(CLI::App& app, int& code);

}  // namespace osprey::cli
