#include "osprey/core/rate_limiter.hpp"

#include <algorithm>
#include <chrono>

namespace osprey {

RateLimiter::RateLimiter(RateLimit limit, const Clock& clock)
    : limit_{limit.rate, std::max(1.0, limit.burst)}, clock_(clock), last_sweep_(clock.Now()) {}

bool RateLimiter::Allow(std::int64_t key) {
  if (unlimited()) return true;
  const Clock::TimePoint now = clock_.Now();
  std::lock_guard lock(mu_);
  ForgetIdle(now);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{limit_.burst, now});
  Bucket& b = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(limit_.burst, b.tokens + std::max(0.0, elapsed) * limit_.rate);
    b.updated = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

void RateLimiter::ForgetIdle(Clock::TimePoint now) {
  // A bucket refills completely after burst / rate seconds; sweep at most that often.
  const auto full_after = std::chrono::duration<double>(limit_.burst / limit_.rate);
  if (now - last_sweep_ < full_after) return;
  last_sweep_ = now;
  std::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.updated >= full_after; });
}

}  // namespace osprey
