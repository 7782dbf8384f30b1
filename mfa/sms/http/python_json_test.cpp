// json.loads / json.dumps / float() / repr() compatibility, each expected value as CPython 3.11 prints it.
#include "mfa/sms/http/python_json.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace osprey::mfa::sms {
namespace {

// "str(json.loads(input))" for scalars, or "dumps" of the parsed value; "<raw>" when json.loads raises.
std::string Loaded(std::string_view input) {
  const std::optional<PyValue> value = ParsePythonJson(input);
  return value ? PythonRepr(*value) : "<raw>";
}

TEST(PythonJsonTest, LoadsLikePython) {
  struct Case {
    const char* input;
    const char* repr;  // repr(json.loads(input))
  };
  const Case cases[] = {
      {R"(["+4915112345678"])", "['+4915112345678']"},
      {R"("Your OTP code is: 287082")", "'Your OTP code is: 287082'"},
      {"287082", "287082"},
      {"012345", "<raw>"},
      {"+4915112345678", "<raw>"},
      {"true", "True"},
      {"false", "False"},
      {"null", "None"},
      {"1.50", "1.5"},
      {"1e3", "1000.0"},
      {"-0", "0"},
      {"-0.0", "-0.0"},
      {"1E+2", "100.0"},
      {"1e400", "inf"},
      {"-1e400", "-inf"},
      {"1e-400", "0.0"},
      {"123456789012345678901234567890", "123456789012345678901234567890"},
      {"NaN", "nan"},
      {"Infinity", "inf"},
      {"-Infinity", "-inf"},
      {"nan", "<raw>"},
      {"-NaN", "<raw>"},
      {" \t\n\r42 \r\n", "42"},
      {"\v42", "<raw>"},
      {"1.", "<raw>"},
      {".5", "<raw>"},
      {"1e", "<raw>"},
      {"01", "<raw>"},
      {"1 2", "<raw>"},
      {"", "<raw>"},
      {R"("Say "hi" 287082")", "<raw>"},
      {"\"line\nbreak\"", "<raw>"},
      {R"("back\slash")", "<raw>"},
      {R"("tab\tand\u00e9\/")", "'tab\\tandé/'"},
      {R"("\ud83d\ude00")", "'\xF0\x9F\x98\x80'"},
      {R"("\ud800")", "'\\ud800'"},
      {R"("\u12")", "<raw>"},
      {"Your OTP: 287082", "<raw>"},
      {"[\xE2\x80\x9E+49\xE2\x80\x9D]", "<raw>"},
      {"[1, [2, {\"a\": null}], []]", "[1, [2, {'a': None}], []]"},
      {R"({"a": 1, "b": 2, "a": 3})", "{'a': 3, 'b': 2}"},
      {"[1,]", "<raw>"},
      {R"({"a":1,})", "<raw>"},
      {"{'a': 1}", "<raw>"},
      {"[1] x", "<raw>"},
      {"\xEF\xBB\xBF"
       "1",
       "<raw>"},
      {R"("it's")", "\"it's\""},
      {R"("both ' and \"")", "'both \\' and \"'"},
  };
  for (const Case& c : cases) EXPECT_EQ(Loaded(c.input), c.repr) << c.input;
}

TEST(PythonJsonTest, NestingBeyondPythonsRecursionLimitDoesNotParse) {
  EXPECT_NE(Loaded(std::string(500, '[') + std::string(500, ']')), "<raw>");
  EXPECT_EQ(Loaded(std::string(5000, '[') + std::string(5000, ']')), "<raw>");
}

TEST(PythonJsonTest, DumpsLikePython) {
  struct Case {
    const char* input;  // parsed with json.loads first
    const char* dumped;
  };
  const Case cases[] = {
      {R"({"to":["+4915112345678"],"text":"Your OTP code is: 287082"})",
       R"({"to": ["+4915112345678"], "text": "Your OTP code is: 287082"})"},
      {"{}", "{}"},
      {"[]", "[]"},
      {"[1.50, 1e3, 1e16, 1e-5, 0.0001, 123456789.125, -0.0]",
       "[1.5, 1000.0, 1e+16, 1e-05, 0.0001, 123456789.125, -0.0]"},
      {"[true, false, null, 12345678901234567890123]", "[true, false, null, 12345678901234567890123]"},
      {R"("\u00e9\u20ac\ud83d\ude00")", R"("\u00e9\u20ac\ud83d\ude00")"},
      {R"("\ud800 lone")", R"("\ud800 lone")"},
      {R"("q\" b\\ \/ \b\f\n\r\t \u0001 \u007f ~")", R"("q\" b\\ / \b\f\n\r\t \u0001 \u007f ~")"},
  };
  for (const Case& c : cases) {
    const std::optional<PyValue> value = ParsePythonJson(c.input);
    ASSERT_TRUE(value) << c.input;
    const Result<std::string> dumped = DumpPythonJson(*value);
    ASSERT_TRUE(dumped.ok()) << c.input;
    EXPECT_EQ(*dumped, c.dumped) << c.input;
  }
}

TEST(PythonJsonTest, DumpsRejectsNonFiniteFloats) {
  for (const char* input : {"NaN", "[1, Infinity]", R"({"a": -Infinity})", "1e400"}) {
    const Result<std::string> dumped = DumpPythonJson(*ParsePythonJson(input));
    ASSERT_FALSE(dumped.ok()) << input;
    EXPECT_EQ(dumped.error().message(), "Out of range float values are not JSON compliant");
  }
}

TEST(PythonJsonTest, InvalidUtf8IsDumpedAsReplacementCharacter) {
  EXPECT_EQ(*DumpPythonJson(PyValue::String("a\xFF")), R"("a\ufffd")");
}

TEST(PythonTextTest, FloatRepr) {
  struct Case {
    double value;
    const char* repr;
  };
  const Case cases[] = {{1.5, "1.5"},
                        {1000.0, "1000.0"},
                        {0.1, "0.1"},
                        {1e16, "1e+16"},
                        {1e15, "1000000000000000.0"},
                        {1.5e-7, "1.5e-07"},
                        {1e-4, "0.0001"},
                        {1e100, "1e+100"},
                        {-2.5e-300, "-2.5e-300"},
                        {0.0, "0.0"},
                        {-0.0, "-0.0"},
                        {123.456, "123.456"},
                        {NAN, "nan"},
                        {-INFINITY, "-inf"},
                        {INFINITY, "inf"}};
  for (const Case& c : cases) EXPECT_EQ(PythonFloatRepr(c.value), c.repr);
}

TEST(PythonTextTest, ParseFloatAcceptsWhatPythonFloatAccepts) {
  struct Case {
    const char* text;
    double value;
  };
  const Case cases[] = {{"3", 3},    {" 0.2 ", 0.2}, {"+1.5", 1.5},   {"-2", -2},         {"1e3", 1000},
                        {".5", 0.5}, {"5.", 5},      {"1_000", 1000}, {"1_0.2_5", 10.25}, {"\t7\n", 7}};
  for (const Case& c : cases) {
    const Result<double> parsed = ParsePythonFloat(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text;
    EXPECT_DOUBLE_EQ(*parsed, c.value) << c.text;
  }
  EXPECT_TRUE(std::isinf(*ParsePythonFloat("Infinity")));
  EXPECT_TRUE(std::isinf(*ParsePythonFloat("-inf")));
  EXPECT_TRUE(std::isnan(*ParsePythonFloat("NaN")));
  for (const char* text : {"", "abc", "1__0", "_1", "1_", "1e", "--1", "1,5", "0x10", "1 2", "."}) {
    const Result<double> parsed = ParsePythonFloat(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().message(), "could not convert string to float: '" + std::string(text) + "'");
  }
}

TEST(PythonTextTest, StrOfValues) {
  struct Case {
    const char* json;
    const char* str;
  };
  const Case cases[] = {{"\"text\"", "text"},
                        {"true", "True"},
                        {"null", "None"},
                        {"1.50", "1.5"},
                        {"[1, \"a\"]", "[1, 'a']"},
                        {"{\"k\": [null]}", "{'k': [None]}"},
                        {R"(["a\nb\u0000\u00e9\u00a0"])", R"(['a\nb\x00é\xa0'])"}};
  for (const Case& c : cases) EXPECT_EQ(PythonStr(*ParsePythonJson(c.json)), c.str) << c.json;
}

}  // namespace
}  // namespace osprey::mfa::sms
