// EmulatorRunner: the program around the AtModem engine (`osprey modem-emulator`, modems-and-sms.md §3). One
// thread runs one poll loop over the transport, the control socket (control.hpp) and a tick timer.
//
// Transport: a pseudo-terminal (PtyPort; the host opens device_path()), or, with `stdio`, the given input and
// output fds (libgammu's `proxyat` connection runs the emulator as a child with its stdin/stdout as the
// modem line; §3 item 1). Control socket: an AF_UNIX stream socket at `control_path` (a stale socket file
// there is replaced; any other existing file is an error), several clients over time, one request line
// answered before the next is read. Tick: AtModem::Tick every `tick` (status reports, submit latency).
//
// Recording: every PhoneMessage is appended to `record_path` as one JSON line with one write(2) (O_APPEND)
// as soon as it is complete, i.e. before the next control request is served. `log_path` gets the traffic
// log (recording.hpp). Either path may be empty (off).
//
// Run() returns OkStatus when told to stop (RequestStop, e.g. from a SIGTERM handler; the write in progress
// is finished first), after a "close" request (reply sent, then the transport and socket are closed: modem
// loss), or at end of input in stdio mode (the host went away). It returns kUnavailable when the transport
// fails (poll/read errors); a host that does not read for kPtyWriteTimeout only loses the unwritten bytes.
//
// Ownership: the runner owns its transport, socket and files, and keeps a reference to the Clock (must
// outlive it); the destructor closes everything and removes the control socket file. Thread rule: Run is
// called by one thread; RequestStop may be called from any thread or a signal handler (async-signal-safe).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "smsgw/emulator/at_modem.hpp"

namespace osprey::smsgw::emulator {

struct RunnerOptions {
  ModemConfig modem;
  std::string record_path;   // "" = no record file
  std::string control_path;  // "" = no control socket
  std::string log_path;      // "" = no traffic log
  bool stdio = false;        // transport = stdio_in/stdio_out instead of a pty
  int stdio_in = 0;          // not owned
  int stdio_out = 1;         // not owned
  std::chrono::milliseconds tick{20};
};

class EmulatorRunner {
 public:
  // Opens the transport, the control socket and the files. On failure returns kUnavailable (pty, socket or
  // file could not be opened, with the reason) or kInvalidArgument (control path too long / not a socket).
  static Result<std::unique_ptr<EmulatorRunner>> Create(RunnerOptions options, const Clock& clock);

  EmulatorRunner(const EmulatorRunner&) = delete;
  EmulatorRunner& operator=(const EmulatorRunner&) = delete;
  ~EmulatorRunner();

  // The pty slave path ("/dev/pts/N"); empty in stdio mode.
  const std::string& device_path() const;

  // Serves until stop, "close" or end of input (see the header comment).
  Status Run();

  // Makes Run return after the current iteration. Async-signal-safe; any thread.
  void RequestStop();

 private:
  class Impl;
  explicit EmulatorRunner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace osprey::smsgw::emulator
