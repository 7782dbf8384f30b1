// REGEXP (spec privacyidea-api.md §13.6) and re.sub compatibility; expected values as CPython 3.11 gives
// them.
#include "mfa/sms/http/python_regex.hpp"

#include <gtest/gtest.h>

#include "mfa/sms/http/python_pattern.hpp"

namespace osprey::mfa::sms {
namespace {

constexpr const char* kUnchanged = nullptr;

struct RegexpCase {
  const char* regexp;
  const char* input;
  const char* result;  // kUnchanged: the input comes back (and an error is reported where noted)
};

void ExpectRegexp(const RegexpCase& c) {
  const Result<std::string> mangled = ApplyPhoneRegexp(c.regexp, c.input);
  const std::string got = mangled.ok() ? *mangled : std::string(c.input);
  EXPECT_EQ(got, c.result ? c.result : c.input) << c.regexp << " on " << c.input;
}

TEST(PhoneRegexpTest, SpecTable) {
  const RegexpCase cases[] = {
      {"/[+-/. ]//", "+49 123/456-78", "4912345678"},  {"/\\+/00/", "+49 123/456-78", "0049 123/456-78"},
      {"/[\\+/]//", "+49 123/456-78", "49 123456-78"}, {"/^([0-9]+).*/\\1/", "12345abcdef", "12345"},
      {"/+/00/", "+49 123/456-78", kUnchanged},        {"/\\./\\//", "12.34.56.78", kUnchanged},
      {"/^0/+49/", "015112345678", "+4915112345678"},
  };
  for (const RegexpCase& c : cases) ExpectRegexp(c);
}

TEST(PhoneRegexpTest, CompileErrorsAreReported) {
  for (const char* regexp : {"/+/00/", "/\\./\\//", "/(/x/", "/a/\\2/", "/(?P<n>a)/\\g<m>/", "/a/\\q/"}) {
    EXPECT_FALSE(ApplyPhoneRegexp(regexp, "+49 1.2").ok()) << regexp;
  }
}

TEST(PhoneRegexpTest, ValuesNotOfTheFormLeaveTheNumberAlone) {
  const RegexpCase cases[] = {
      {"", "+49 1", kUnchanged},
      {"\\+/00", "+49 1", kUnchanged},
      {"/\\+/00", "+49 1", kUnchanged},
      {"\\+/00/", "+49 1", kUnchanged},
      {"//", "+49 1", kUnchanged},
      {"/a/", "a", kUnchanged},
      {"/\\+/0\n0/", "+49 1", kUnchanged},
      {"/\\+/00/\n", "+49 1", "0049 1"},
      {"/\\+/00/ ", "+49 1", kUnchanged},
      {"///", "12", "12"},
      {"/a/b/c/", "a/b", "c"},
  };
  for (const RegexpCase& c : cases) ExpectRegexp(c);
}

TEST(PythonSubTest, PythonSemantics) {
  struct Case {
    const char* pattern;
    const char* replacement;
    const char* subject;
    std::string result;
  };
  const Case cases[] = {
      {"\\d", "#", "a1b22", "a#b##"},
      {"\\s+", "", "+49 151\t123\n45", "+4915112345"},
      {"\\w+", "<\\g<0>>", "ab cd", "<ab> <cd>"},
      {"(\\d)(\\d)", "\\2\\1", "1234", "2143"},
      {"(?P<cc>\\d\\d)(?P<rest>\\d+)", "+\\g<cc> \\g<rest>", "4915112345678", "+49 15112345678"},
      {"(?P<d>\\d)", "[\\g<1>]", "a1", "a[1]"},
      {"^00", "+", "0049123", "+49123"},
      {"^(\\+?)0*", "\\1", "+0049", "+49"},
      {"x*", "-", "abxd", "-a-b--d-"},
      {"", "-", "ab", "-a-b-"},
      {"(a)|b", "[\\1]", "ab", "[a][]"},
      {"a", "\\n\\t\\\\", "a", "\n\t\\"},
      {"a", "\\-\\.", "a", "\\-\\."},
      {"a", "\\101\\0", "a", std::string("A\0", 2)},
      {"1$", "X", "11\n", "1X\n"},
      {"1\\Z", "X", "11\n", "11\n"},
      {"(?i)ABC", "x", "abcABC", "xx"},
      {"a{,2}", "X", "aaa", "XXX"},
      {"a{,}", "X", "aa", "XX"},
      {"a{x}", "X", "a{x}", "X"},
      {"[[:digit:]]", "X", "1[:]", "1[X"},
      {"[]a]", "X", "]a", "XX"},
      {"\\u0041\\x42\\U00000043", "x", "ABC", "x"},
      {"\\v", "x", "a\x0b\n", "ax\n"},
      {"\\d+", "#", "\xD9\xA1\xD9\xA2 12", "# #"},
      {"\\w", ".", "\xC3\xA9_", ".."},
      {"\\s", ".", "\x1c \xC2\xA0", "..."},
      {"(?x) \\d  # digits", "#", "1a", "#a"},
      {"(a)\\1", "X", "aab", "Xb"},
      {"\\012", "X", "a\nb", "aXb"},
      {"[\\101]", "X", "A", "X"},
      {"(?:ab)+", "X", "ababc", "Xc"},
      {"(?<=\\+)49", "X", "+49 49", "+X 49"},
      {"a(?#comment)b", "X", "ab", "X"},
      {"(?s).", "X", "\n", "X"},
      {".", "X", "\n", "\n"},
  };
  for (const Case& c : cases) {
    const Result<std::string> result = PythonSub(c.pattern, c.replacement, c.subject);
    ASSERT_TRUE(result.ok()) << c.pattern << ": " << result.error().message();
    EXPECT_EQ(*result, c.result) << c.pattern << " -> " << c.replacement;
  }
}

// Syntax that PCRE2 (or ECMAScript) accepts but Python's re rejects.
TEST(PythonSubTest, RejectsWhatPythonRejects) {
  const char* patterns[] = {
      "\\e",     "\\h",  "\\K",     "\\p{L}",    "\\Qa\\E",  "a\\z",   "\\G",     "\\o{101}",
      "\\cA",    "\\x4", "\\u12",   "\\N{DASH}", "[\\A]",    "[\\Z]",  "[\\8]",   "(?<n>a)",
      "(?|a|b)", "(?R)", "(*UTF)a", "a(?i)b",    "\\1(a)",   "(a\\1)", "(a",      "a)",
      "[a",      "+",    "a**",     "\\",        "(?P<1>a)", "(?P=)",  "(?'n'a)",
  };
  for (const char* pattern : patterns) {
    EXPECT_FALSE(PythonSub(pattern, "", "a").ok()) << pattern;
  }
}

TEST(PythonSubTest, RejectsBadReplacements) {
  for (const char* replacement :
       {"\\2", "\\g<2>", "\\g<x>", "\\g<>", "\\g1", "\\g<1", "\\q", "x\\", "\\477"}) {
    EXPECT_FALSE(PythonSub("(a)", replacement, "a").ok()) << replacement;
  }
}

TEST(PythonSubTest, InvalidUtf8SubjectIsAnError) { EXPECT_FALSE(PythonSub("a", "b", "a\xFF").ok()); }

TEST(PythonSubTest, CatastrophicBacktrackingHitsTheLimit) {
  const Result<std::string> result = PythonSub("(a+)+$", "x", std::string(40, 'a') + "b");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("limit"), std::string::npos) << result.error().message();
}

TEST(PythonPatternTest, Translations) {
  struct Case {
    const char* python;
    const char* pcre2;
  };
  const Case cases[] = {
      {"a\\Zb", "a\\zb"},
      {"[[]", "[\\[]"},
      {"a{,3}", "a{0,3}"},
      {"\\v", "\\x0b"},
      {"\\x41", "\\x{41}"},
      {"(a)\\1", "(a)\\g{1}"},
      {"\\0", "\\o{0}"},
      {"(?u)a", "a"},
      {"(?i-s:a)", "(?i-s:a)"},
      {"[]]", "[\\]]"},
      {"[^]]", "[^\\]]"},
      {"{", "\\{"},
      {"\\s\\S", "[\\s\\x1c-\\x1f][^\\s\\x1c-\\x1f]"},
  };
  for (const Case& c : cases) {
    const Result<std::string> translated = TranslatePythonPattern(c.python);
    ASSERT_TRUE(translated.ok()) << c.python << ": " << translated.error().message();
    EXPECT_EQ(*translated, c.pcre2) << c.python;
  }
}

}  // namespace
}  // namespace osprey::mfa::sms
