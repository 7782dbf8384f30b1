// Request resolution for the Validator: privacyIDEA's before_request user handling and the parameter checks
// of /validate/* (spec §3 table, §8).
#include <cctype>
#include <ctime>

#include "mfa/validate/evaluation.hpp"

namespace osprey::mfa::validate::detail {
namespace {

PiError DatabaseError(const Error& error) { return InternalError("database error: " + error.message()); }

// "User <alice@realm1> does not exist." / "<alice.res1@realm1>" (spec §3).
PiError UnknownUser(const std::string& login, const std::string& resolver, const std::string& realm) {
  std::string who = login;
  if (!resolver.empty()) who += "." + resolver;
  return UserError("User <" + who + "@" + realm + "> does not exist.");
}

policy::Subject PolicySubjectOf(const std::string& login, const std::string& realm,
                                const std::string& resolver, const std::string& client) {
  policy::Subject subject;
  subject.user = login;
  subject.realm = realm;
  subject.resolver = resolver;
  subject.client = client;
  return subject;
}

// The user part: sets subject.user (or pass_on_no_user), or fails with ERR904.
PiStatus ResolveUser(const Services& services, const CheckRequest& request, bool trigger, Subject& subject) {
  std::string login = request.user;
  std::string realm = request.realm;
  if (realm.empty()) {
    auto [split_login, split_realm] =
        services.directory.SplitLogin(request.user, services.config.GetBool("splitAtSign", true));
    login = split_login;
    realm = split_realm;
  }
  if (realm.empty()) realm = services.directory.DefaultRealm();
  subject.login = login;
  subject.realm = realm;
  subject.resolver = request.resolver;
  subject.policy = PolicySubjectOf(login, realm, request.resolver, request.client);
  auto found = services.directory.Find(login, realm, request.resolver);
  if (!found.ok()) return DatabaseError(found.error());
  if (found->has_value()) {
    subject.user = std::move(**found);
    subject.resolver = subject.user->resolver;
    subject.policy.resolver = subject.resolver;
    return PiOk();
  }
  if (!trigger && request.serial.empty()) {
    subject.pass_on_no_user = MatchingPolicyName(services, policy::action::kPassOnNoUser, subject.policy);
    if (subject.pass_on_no_user) return PiOk();
  }
  return UnknownUser(login, request.resolver, realm);
}

// The serial part: the token must exist (404), and belong to the given user (ERR905).
PiStatus ResolveSerial(const Services& services, const CheckRequest& request, Subject& subject) {
  subject.by_serial = true;
  subject.serial = request.serial;
  subject.lock_key = "s:" + request.serial;
  auto token = services.tokens.Get(request.serial);
  if (!token.ok()) return DatabaseError(token.error());
  const bool user_given = subject.user.has_value();
  if (user_given) {
    const bool owned = token->has_value() && (*token)->user_id == subject.user->info.uid &&
                       (*token)->resolver == subject.user->resolver;
    if (!owned) return ParameterError("Given serial does not belong to given user!");
    return PiOk();
  }
  if (!token->has_value()) return NotFoundError("The requested token could not be found.");
  const token::TokenRecord& record = **token;
  std::string realm = record.user_realm;
  if (realm.empty() && !record.realms.empty()) realm = record.realms.front();
  subject.realm = realm;
  subject.resolver = record.resolver;
  if (!record.user_id.empty()) {
    auto owner = services.directory.FindByUid(record.user_realm, record.resolver, record.user_id);
    if (!owner.ok()) return DatabaseError(owner.error());
    if (owner->has_value()) {
      subject.user = std::move(**owner);
      subject.login = subject.user->info.username;
    }
  }
  subject.policy = PolicySubjectOf(subject.login, subject.realm, subject.resolver, request.client);
  return PiOk();
}

}  // namespace

PiResult<Subject> Resolve(const Services& services, const CheckRequest& request, bool trigger) {
  if (request.user.find('%') != std::string::npos) return ParameterError("Invalid user.");
  Subject subject;
  if (!request.user.empty()) {
    PiStatus user = ResolveUser(services, request, trigger, subject);
    if (!user.ok()) return user.error();
  }
  if (request.serial.find('*') != std::string::npos) return ParameterError("Invalid serial number.");
  if (request.user.empty() && request.serial.empty()) {
    return ParameterError("You need to specify a serial, user or credential_id.");
  }
  if (!trigger && !request.pass.has_value()) return ParameterError("Missing parameter: 'pass'");
  if (!request.serial.empty()) {
    PiStatus serial = ResolveSerial(services, request, subject);
    if (!serial.ok()) return serial.error();
  } else if (subject.user) {
    subject.lock_key = "u:" + subject.user->resolver + "/" + subject.user->info.uid;
  }
  return subject;
}

std::optional<std::string> MatchingPolicyName(const Services& services, std::string_view action,
                                              const policy::Subject& subject) {
  if (!services.policies.IsSet(policy::kScopeAuth, action, subject)) return std::nullopt;
  // The engine answers whether some policy matches, not which: name the best-priority active policy that sets
  // the action (the usual single policy).
  auto all = services.policies.List(policy::kScopeAuth, true);
  if (!all.ok()) return std::string();
  const policy::Policy* best = nullptr;
  for (const policy::Policy& p : *all) {
    if (p.actions.count(std::string(action)) == 0) continue;
    if (best == nullptr || p.priority < best->priority) best = &p;
  }
  return best != nullptr ? best->name : std::string();
}

namespace {

bool ReadInt(std::string_view text, std::size_t& pos, std::size_t digits, int& out) {
  if (pos + digits > text.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  out = value;
  return true;
}

bool Expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// "+0100", "+01:00", "-05", "Z" or nothing; seconds east of UTC.
bool ReadOffset(std::string_view text, std::size_t& pos, long& offset) {
  offset = 0;
  if (pos == text.size()) return true;
  if (text[pos] == 'Z') return ++pos == text.size();
  if (text[pos] != '+' && text[pos] != '-') return false;
  const int sign = text[pos] == '-' ? -1 : 1;
  ++pos;
  int hours = 0, minutes = 0;
  if (!ReadInt(text, pos, 2, hours)) return false;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size() && !ReadInt(text, pos, 2, minutes)) return false;
  offset = sign * (hours * 3600L + minutes * 60L);
  return pos == text.size();
}

}  // namespace

std::optional<Clock::TimePoint> ParseTimestamp(std::string_view text) {
  std::size_t pos = 0;
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadInt(text, pos, 4, year) || !Expect(text, pos, '-') || !ReadInt(text, pos, 2, month) ||
      !Expect(text, pos, '-') || !ReadInt(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    ++pos;
    if (!ReadInt(text, pos, 2, hour) || !Expect(text, pos, ':') || !ReadInt(text, pos, 2, minute)) {
      return std::nullopt;
    }
    if (pos < text.size() && text[pos] == ':' && !(++pos, ReadInt(text, pos, 2, second))) return std::nullopt;
  }
  long micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    long scale = 100000;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  long offset = 0;
  if (!ReadOffset(text, pos, offset)) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t utc = ::timegm(&tm) - offset;
  return Clock::TimePoint(std::chrono::seconds(utc)) + std::chrono::microseconds(micros);
}

}  // namespace osprey::mfa::validate::detail
