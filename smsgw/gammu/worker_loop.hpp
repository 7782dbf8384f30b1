// RunWorker: the body of `osprey modem-worker`, one process per modem (modems-and-sms.md §1 item 1). It
// speaks the protocol of smsgw/worker/protocol.hpp on two file descriptors and drives one GammuModem.
//
// Behaviour: writes Hello, waits for Configure, then connects (retrying with back-off 1 s doubling to 30 s,
// a State line with online=false and last_error after every failed attempt) and serves: Submit -> Send ->
// Submitted; Ping -> Pong; Stored{key} -> delete that entry from the SIM; a new Configure reconnects with
// it; Shutdown -> exit. A State line follows every connect attempt and at least every heartbeat_ms. The SIM
// storage is read at start (after each connect), every poll_ms and soon after a +CMTI/+CDSI; every entry
// is offered once as Incoming/Report and offered again only after a reconnect or when no Stored came for
// kReofferAfter. Lines that do not decode are logged and skipped; unknown types are ignored.
//
// Returns 0 after Shutdown or end of input (the gateway went away), 1 when the output cannot be written.
// Logs (spdlog, never the PIN) name the modem number. Thread rule: everything happens on the calling thread,
// the only thread that touches libgammu; poll(2) on in_fd interleaves requests with heartbeats and polls.
// The descriptors stay owned by the caller.
#pragma once

#include <chrono>

namespace osprey::smsgw::gammu {

inline constexpr std::chrono::minutes kReofferAfter{10};

int RunWorker(int in_fd, int out_fd);

}  // namespace osprey::smsgw::gammu
