#include "cli/modem_emulator_command.hpp"

#include <signal.h>

#include <atomic>
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "osprey/core/clock.hpp"
#include "smsgw/emulator/control.hpp"
#include "smsgw/emulator/emulator_runner.hpp"
#include "smsgw/emulator/recording.hpp"

namespace osprey::cli {
namespace {

using nlohmann::json;
using smsgw::emulator::EmulatorRunner;

struct EmulatorFlags {
  std::string record;
  std::string control;
  std::string log;
  bool stdio = false;
  std::string imei;
  std::string smsc;
  std::string operator_name;
  int report_delay = 0;
  std::string report_status = "delivered";
};

// The running emulator, for the signal handler (RequestStop is async-signal-safe).
std::atomic<EmulatorRunner*> g_runner{nullptr};

void OnStopSignal(int) {
  if (EmulatorRunner* runner = g_runner.load()) runner->RequestStop();
}

void InstallSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a host or control client that went away is an EPIPE, not our death
}

Result<smsgw::emulator::RunnerOptions> BuildOptions(const EmulatorFlags& flags) {
  smsgw::emulator::RunnerOptions options;
  options.record_path = flags.record;
  options.control_path = flags.control;
  options.log_path = flags.log;
  options.stdio = flags.stdio;
  smsgw::emulator::ModemIdentity& id = options.modem.identity;
  if (!flags.imei.empty()) id.imei = flags.imei;
  if (!flags.smsc.empty()) id.smsc = flags.smsc;
  if (!flags.operator_name.empty()) id.operator_name = flags.operator_name;
  if (flags.report_delay < 0) return Error(ErrorCode::kInvalidArgument, "--report-delay must be >= 0");
  options.modem.report_delay = std::chrono::seconds(flags.report_delay);
  Result<std::uint8_t> status = smsgw::emulator::ParseReportStatus(flags.report_status);
  if (!status.ok()) return status.error();
  options.modem.report_status = *status;
  return options;
}

int RunEmulator(const EmulatorFlags& flags) {
  Result<smsgw::emulator::RunnerOptions> options = BuildOptions(flags);
  if (!options.ok()) {
    PrintError(options.error().message());
    return kExitUsage;
  }
  SystemClock clock;
  Result<std::unique_ptr<EmulatorRunner>> runner = EmulatorRunner::Create(std::move(*options), clock);
  if (!runner.ok()) {
    PrintError(runner.error().message());
    return kExitFailure;
  }
  g_runner.store(runner->get());
  InstallSignalHandlers();
  if (!flags.stdio) std::cout << (*runner)->device_path() << std::endl;  // the first line, flushed
  Status served = (*runner)->Run();
  g_runner.store(nullptr);
  if (!served.ok()) {
    PrintError(served.error().message());
    return kExitFailure;
  }
  return kExitOk;
}

int SendRequest(const std::string& control, const json& request) {
  if (control.empty()) {
    PrintError("--control SOCKET is required");
    return kExitUsage;
  }
  Result<json> reply = smsgw::emulator::EmulatorControl(control, request);
  if (!reply.ok()) {
    PrintError(reply.error().message());
    return kExitFailure;
  }
  std::cout << smsgw::emulator::JsonLine(*reply) << "\n";
  return kExitOk;
}

// A verb: `osprey modem-emulator <name> --control S …`; `build` makes the request when it runs.
CLI::App* AddVerb(CLI::App& parent, const std::string& name, const std::string& help, std::string& control,
                  int& code, std::function<json()> build) {
  CLI::App* verb = parent.add_subcommand(name, help);
  verb->add_option("--control", control, "The emulator's control socket");
  verb->callback([&control, &code, build] { code = SendRequest(control, build()); });
  return verb;
}

// Reads "42" as a number and anything else as a name, so the emulator validates both.
json StatusValue(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() <= 3)
    return std::stoi(text);
  return text;
}

struct VerbArgs {
  std::string from, text, encoding = "auto", time, status, on_off, sim;
  int delay = -1, count = 0, cms = 500, ms = 0, rssi = 0;
};

void AddFaultVerbs(CLI::App& emu, std::string& control, int& code, VerbArgs& a) {
  auto* fail_next =
      AddVerb(emu, "fail-next", "Answer the next N submits with +CMS ERROR", control, code, [&a] {
        return json{{"command", "fail_next"}, {"count", a.count}, {"cms", a.cms}};
      });
  fail_next->add_option("count", a.count, "Number of submits")->required();
  fail_next->add_option("--cms", a.cms, "The +CMS ERROR code")->capture_default_str();
  auto* fail_every =
      AddVerb(emu, "fail-every", "Answer every N-th submit with +CMS ERROR (0 = off)", control, code, [&a] {
        return json{{"command", "fail_every"}, {"n", a.count}, {"cms", a.cms}};
      });
  fail_every->add_option("n", a.count, "Period")->required();
  fail_every->add_option("--cms", a.cms, "The +CMS ERROR code")->capture_default_str();
  auto* swallow =
      AddVerb(emu, "swallow", "Accept the next N submits but never answer them", control, code, [&a] {
        return json{{"command", "swallow"}, {"count", a.count}};
      });
  swallow->add_option("count", a.count, "Number of submits")->required();
  auto* latency =
      AddVerb(emu, "latency", "Answer each submit MS milliseconds after the PDU", control, code, [&a] {
        return json{{"command", "latency"}, {"ms", a.ms}};
      });
  latency->add_option("ms", a.ms, "Milliseconds")->required();
  auto* silent = AddVerb(emu, "silent", "Stop (on) or resume (off) answering", control, code, [&a] {
    return json{{"command", "silent"}, {"on", a.on_off == "on"}};
  });
  silent->add_option("state", a.on_off, "on|off")->required()->check(CLI::IsMember({"on", "off"}));
  auto* network = AddVerb(emu, "network", "Register (on) or drop off the network (off)", control, code, [&a] {
    return json{{"command", "network"}, {"on", a.on_off == "on"}};
  });
  network->add_option("state", a.on_off, "on|off")->required()->check(CLI::IsMember({"on", "off"}));
  auto* signal_verb =
      AddVerb(emu, "signal", "Set the signal strength (+CSQ rssi 0..31, 99)", control, code, [&a] {
        return json{{"command", "signal"}, {"rssi", a.rssi}};
      });
  signal_verb->add_option("rssi", a.rssi, "RSSI")->required();
  auto* sim = AddVerb(emu, "sim", "Set the SIM state", control, code, [&a] {
    return json{{"command", "sim"}, {"state", a.sim}};
  });
  sim->add_option("state", a.sim, "ready|pin|puk|none")
      ->required()
      ->check(CLI::IsMember({"ready", "pin", "puk", "none"}));
}

void AddMessageVerbs(CLI::App& emu, std::string& control, int& code, VerbArgs& a) {
  auto* deliver = AddVerb(emu, "deliver", "Deliver an incoming SMS to the modem", control, code, [&a] {
    json request{{"command", "deliver"}, {"from", a.from}, {"text", a.text}, {"encoding", a.encoding}};
    if (!a.time.empty()) request["time"] = a.time;
    return request;
  });
  deliver->add_option("--from", a.from, "Sender number")->required();
  deliver->add_option("--text", a.text, "UTF-8 text")->required();
  deliver->add_option("--encoding", a.encoding, "auto|gsm7|ucs2")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "gsm7", "ucs2"}));
  deliver->add_option("--time", a.time, "SCTS, e.g. 2026-11-29T10:00:00Z (default: now)");
  auto* report = AddVerb(emu, "report", "Status reports for later submits", control, code, [&a] {
    json request{{"command", "report"}, {"status", StatusValue(a.status)}};
    if (a.delay >= 0) request["delay_s"] = a.delay;
    return request;
  });
  report->add_option("--status", a.status, "delivered|failed|pending|<TP-ST>")->required();
  report->add_option("--delay", a.delay, "Seconds from submit to report");
  AddVerb(emu, "close", "Close the modem line and exit (modem loss)", control, code, [] {
    return json{{"command", "close"}};
  });
  AddVerb(emu, "stats", "Print submit and storage counters", control, code, [] {
    return json{{"command", "stats"}};
  });
}

}  // namespace

void AddModemEmulatorCommands(CLI::App& app, int& code) {
  // Shared with the callbacks, which live as long as `app`: CLI11 binds options by reference.
  auto flags = std::make_shared<EmulatorFlags>();
  auto args = std::make_shared<VerbArgs>();
  CLI::App* emu = app.add_subcommand("modem-emulator", "Run an AT modem emulator on a pty, or control one");
  emu->require_subcommand(0, 1);
  emu->add_option("--record", flags->record, "Append each received message as a JSON line to FILE");
  emu->add_option("--control", flags->control, "Control socket path (AF_UNIX)");
  emu->add_option("--log", flags->log, "Raw AT traffic log FILE");
  emu->add_flag("--stdio", flags->stdio, "Use stdin/stdout as the modem line (libgammu proxyat)");
  emu->add_option("--imei", flags->imei, "IMEI (AT+CGSN)");
  emu->add_option("--smsc", flags->smsc, "SMSC number (AT+CSCA?)");
  emu->add_option("--operator", flags->operator_name, "Network name (AT+COPS?)");
  emu->add_option("--report-delay", flags->report_delay, "Seconds from submit to status report")
      ->capture_default_str();
  emu->add_option("--report-status", flags->report_status, "delivered|failed|pending|<TP-ST>")
      ->capture_default_str();
  AddFaultVerbs(*emu, flags->control, code, *args);
  AddMessageVerbs(*emu, flags->control, code, *args);
  emu->callback([emu, flags, args, &code] {
    if (emu->get_subcommands().empty()) code = RunEmulator(*flags);
  });
}

}  // namespace osprey::cli
