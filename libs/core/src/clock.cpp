#include "osprey/core/clock.hpp"

namespace osprey {

double Clock::UnixSeconds() const { return std::chrono::duration<double>(Now().time_since_epoch()).count(); }

}  // namespace osprey
