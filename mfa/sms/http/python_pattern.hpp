// Translation of a Python `re` pattern (str pattern, Python 3.11 syntax) into an equivalent PCRE2 pattern for
// PCRE2_UTF | PCRE2_UCP with LF newlines, for HttpSMSProvider's REGEXP option (spec privacyidea-api.md
// §13.6).
//
// PCRE2 already matches like Python for most syntax; the translation covers where they differ:
//   - escapes Python rejects (\e \h \K \p \Q \z \G \o \c ... , i.e. unknown ASCII letters) are errors;
//   - \Z is PCRE2's \z, \v is a vertical tab (not a class), \s also matches \x1c-\x1f, \uXXXX and \UXXXXXXXX
//     are code points, \x needs exactly two hex digits;
//   - \1..\99 refer to an already closed group (else error), 3-digit octal and \0.. are octal escapes;
//   - '[' inside a class is a literal (no POSIX [:alpha:]), ']' first in a class is a literal;
//   - {,n} and {,} are quantifiers;
//   - group syntax outside Python's set is an error: (?<name>...), (?|...), (?R), (?&x), (?'x'), (*VERB);
//     inline flags are i m s x u only (a and L are refused), global flags only at the start.
// Not covered: \N{NAME} (refused), verbose-mode comments inside groups with scoped (?x:...), and Unicode
// details of case folding and character properties where PCRE2's tables differ from Python's.
// Thread rule: pure function, any thread.
#pragma once

#include <string>
#include <string_view>

#include "osprey/core/result.hpp"

namespace osprey::mfa::sms {

// kInvalidArgument (Python's re.error text where it has one) when Python would not compile `pattern`.
Result<std::string> TranslatePythonPattern(std::string_view pattern);

}  // namespace osprey::mfa::sms
