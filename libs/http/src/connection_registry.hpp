// ConnectionRegistry: the server's list of open connections, for the connection cap and for Stop(). No Asio.
// Thread rule: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace osprey::http::internal {

// Implemented by a session.
class Connection {
 public:
  virtual ~Connection() = default;
  // Asks the connection to close: at once when it waits for a request, else after its current response (sent
  // with Connection: close). Called from any thread; returns without waiting.
  virtual void Drain() = 0;
  // Closes the socket now, whatever the connection is doing (a running handler still finishes). Any thread.
  virtual void Abort() = 0;
};

class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(std::size_t max_connections) : max_connections_(max_connections) {}
  ConnectionRegistry(const ConnectionRegistry&) = delete;
  ConnectionRegistry& operator=(const ConnectionRegistry&) = delete;

  // Registers a new connection. Returns its id (never 0), or 0 when at max_connections or after DrainAll():
  // the caller then closes the connection at once.
  std::uint64_t Add(std::weak_ptr<Connection> connection);
  // Forgets connection `id` (0 is ignored); called from the connection's destructor.
  void Remove(std::uint64_t id);
  // Refuses further Add()s and calls Drain() on every registered connection.
  void DrainAll();
  // Calls Abort() on every registered connection (after DrainAll(), when the grace period is over).
  void AbortAll();
  // Waits until no connection is registered or `deadline` passes. Returns true when none is left.
  bool WaitUntilEmpty(std::chrono::steady_clock::time_point deadline);
  std::size_t size() const;

 private:
  std::vector<std::shared_ptr<Connection>> Live();

  const std::size_t max_connections_;
  mutable std::mutex mutex_;
  std::condition_variable empty_;
  std::map<std::uint64_t, std::weak_ptr<Connection>> connections_;  // guarded by mutex_
  std::uint64_t next_id_ = 1;                                       // guarded by mutex_
  bool draining_ = false;                                           // guarded by mutex_
};

}  // namespace osprey::http::internal
