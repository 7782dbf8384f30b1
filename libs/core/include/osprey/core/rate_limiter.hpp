// RateLimiter: a token bucket per key (e.g. per API user): `rate` requests per second on average with bursts
// of up to `burst`. Keys idle long enough to have a full bucket again are forgotten, so memory stays bounded
// by the number of recently active keys.
//
// Thread rule: Allow may be called from any number of threads.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "osprey/core/clock.hpp"

namespace osprey {

struct RateLimit {
  double rate = 0;   // tokens per second; <= 0 means unlimited
  double burst = 1;  // bucket size; values below 1 act as 1
};

class RateLimiter {
 public:
  RateLimiter(RateLimit limit, const Clock& clock);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token from `key`'s bucket; false when it is empty (the caller answers 429).
  bool Allow(std::int64_t key);
  bool unlimited() const { return limit_.rate <= 0; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::TimePoint updated;
  };
  void ForgetIdle(Clock::TimePoint now);  // REQUIRES: mu_ held

  const RateLimit limit_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::int64_t, Bucket> buckets_;  // GUARDED_BY(mu_)
  Clock::TimePoint last_sweep_;                       // GUARDED_BY(mu_)
};

}  // namespace osprey
