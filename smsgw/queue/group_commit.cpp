#include "smsgw/queue/group_commit.hpp"

#include <algorithm>

namespace osprey::smsgw::queue {

struct GroupCommit::Request {
  std::span<const NewMessage> messages;
  Clock::TimePoint now;
  Result<std::vector<std::int64_t>> result = Error(ErrorCode::kInternal, "not committed");
  bool done = false;  // GUARDED_BY(mu_)
};

GroupCommit::GroupCommit(Store& store, GroupCommitOptions options) : store_(store), options_(options) {}

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
  Request self{messages, now};
  std::unique_lock lock(mu_);
  waiting_.push_back(&self);
  while (!self.done) {
    if (committing_) {
      done_cv_.wait(lock);
      continue;
    }
    // Lead: the batch may not contain our own request when more than max_batch messages queued before it;
    // then we lead again (or follow) until it is done.
    committing_ = true;
    std::vector<Request*> batch = TakeBatch();
    lock.unlock();
    CommitBatch(batch);
    lock.lock();
    for (Request* r : batch) r->done = true;
    ++stats_.commits;
    stats_.requests += batch.size();
    committing_ = false;
    done_cv_.notify_all();
  }
  return std::move(self.result);
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
