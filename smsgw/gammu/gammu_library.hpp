// libgammu is loaded at run time (dlopen), by the first process that needs it: the modem worker. The server,
// the CLI and the MFA server never map it, nor glib, libusb, libbluetooth and libudev that it brings
// (≈ 1.6 MB of resident shared-library pages per process; modems-and-sms.md §1 item 1: libgammu lives only in
// the modem worker process).
//
// gammu_library.cpp defines each libgammu function Osprey calls, under its own name and with the signature of
// <gammu.h>, as a forwarder to the loaded library; the rest of the code calls libgammu as if it were linked.
// A function called before LoadGammuLibrary() succeeded loads the library itself, and aborts the process with
// the reason if it cannot (that is a broken installation: the Debian package depends on libgammu8).
//
// Adding a libgammu call: one OSPREY_GAMMU_FORWARD line in gammu_library.cpp (the linker names what is
// missing).
#pragma once

#include "osprey/core/result.hpp"

namespace osprey::smsgw::gammu {

// Loads libgammu once per process; later calls return the first outcome. Thread-safe.
// kUnavailable with dlopen's reason when the library cannot be loaded.
Status LoadGammuLibrary();

}  // namespace osprey::smsgw::gammu
