// Internal to libs/core (and its tests): the bound on argon2id computations in progress.
#pragma once

#include <cstddef>

namespace osprey::crypto::internal {

// How many HashPassword / VerifyPassword computations may run at once: the core count, 1 to 16.
std::size_t PasswordHashSlots();
// The most that have run at once since the process started.
std::size_t PeakPasswordHashes();

}  // namespace osprey::crypto::internal
