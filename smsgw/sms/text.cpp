#include "smsgw/sms/text.hpp"

#include "smsgw/sms/gsm7.hpp"
#include "smsgw/sms/ucs2.hpp"
#include "smsgw/sms/utf8.hpp"

namespace osprey::smsgw::sms {
namespace {

struct Limits {
  std::size_t single;
  std::size_t concatenated;
};

// Concatenated limits assume the 8-bit reference UDH (05 00 03 ref tot seq), as libgammu sends.
Limits LimitsFor(Coding coding) { return coding == Coding::kGsm7 ? Limits{160, 153} : Limits{70, 67}; }

bool AllGsm7(const std::u32string& cps) {
  for (char32_t cp : cps) {
    if (Gsm7SeptetCost(cp) == 0) return false;
  }
  return true;
}

// Units each code point costs in `coding`, or an error for a character GSM-7 cannot carry.
Result<std::vector<std::size_t>> Costs(const std::u32string& cps, Coding coding) {
  std::vector<std::size_t> costs;
  costs.reserve(cps.size());
  for (char32_t cp : cps) {
    const int cost = coding == Coding::kGsm7 ? Gsm7SeptetCost(cp) : Utf16UnitCost(cp);
    if (cost == 0) return Error(ErrorCode::kInvalidArgument, "text has a character GSM-7 cannot represent");
    costs.push_back(static_cast<std::size_t>(cost));
  }
  return costs;
}

// Returns the index of the first code point of each part (always at least one part).
std::vector<std::size_t> PartStarts(const std::vector<std::size_t>& costs, Limits limits) {
  std::size_t total = 0;
  for (std::size_t c : costs) total += c;
  std::vector<std::size_t> starts = {0};
  if (total <= limits.single) return starts;
  std::size_t used = 0;
  for (std::size_t i = 0; i < costs.size(); ++i) {
    if (used + costs[i] > limits.concatenated) {
      starts.push_back(i);
      used = 0;
    }
    used += costs[i];
  }
  return starts;
}

Error TooLong() { return Error(ErrorCode::kInvalidArgument, "Message is too long."); }

}  // namespace

Result<RequestedEncoding> ParseRequestedEncoding(std::string_view name) {
  if (name == "standard" || name == "default") return RequestedEncoding::kStandard;
  if (name == "unicode") return RequestedEncoding::kUnicode;
  return Error(ErrorCode::kInvalidArgument, "encoding must be standard or unicode");
}

std::string_view CodingName(Coding coding) { return coding == Coding::kGsm7 ? "gsm7" : "ucs2"; }

Result<Coding> ChooseCoding(std::string_view text, RequestedEncoding requested) {
  Result<std::u32string> cps = DecodeUtf8(text);
  if (!cps.ok()) return cps.error();
  if (requested == RequestedEncoding::kUnicode) return Coding::kUcs2;
  return AllGsm7(*cps) ? Coding::kGsm7 : Coding::kUcs2;
}

Result<std::size_t> Gsm7Length(std::string_view text) {
  Result<std::vector<std::uint8_t>> septets = EncodeGsm7(text);
  if (!septets.ok()) return septets.error();
  return septets->size();
}

Result<std::size_t> Utf16Length(std::string_view text) {
  Result<std::u32string> cps = DecodeUtf8(text);
  if (!cps.ok()) return cps.error();
  std::size_t units = 0;
  for (char32_t cp : *cps) units += static_cast<std::size_t>(Utf16UnitCost(cp));
  return units;
}

Result<std::vector<std::string>> SplitIntoParts(std::string_view text, Coding coding, std::size_t max_parts) {
  Result<std::u32string> cps = DecodeUtf8(text);
  if (!cps.ok()) return cps.error();
  Result<std::vector<std::size_t>> costs = Costs(*cps, coding);
  if (!costs.ok()) return costs.error();
  const std::vector<std::size_t> starts = PartStarts(*costs, LimitsFor(coding));
  if (starts.size() > max_parts) return TooLong();
  std::vector<std::string> parts;
  parts.reserve(starts.size());
  const std::u32string_view all(*cps);
  for (std::size_t p = 0; p < starts.size(); ++p) {
    const std::size_t end = p + 1 < starts.size() ? starts[p + 1] : all.size();
    parts.push_back(EncodeUtf8(all.substr(starts[p], end - starts[p])));
  }
  return parts;
}

Result<PartCount> CountParts(std::string_view text, RequestedEncoding requested, std::size_t max_parts) {
  Result<std::u32string> cps = DecodeUtf8(text);
  if (!cps.ok()) return cps.error();
  const bool gsm7 = requested == RequestedEncoding::kStandard && AllGsm7(*cps);
  const Coding coding = gsm7 ? Coding::kGsm7 : Coding::kUcs2;
  Result<std::vector<std::size_t>> costs = Costs(*cps, coding);
  if (!costs.ok()) return costs.error();
  std::size_t units = 0;
  for (std::size_t c : *costs) units += c;
  const std::size_t parts = PartStarts(*costs, LimitsFor(coding)).size();
  return PartCount{coding, parts, units, parts > max_parts};
}

}  // namespace osprey::smsgw::sms
