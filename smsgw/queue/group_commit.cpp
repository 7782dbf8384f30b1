#include "smsgw/queue/group_commit.hpp"

#include <algorithm>
#include <condition_variable>

namespace osprey::smsgw::queue {

struct GroupCommit::Request {
  std::span<const NewMessage> messages;
  Clock::TimePoint now;
  Result<std::vector<std::int64_t>> result = Error(ErrorCode::kInternal, "not committed");
  bool done = false;             // GUARDED_BY(mu_)
  std::condition_variable wake;  // with mu_: signalled when `done` is set
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
  Request self;
  self.messages = messages;
  self.now = now;
  std::unique_lock lock(mu_);
  waiting_.push_back(&self);
  if (committer_idle_) work_.notify_one();
  self.wake.wait(lock, [&] { return self.done; });
  return std::move(self.result);
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
    std::vector<Request*> batch = TakeBatch();
    last_batch_ = batch.size();
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    CommitBatch(batch);
    const auto took = std::chrono::steady_clock::now() - started;
    lock.lock();
    last_commit_ = took;
    stats_.committing += std::chrono::duration_cast<std::chrono::nanoseconds>(took);
    ++stats_.commits;
    stats_.requests += batch.size();
    // Each caller sleeps on its own condition variable, so a commit wakes exactly the callers it served.
    // Notified under the lock: once `done` is seen, the caller may return and destroy its Request.
    for (Request* r : batch) {
      r->done = true;
      r->wake.notify_one();
    }
  }
}

std::vector<GroupCommit::Request*> GroupCommit::TakeBatch() {
  std::vector<Request*> batch;
  std::size_t messages = 0;
  while (!waiting_.empty()) {
    Request* next = waiting_.front();
    if (!batch.empty() && messages + next->messages.size() > options_.max_batch) break;
    messages += next->messages.size();
    batch.push_back(next);
    waiting_.pop_front();
  }
  return batch;
}

void GroupCommit::CommitBatch(const std::vector<Request*>& batch) {
  if (batch.size() == 1) {
    batch[0]->result = store_.Enqueue(batch[0]->messages, batch[0]->now);
    return;
  }
  std::vector<NewMessage> all;
  Clock::TimePoint now = batch[0]->now;
  for (const Request* r : batch) {
    all.insert(all.end(), r->messages.begin(), r->messages.end());
    now = std::max(now, r->now);
  }
  auto ids = store_.Enqueue(all, now);
  if (!ids.ok() && ids.error().code() == ErrorCode::kInvalidArgument) {
    // Someone's message is invalid and nothing was stored: isolate it by giving each caller its own
    // transaction, so that only its owner hears about it.
    for (Request* r : batch) r->result = store_.Enqueue(r->messages, r->now);
    return;
  }
  std::size_t offset = 0;
  for (Request* r : batch) {
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
