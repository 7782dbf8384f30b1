// Test support: an in-process AT modem emulator on a pty, served by a background thread, for tests that
// drive libgammu against it. Every record the emulator makes is kept for assertions.
//
// Thread rule: the serving thread and the test thread share the AtModem only under mu(); use With() to
// poke the modem (Inject, FailNextSubmits, ...) and Submits()/Messages() to read the records.
#pragma once

#include <poll.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "osprey/core/clock.hpp"
#include "smsgw/emulator/at_modem.hpp"
#include "smsgw/emulator/pty_port.hpp"

namespace osprey::smsgw::gammu::testing {

class TestEmulator {
 public:
  explicit TestEmulator(emulator::ModemConfig config = {}) : modem_(std::move(config), clock_) {
    auto port = emulator::PtyPort::Open();
    if (!port.ok()) throw std::runtime_error(port.error().ToString());
    port_.emplace(std::move(port).value());
    modem_.SetSubmitCallback([this](const emulator::SubmitRecord& r) { submits_.push_back(r); });
    modem_.SetMessageCallback([this](const emulator::PhoneMessage& m) { messages_.push_back(m); });
    thread_ = std::thread([this] { Serve(); });
  }
  TestEmulator(const TestEmulator&) = delete;
  TestEmulator& operator=(const TestEmulator&) = delete;
  ~TestEmulator() {
    stop_ = true;
    thread_.join();
  }

  const std::string& path() const { return port_->slave_path(); }

  template <typename F>
  auto With(F&& f) {
    std::lock_guard<std::mutex> lock(mu_);
    return f(modem_);
  }
  std::vector<emulator::SubmitRecord> Submits() {
    std::lock_guard<std::mutex> lock(mu_);
    return submits_;
  }
  std::vector<emulator::PhoneMessage> Messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }

 private:
  void Serve() {
    while (!stop_) {
      // Wait without the lock so that the test thread can poke the modem meanwhile.
      pollfd pfd{port_->master_fd(), POLLIN, 0};
      ::poll(&pfd, 1, 10);
      std::lock_guard<std::mutex> lock(mu_);
      (void)emulator::ServeOnce(*port_, modem_, std::chrono::milliseconds(0));
    }
  }

  SystemClock clock_;
  std::mutex mu_;
  emulator::AtModem modem_;
  std::optional<emulator::PtyPort> port_;
  std::vector<emulator::SubmitRecord> submits_;
  std::vector<emulator::PhoneMessage> messages_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace osprey::smsgw::gammu::testing
