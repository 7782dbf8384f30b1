#include "connection_registry.hpp"

namespace osprey::http::internal {

std::uint64_t ConnectionRegistry::Add(std::weak_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (draining_ || connections_.size() >= max_connections_) return 0;
  const std::uint64_t id = next_id_++;
  connections_.emplace(id, std::move(connection));
  return id;
}

void ConnectionRegistry::Remove(std::uint64_t id) {
  if (id == 0) return;
  std::lock_guard lock(mutex_);
  connections_.erase(id);
  if (connections_.empty()) empty_.notify_all();
}

std::vector<std::shared_ptr<Connection>> ConnectionRegistry::Live() {
  std::vector<std::shared_ptr<Connection>> live;
  std::lock_guard lock(mutex_);
  draining_ = true;
  for (const auto& [id, weak] : connections_) {
    if (auto connection = weak.lock()) live.push_back(std::move(connection));
  }
  return live;
}

// Drain() and Abort() run outside the lock: dropping the last reference to a connection runs a destructor
// that calls Remove().
void ConnectionRegistry::DrainAll() {
  for (const auto& connection : Live()) connection->Drain();
}

void ConnectionRegistry::AbortAll() {
  for (const auto& connection : Live()) connection->Abort();
}

bool ConnectionRegistry::WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return empty_.wait_until(lock, deadline, [this] { return connections_.empty(); });
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

}  // namespace osprey::http::internal
