// Python's re.sub on PCRE2, and HttpSMSProvider's REGEXP option built on it (spec privacyidea-api.md §13.6).
// Patterns go through TranslatePythonPattern (python_pattern.hpp) and are matched with PCRE2_UTF | PCRE2_UCP
// (Python str patterns are Unicode-aware: \d, \w, \s and \b follow Unicode); replacements follow Python's
// template rules. Thread rule: pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

#include "osprey/core/result.hpp"

namespace osprey::mfa::sms {

// re.sub(pattern, replacement, subject): replaces every non-overlapping match, left to right; an empty match
// is allowed right after a non-empty one but not at the end of an empty one (Python 3.7+). The replacement
// knows \1..\99, \g<number>, \g<name>, \0 and 3-digit octal escapes, \a \b \f \n \r \t \v \\; other
// backslash pairs stay as they are, except an unknown ASCII letter, which is an error; a group that did not
// take part in the match inserts nothing.
// Errors (kInvalidArgument, message naming the problem but never the subject): a pattern Python would not
// compile, a bad replacement (unknown group, bad escape), a subject that is not valid UTF-8, or PCRE2's match
// limit reached (a pathological pattern; Python would keep backtracking).
Result<std::string> PythonSub(std::string_view pattern, std::string_view replacement,
                              std::string_view subject);

// The phone number after REGEXP `regexp` (privacyIDEA's _mangle_phone): an empty value, or one that is not
// `/<pattern>/<replacement>/` (the pattern extends to the LAST inner '/'; a value with a line break other
// than one final "\n" does not qualify), returns `phone` unchanged. Errors as PythonSub: the caller keeps the
// number unchanged, as privacyIDEA does, and may log the message.
Result<std::string> ApplyPhoneRegexp(std::string_view regexp, std::string_view phone);

}  // namespace osprey::mfa::sms
