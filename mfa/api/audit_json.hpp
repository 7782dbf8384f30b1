// GET /audit/ in privacyIDEA 3.13's wire form (api/audit.py, lib/audit.py search(), lib/auditmodules/
// sqlaudit.py audit_entry_to_dict): the request parameters as an AuditFilter and the result value
// {"auditcolumns", "auditdata", "count", "current", "next", "prev"}. Module-internal to mfa/api.
// Thread rule: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mfa/api/params.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/common/pi_error.hpp"
#include "osprey/core/clock.hpp"

namespace osprey::mfa::api::audit_api {

// privacyIDEA's parse_timedelta: an optional sign, a number and one unit of s, m, h, d or y (365 days),
// blanks allowed around them: "2d", "90m", " 1 h". nullopt for anything else.
std::optional<std::chrono::seconds> ParseTimeDelta(std::string_view text);

// Python's datetime.isoformat() of the UTC time: "2026-11-29T13:34:36.123456", without the fraction when the
// microseconds are 0.
std::string IsoFormat(Clock::TimePoint t);

// privacyIDEA 3.13's available_audit_columns, in its order.
const std::vector<std::string>& AuditColumns();

// One entry as audit_entry_to_dict renders it (sig_check / missing_line from the chain checks).
nlohmann::json EntryToJson(const audit::AuditEntry& entry);

// What the parameters ask for. `page`, `page_size`, `sortorder`, `timelimit` and `hidden_columns` are
// special; every other key is a column filter (AuditFilter). `now` turns timelimit into `since`.
struct AuditSearch {
  audit::AuditFilter filter;
  std::vector<std::string> hidden_columns;
};
// ERR905 for a timelimit that ParseTimeDelta rejects. A page or page_size that is not a positive integer
// falls back to 1 / 15.
PiResult<AuditSearch> ParseAuditSearch(const Params& params, Clock::TimePoint now);

// The result value for one page of `search`.
nlohmann::json AuditSearchValue(const audit::AuditPage& page, const AuditSearch& search);

}  // namespace osprey::mfa::api::audit_api
