// JSON shapes of the /token/ endpoints (spec privacyidea-api.md §5, §10), shared by the api and the CLI's
// --json. Thread rule: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "mfa/token/token_service.hpp"

namespace osprey::mfa::api {

// One token object of GET /token/ (§5 field list and types).
nlohmann::json TokenObject(const token::TokenView& view);
// GET /token/ value: {"tokens":[...],"prev":int|null,"next":int|null,"count":int,"current":int}.
nlohmann::json TokenListValue(const token::TokenListResult& list);
// POST /token/init detail (without threadid): serial, rollout_state, otpkey, googleurl, oathurl. Contains the
// seed: send it to the enrolling client only.
nlohmann::json InitDetail(const token::InitResult& init);

}  // namespace osprey::mfa::api
