// The API's relative validity enum, its TP-VP octet (modems-and-sms.md §4 item 9) and the `highpriority` flag
// of APIv1/JSON-RPC (smseagle-api.md §13 item 14). Pure functions; any thread may call them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "osprey/core/result.hpp"

namespace osprey::smsgw::sms {

enum class Validity { k5m, k10m, k30m, k1h, k2h, k4h, k12h, k1d, k2d, k5d, k1w, k2w, k4w, kMax };

// The API's default when `validity` is absent.
inline constexpr Validity kDefaultValidity = Validity::kMax;

// Parses "5m", "10m", "30m", "1h", "2h", "4h", "12h", "1d", "2d", "5d", "1w", "2w", "4w" or "max" (exact,
// case sensitive). On failure returns kInvalidArgument.
Result<Validity> ParseValidity(std::string_view name);

// Returns the API name of `validity` ("5m" ... "max").
std::string_view ValidityName(Validity validity);

// Returns the relative TP-VP octet: 5m 0, 10m 1, 30m 5, 1h 11, 2h 23, 4h 47, 12h 143, 1d 167, 2d 168, 5d 171,
// 1w 173, 2w 180, 4w 194, max 255.
std::uint8_t ValidityToTpVp(Validity validity);

// Returns the period a relative TP-VP octet stands for (TS 23.040 §9.2.3.12.1): 0..143 -> (VP+1)*5 min,
// 144..167 -> 12 h + (VP-143)*30 min, 168..196 -> (VP-166) days, 197..255 -> (VP-192) weeks (255 = 63 weeks).
std::chrono::minutes TpVpToDuration(std::uint8_t tp_vp);

// Returns TpVpToDuration(ValidityToTpVp(validity)).
std::chrono::minutes ValidityDuration(Validity validity);

// Maps APIv1/JSON-RPC `highpriority` to a queue priority: 0 -> 0, 1 -> 9, 2..9 -> the same value.
// On failure returns kInvalidArgument for any other value.
Result<int> HighPriorityToPriority(int high_priority);

}  // namespace osprey::smsgw::sms
