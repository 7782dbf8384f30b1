#include "smsgw/queue/group_commit.hpp"

#include <algorithm>
#include <condition_variable>

namespace osprey::smsgw::queue {

// Shared by the caller and the committer, so that the committer may still notify after the caller, seeing
// `done`, has returned. Each request has its own mutex: waking a batch's callers neither holds mu_ (which
// the next arrivals need) nor makes the woken callers queue for it.
struct GroupCommit::Request {
  std::span<const NewMessage> messages;
  Clock::TimePoint now;
  Result<std::vector<std::int64_t>> result = Error(ErrorCode::kInternal, "not committed");  // before `done`
  std::mutex mu;
  std::condition_variable wake;  // with mu: signalled when `done` is set
  bool done = false;             // GUARDED_BY(mu)
};

GroupCommit::GroupCommit(Store& store, GroupCommitOptions options) : store_(store), options_(options) {
  if (options_.enabled) committer_ = std::thread([this] { Run(); });
}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_one();
  if (committer_.joinable()) committer_.join();
}

Result<std::vector<std::int64_t>> GroupCommit::Enqueue(std::span<const NewMessage> messages,
                                                       Clock::TimePoint now) {
  if (messages.empty()) return std::vector<std::int64_t>{};
  if (!options_.enabled) {
    auto ids = store_.Enqueue(messages, now);
    std::lock_guard lock(mu_);
    ++stats_.commits;
    ++stats_.requests;
    return ids;
  }
  auto self = std::make_shared<Request>();
  self->messages = messages;
  self->now = now;
  {
    std::lock_guard lock(mu_);
    waiting_.push_back(self);
    if (committer_idle_) work_.notify_one();
  }
  std::unique_lock wait(self->mu);
  self->wake.wait(wait, [&] { return self->done; });
  return std::move(self->result);
}

void GroupCommit::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    committer_idle_ = true;
    work_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
    committer_idle_ = false;
    if (waiting_.empty()) return;  // stopping, and nobody is waiting
    if (options_.delay.count() > 0 && last_batch_ > 1 && last_commit_ < 4 * options_.delay &&
        waiting_.size() < options_.max_batch && !stopping_) {
      // Arrivals do not wake us (committer_idle_ is false): they only queue up and join this batch.
      work_.wait_for(lock, options_.delay, [&] { return stopping_; });
    }
    Batch batch = TakeBatch();
    last_batch_ = batch.size();
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    CommitBatch(batch);
    const auto took = std::chrono::steady_clock::now() - started;
    {
      std::lock_guard stats_lock(mu_);
      last_commit_ = took;
      stats_.committing += std::chrono::duration_cast<std::chrono::nanoseconds>(took);
      ++stats_.commits;
      stats_.requests += batch.size();
    }
    // Each caller sleeps on its own condition variable, so a commit wakes exactly the callers it served.
    for (const auto& r : batch) {
      {
        std::lock_guard done_lock(r->mu);
        r->done = true;
      }
      r->wake.notify_one();
    }
    batch.clear();
    lock.lock();
  }
}

GroupCommit::Batch GroupCommit::TakeBatch() {
  Batch batch;
  std::size_t messages = 0;
  while (!waiting_.empty()) {
    const std::shared_ptr<Request>& next = waiting_.front();
    if (!batch.empty() && messages + next->messages.size() > options_.max_batch) break;
    messages += next->messages.size();
    batch.push_back(next);
    waiting_.pop_front();
  }
  return batch;
}

void GroupCommit::CommitBatch(const Batch& batch) {
  if (batch.size() == 1) {
    batch[0]->result = store_.Enqueue(batch[0]->messages, batch[0]->now);
    return;
  }
  std::vector<NewMessage> all;
  Clock::TimePoint now = batch[0]->now;
  for (const auto& r : batch) {
    all.insert(all.end(), r->messages.begin(), r->messages.end());
    now = std::max(now, r->now);
  }
  auto ids = store_.Enqueue(all, now);
  if (!ids.ok() && ids.error().code() == ErrorCode::kInvalidArgument) {
    // Someone's message is invalid and nothing was stored: isolate it by giving each caller its own
    // transaction, so that only its owner hears about it.
    for (const auto& r : batch) r->result = store_.Enqueue(r->messages, r->now);
    return;
  }
  std::size_t offset = 0;
  for (const auto& r : batch) {
    if (!ids.ok()) {
      r->result = ids.error();
      continue;
    }
    r->result =
        std::vector<std::int64_t>(ids->begin() + static_cast<std::ptrdiff_t>(offset),
                                  ids->begin() + static_cast<std::ptrdiff_t>(offset + r->messages.size()));
    offset += r->messages.size();
  }
}

GroupCommit::Stats GroupCommit::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace osprey::smsgw::queue
