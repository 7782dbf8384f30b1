#include "smsgw/queue/dispatcher.hpp"

#include <spdlog/spdlog.h>

namespace osprey::smsgw::queue {

Dispatcher::Dispatcher(Store& store, std::vector<modem::ModemDriver*> drivers, const Clock& clock,
                       DispatcherOptions options)
    : store_(store), drivers_(std::move(drivers)), clock_(clock), options_(std::move(options)) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  for (modem::ModemDriver* driver : drivers_) threads_.emplace_back([this, driver] { Loop(driver); });
  threads_.emplace_back([this] { KeepLeases(); });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  stop_cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void Dispatcher::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wake_seq_;
  }
  cv_.notify_all();
}

bool Dispatcher::stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

void Dispatcher::Loop(modem::ModemDriver* driver) {
  ModemPace pace;
  auto rate = options_.parts_per_minute.find(driver->modem_no());
  if (rate != options_.parts_per_minute.end() && rate->second > 0) {
    pace.interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(60.0 / rate->second));
  }
  while (!stopping()) {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(mu_);
      seen = wake_seq_;
    }
    MaybeRecover();
    if (SendOne(*driver, pace)) continue;
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.poll_interval, [&] { return stopping_ || wake_seq_ != seen; });
  }
}

bool Dispatcher::CheckAvailable(int modem_no, ModemPace& pace) {
  if (!options_.available || options_.available(modem_no)) {
    if (pace.unavailable_since) {
      if (pace.served) {
        spdlog::info("modem {}: back in service", modem_no);
      } else {
        spdlog::info("modem {}: in service", modem_no);
      }
    }
    pace.unavailable_since.reset();
    pace.released = false;
    pace.served = true;
    return true;
  }
  const Clock::TimePoint now = clock_.Now();
  if (!pace.unavailable_since) {
    pace.unavailable_since = now;
    // A modem that is still starting (its worker's handshake) is not news; one that was in service is.
    if (pace.served) {
      spdlog::warn("modem {}: out of service; other modems take its unpinned messages", modem_no);
    } else {
      spdlog::info("modem {}: not in service yet; other modems take its unpinned messages", modem_no);
    }
  }
  if (!pace.released && now - *pace.unavailable_since >= options_.failover_after) {
    auto moved = store_.ReleaseStranded(modem_no, now);
    if (!moved.ok()) {
      spdlog::warn("modem {}: cannot release its part-sent messages: {}", modem_no, moved.error().ToString());
    } else {
      pace.released = true;
      if (*moved > 0) {
        spdlog::warn("modem {}: {} part-sent message(s) go to other modems", modem_no, *moved);
        Wake();
      }
    }
  }
  return false;
}

bool Dispatcher::WaitForPace(ModemPace& pace) {
  if (pace.interval == std::chrono::steady_clock::duration::zero()) return !stopping();
  std::unique_lock lock(mu_);
  stop_cv_.wait_until(lock, pace.next_part, [&] { return stopping_; });
  if (stopping_) return false;
  pace.next_part = std::chrono::steady_clock::now() + pace.interval;
  return true;
}

bool Dispatcher::SendOne(modem::ModemDriver& driver, ModemPace& pace) {
  if (!CheckAvailable(driver.modem_no(), pace)) return false;
  auto claim = store_.ClaimNext(options_.id, driver.modem_no(), clock_.Now());
  if (!claim.ok()) {
    spdlog::warn("modem {}: cannot claim a message: {}", driver.modem_no(), claim.error().ToString());
    return false;
  }
  if (!claim->has_value()) return false;
  const ClaimedMessage& message = **claim;
  Track(message);
  SendParts(driver, message, pace);
  Untrack(message.id);
  return true;
}

void Dispatcher::SendParts(modem::ModemDriver& driver, const ClaimedMessage& message, ModemPace& pace) {
  for (const ClaimedPart& part : message.parts) {
    if (part.state != PartState::kQueued) continue;
    if (!WaitForPace(pace)) {
      (void)store_.ReleaseLease(message);
      return;
    }
    auto marked = store_.MarkSubmitting(message, part.seq, driver.modem_no());
    if (!marked.ok() || !*marked) {
      if (!marked.ok()) spdlog::warn("message {}: {}", message.id, marked.error().ToString());
      return;  // lease lost or message deleted: send nothing more
    }
    modem::SubmitResult result = driver.Submit(message.ToOutgoing(part));
    auto next = store_.RecordOutcome(message, part.seq, driver.modem_no(), result, clock_.Now());
    if (!next.ok()) {
      // The part stays `submitting`; once the lease expires RecoverAbandoned resolves it by policy.
      spdlog::error("message {} part {}: cannot record the outcome: {}", message.id, part.seq,
                    next.error().ToString());
      return;
    }
    if (*next == NextStep::kDone) return;
  }
}

void Dispatcher::MaybeRecover() {
  const Clock::TimePoint now = clock_.Now();
  {
    std::lock_guard lock(mu_);
    if (last_recover_ && now - *last_recover_ < options_.recover_interval) return;
    last_recover_ = now;
  }
  auto expired = store_.ExpireOverdue(now);
  if (!expired.ok()) spdlog::warn("cannot expire overdue messages: {}", expired.error().ToString());
  auto recovered = store_.RecoverAbandoned(now);
  if (!recovered.ok()) {
    spdlog::warn("cannot recover abandoned messages: {}", recovered.error().ToString());
  } else if (*recovered > 0) {
    spdlog::info("recovered {} message(s) abandoned while submitting", *recovered);
  }
}

void Dispatcher::KeepLeases() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, options_.renew_interval, [&] { return stopping_; });
    if (stopping_) return;
    std::vector<ClaimedMessage> messages;
    for (const auto& [id, message] : in_flight_) messages.push_back(message);
    lock.unlock();
    for (const auto& message : messages) (void)store_.RenewLease(message, clock_.Now());
    lock.lock();
  }
}

void Dispatcher::Track(const ClaimedMessage& message) {
  std::lock_guard lock(mu_);
  in_flight_[message.id] = message;
}

void Dispatcher::Untrack(std::int64_t id) {
  std::lock_guard lock(mu_);
  in_flight_.erase(id);
}

}  // namespace osprey::smsgw::queue
