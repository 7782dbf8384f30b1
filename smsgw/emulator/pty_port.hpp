// PtyPort: the pseudo-terminal transport of Osprey's modem emulator (modems-and-sms.md §3 item 1). A host
// (libgammu with `Connection=at`, gammu, minicom) opens slave_path() like a serial device; ServeOnce moves
// bytes between the pty master and an AtModem.
//
// Contract: Open() creates a pty pair, puts the slave side in raw mode (cfmakeraw: no echo by the tty layer,
// no CR/LF translation; the AtModem does the echo) and keeps its own slave fd open for the port's lifetime,
// so the master never sees EIO / hang-up when a client closes and the next client can open the same path.
// DTR/RTS ioctls fail on a pty; libgammu ignores that. Bytes the modem writes while no client is connected
// stay in the tty buffer and are read by the next client.
//
// Ownership: PtyPort owns both fds and closes them on destruction; it is move-only. ServeOnce keeps no
// reference to its arguments. Thread rule: not thread-safe; one owner thread calls every member and
// ServeOnce (the AtModem has the same rule).
#pragma once

#include <chrono>
#include <string>

#include "osprey/core/result.hpp"
#include "smsgw/emulator/at_modem.hpp"

namespace osprey::smsgw::emulator {

class PtyPort {
 public:
  // Opens a pty master (posix_openpt/grantpt/unlockpt, non-blocking, close-on-exec) and its slave in raw
  // mode. On failure returns kUnavailable with the failing call and errno text.
  static Result<PtyPort> Open();

  PtyPort(PtyPort&& other) noexcept;
  PtyPort& operator=(PtyPort&& other) noexcept;
  PtyPort(const PtyPort&) = delete;
  PtyPort& operator=(const PtyPort&) = delete;
  ~PtyPort();

  // The path a client opens, e.g. "/dev/pts/3".
  const std::string& slave_path() const { return slave_path_; }
  // The non-blocking master fd (-1 after a move). Still owned by the port.
  int master_fd() const { return master_fd_; }

 private:
  PtyPort(int master_fd, int slave_fd, std::string slave_path);
  void Close();

  int master_fd_ = -1;
  int slave_fd_ = -1;  // held open so the master never sees hang-up between client sessions
  std::string slave_path_;
};

// How long ServeOnce waits in total for the client to drain the tty buffer when a write would block.
inline constexpr std::chrono::milliseconds kPtyWriteTimeout{1000};

// One step of the serving loop: waits up to `poll_timeout` for input on the master, reads what is there,
// feeds it to `modem` and writes the reply fully, then writes whatever modem.Tick() returns (also when
// nothing was read). "No client / nothing to read" (timeout, EAGAIN, EIO) is success. On failure returns
// kUnavailable with errno text (poll/read/write failed, or the client did not read for kPtyWriteTimeout;
// the unwritten rest of the reply is then dropped).
// REQUIRES: `port` was opened (not moved from).
Status ServeOnce(PtyPort& port, AtModem& modem, std::chrono::milliseconds poll_timeout);

}  // namespace osprey::smsgw::emulator
