// The request HttpSMSProvider builds: every row of spec §13.2's parameter table in JSON, form and GET mode,
// and every row of §13.3 (request line, query/body encoding, Content-Type). Expected encodings are
// python-requests'.
#include "mfa/sms/http/http_sms_request.hpp"

#include <gtest/gtest.h>

#include "mfa/sms/http/http_sms_provider.hpp"
#include "mfa/sms/http/http_sms_test_support.hpp"

namespace osprey::mfa::sms {
namespace {

using testing::Gateway;
using testing::KeyValues;

constexpr char kUrl[] = "http://gw.example/send";
constexpr char kPhone[] = "+4915112345678";
constexpr char kOtp[] = "287082";
constexpr const char* kFails = nullptr;

enum class Mode { kJson, kForm, kGet };

// Python's dict.setdefault: a key the case gives keeps its value.
void SetDefault(KeyValues& options, const char* key, const char* value) {
  if (options.count(key) == 0) options[key] = value;
}

KeyValues ModeOptions(Mode mode, KeyValues options) {
  SetDefault(options, "URL", kUrl);
  if (mode != Mode::kGet) SetDefault(options, "HTTP_METHOD", "POST");
  if (mode == Mode::kJson) SetDefault(options, "SEND_DATA_AS_JSON", "yes");
  return options;
}

Result<http::ClientRequest> Build(Mode mode, KeyValues options, const std::string& text = kOtp,
                                  KeyValues headers = {}) {
  return HttpSmsProvider::BuildRequest(Gateway(ModeOptions(mode, std::move(options)), std::move(headers)),
                                       kPhone, text);
}

// What the gateway receives for one parameter `p`: the JSON body, the form body, or the query string.
std::string Received(Mode mode, const http::ClientRequest& request) {
  if (mode != Mode::kGet) return request.body;
  const std::size_t question = request.url.find('?');
  return question == std::string::npos ? "" : request.url.substr(question + 1);
}

TEST(HttpSmsParametersTest, SpecTableInEveryMode) {
  struct Case {
    const char* option;  // the value of option "p"
    const char* text;    // the SMS text ({otp})
    const char* json;    // JSON body, or kFails
    const char* form;    // form body and query string
  };
  const Case cases[] = {
      {"[\"{phone}\"]", kOtp, R"({"p": ["+4915112345678"]})", "p=%2B4915112345678"},
      {"\"Your OTP code is: {otp}\"", kOtp, R"({"p": "Your OTP code is: 287082"})",
       "p=Your+OTP+code+is%3A+287082"},
      {"{otp}", kOtp, R"({"p": 287082})", "p=287082"},
      {"012345", kOtp, R"({"p": "012345"})", "p=012345"},
      {"{phone}", kOtp, R"({"p": "+4915112345678"})", "p=%2B4915112345678"},
      {"true", kOtp, R"({"p": true})", "p=True"},
      {"null", kOtp, R"({"p": null})", ""},
      {"1.50", kOtp, R"({"p": 1.5})", "p=1.5"},
      {"\"Say \"hi\" {otp}\"", kOtp, R"({"p": "\"Say \"hi\" 287082\""})", "p=%22Say+%22hi%22+287082%22"},
      {"\"{otp}\"", "two\nlines", R"({"p": "\"two\nlines\""})", "p=%22two%0Alines%22"},
      {"\"{otp}\"", "C:\\dir", R"({"p": "\"C:\\dir\""})", "p=%22C%3A%5Cdir%22"},
      {"\"{otp}\"", "tab\\there", R"({"p": "tab\there"})", "p=tab%09here"},
      {"Your OTP: {otp}", kOtp, R"({"p": "Your OTP: 287082"})", "p=Your+OTP%3A+287082"},
      {"[\xE2\x80\x9E{phone}\xE2\x80\x9D]", kOtp, R"({"p": "[\u201e+4915112345678\u201d]"})",
       "p=%5B%E2%80%9E%2B4915112345678%E2%80%9D%5D"},
      {"NaN", kOtp, kFails, "p=nan"},
      // Further consequences of the JSON-parse rule.
      {"Infinity", kOtp, kFails, "p=inf"},
      {"1e3", kOtp, R"({"p": 1000.0})", "p=1000.0"},
      {"-0", kOtp, R"({"p": 0})", "p=0"},
      {" 42 ", kOtp, R"({"p": 42})", "p=42"},
      {"false", kOtp, R"({"p": false})", "p=False"},
      {"{\"a\": 1, \"b\": null}", kOtp, R"({"p": {"a": 1, "b": null}})", "p=a&p=b"},
      {"[1, null, \"x y\", [2, null], {\"k\": 1}, true]", kOtp,
       R"({"p": [1, null, "x y", [2, null], {"k": 1}, true]})", "p=1&p=x+y&p=2&p=None&p=k&p=True"},
      {"[[[1, \"a\"]]]", kOtp, R"({"p": [[[1, "a"]]]})", "p=%5B1%2C+%27a%27%5D"},
      {"[]", kOtp, R"({"p": []})", ""},
      {"", kOtp, R"({"p": ""})", "p="},
      {"\"\\u00e9\"", kOtp, R"({"p": "\u00e9"})", "p=%C3%A9"},
      {"{otp}",
       "Gr\xC3\xBC\xC3\x9F"
       "e 287082",
       R"({"p": "Gr\u00fc\u00dfe 287082"})", "p=Gr%C3%BC%C3%9Fe+287082"},
  };
  for (const Case& c : cases) {
    for (const Mode mode : {Mode::kJson, Mode::kForm, Mode::kGet}) {
      const Result<http::ClientRequest> request = Build(mode, {{"p", c.option}}, c.text);
      const char* expected = mode == Mode::kJson ? c.json : c.form;
      if (expected == kFails) {
        ASSERT_FALSE(request.ok()) << c.option;
        EXPECT_EQ(request.error().message(), "Out of range float values are not JSON compliant");
        continue;
      }
      ASSERT_TRUE(request.ok()) << c.option << ": " << request.error().message();
      EXPECT_EQ(Received(mode, *request), expected) << c.option << " mode " << static_cast<int>(mode);
    }
  }
}

TEST(HttpSmsParametersTest, LoneSurrogateCannotBeFormEncoded) {
  EXPECT_TRUE(Build(Mode::kJson, {{"p", "\"\\ud800\""}}).ok());
  for (const Mode mode : {Mode::kForm, Mode::kGet}) {
    const Result<http::ClientRequest> request = Build(mode, {{"p", "\"\\ud800\""}});
    ASSERT_FALSE(request.ok());
    EXPECT_NE(request.error().message().find("surrogates not allowed"), std::string::npos);
  }
}

TEST(HttpSmsParametersTest, WhichOptionsBecomeParameters) {
  const KeyValues options = {{"RETURN_SUCCESS", "ID"},
                             {"RETURN_FAIL", "x"},
                             {"REGEXP", "/a/b/"},
                             {"TIMEOUT", "5"},
                             {"USERNAME", "u"},
                             {"PASSWORD", "pw"},
                             {"CHECK_SSL", "no"},
                             {"PROXY", "x"},
                             {"HTTP_PROXY", "http://p"},
                             {"HTTPS_PROXY", "http://p"},
                             {"url", "lower"},
                             {"Timeout", "{phone}"},
                             {"{otp}", "key"}};
  const Result<http::ClientRequest> request = Build(Mode::kForm, options);
  ASSERT_TRUE(request.ok()) << request.error().message();
  EXPECT_EQ(request->body, "url=lower&Timeout=%2B4915112345678&%7Botp%7D=key");  // in option order
}

TEST(HttpSmsParametersTest, OtpIsReplacedBeforePhoneAndPhoneAfterRegexp) {
  const Result<http::ClientRequest> request =
      Build(Mode::kForm, {{"p", "{otp}|{phone}"}, {"REGEXP", "/^\\+/00/"}}, "code {phone}");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->body, "p=code+004915112345678%7C004915112345678");
}

TEST(HttpSmsParametersTest, UnusableRegexpLeavesTheNumberUnchanged) {
  for (const char* regexp : {"/+/00/", "/\\./\\//", "+/00/", "/\\+/\\g<x>/"}) {
    const Result<http::ClientRequest> request = Build(Mode::kForm, {{"p", "{phone}"}, {"REGEXP", regexp}});
    ASSERT_TRUE(request.ok()) << regexp;
    EXPECT_EQ(request->body, "p=%2B4915112345678") << regexp;
  }
}

TEST(HttpSmsRequestTest, ModesOfSection13_3) {
  struct Case {
    Mode mode;
    const char* url;
    KeyValues options;
    const char* method;
    const char* final_url;
    const char* body;
    const char* content_type;  // "" = none
  };
  const Case cases[] = {
      {Mode::kGet, "http://gw/send", {{"p", "a b"}}, "GET", "http://gw/send?p=a+b", "", ""},
      {Mode::kGet, "http://gw/send?key=1", {{"p", "x"}}, "GET", "http://gw/send?key=1&p=x", "", ""},
      {Mode::kGet, "http://gw/send?", {{"p", "x"}}, "GET", "http://gw/send?p=x", "", ""},
      {Mode::kGet, "http://gw/send?k=1#frag", {{"p", "x"}}, "GET", "http://gw/send?k=1&p=x#frag", "", ""},
      {Mode::kGet, "http://gw/send?k=1", {}, "GET", "http://gw/send?k=1", "", ""},
      {Mode::kGet, "http://gw/send", {{"p", "null"}}, "GET", "http://gw/send", "", ""},
      // URL normalisation as python-requests (urllib3) does it.
      {Mode::kGet,
       "http://gw/a b/\xC3\xA9?q=%7e%zz",
       {},
       "GET",
       "http://gw/a%20b/%C3%A9?q=%257E%25zz",
       "",
       ""},
      {Mode::kGet, "http://gw/p?a=%7e%2f%41", {}, "GET", "http://gw/p?a=~%2FA", "", ""},
      {Mode::kGet,
       "http://gw/p[1]?a=[x]&b=\"q\"|^`{}\\<>!$&'()*+,;=:@/?",
       {},
       "GET",
       "http://gw/p%5B1%5D?a=%5Bx%5D&b=%22q%22%7C%5E%60%7B%7D%5C%3C%3E!$&'()*+,;=:@/?",
       "",
       ""},
      {Mode::kGet, "http://gw/%4?q=%zz", {{"p", "%"}}, "GET", "http://gw/%254?q=%25zz&p=%25", "", ""},
      {Mode::kForm, "http://gw/send?", {}, "POST", "http://gw/send", "", ""},
      {Mode::kForm,
       "http://gw/send?k=1",
       {{"p", "x"}, {"q", "1"}},
       "POST",
       "http://gw/send?k=1",
       "p=x&q=1",
       "application/x-www-form-urlencoded"},
      {Mode::kForm,
       "http://gw/send",
       {{"p", "null"}},
       "POST",
       "http://gw/send",
       "",
       "application/x-www-form-urlencoded"},
      {Mode::kForm, "http://gw/send", {}, "POST", "http://gw/send", "", ""},
      {Mode::kJson,
       "http://gw/send",
       {{"p", "x"}},
       "POST",
       "http://gw/send",
       R"({"p": "x"})",
       "application/json"},
      {Mode::kJson, "http://gw/send", {}, "POST", "http://gw/send", "{}", "application/json"},
      {Mode::kForm,
       "http://gw/send",
       {{"p", "x"}, {"SEND_DATA_AS_JSON", "Yes"}},
       "POST",
       "http://gw/send",
       "p=x",
       "application/x-www-form-urlencoded"},
      {Mode::kGet,
       "http://gw/send",
       {{"p", "x"}, {"SEND_DATA_AS_JSON", "yes"}},
       "GET",
       "http://gw/send?p=x",
       "",
       ""},
  };
  for (const Case& c : cases) {
    KeyValues options = c.options;
    options["URL"] = c.url;
    const Result<http::ClientRequest> request = Build(c.mode, options);
    ASSERT_TRUE(request.ok()) << c.url << ": " << request.error().message();
    EXPECT_EQ(request->method, c.method) << c.url;
    EXPECT_EQ(request->url, c.final_url) << c.url;
    EXPECT_EQ(request->body, c.body) << c.url;
    EXPECT_EQ(std::string(request->headers.Get("Content-Type").value_or("")), c.content_type) << c.url;
  }
}

TEST(HttpSmsRequestTest, HeadersAreSentVerbatimAndAConfiguredContentTypeWins) {
  const KeyValues headers = {{"X-Otp", "{otp}"}, {"content-type", "text/plain"}, {"X-Empty", ""}};
  const Result<http::ClientRequest> request = Build(Mode::kJson, {{"p", "x"}}, kOtp, headers);
  ASSERT_TRUE(request.ok());
  ASSERT_EQ(request->headers.fields().size(), 3u);
  EXPECT_EQ(request->headers.Get("X-Otp"), "{otp}");
  EXPECT_EQ(request->headers.Get("Content-Type"), "text/plain");
  EXPECT_EQ(request->headers.Get("X-Empty"), "");
}

TEST(HttpSmsRequestTest, HeadersPythonRequestsRefuses) {
  for (const KeyValues& headers : std::vector<KeyValues>{{{"X-A", "tok\r\nX-Injected: 1"}},
                                                         {{"X-A", " leading"}},
                                                         {{"X:A", "v"}},
                                                         {{" X", "v"}},
                                                         {{"", "v"}}}) {
    const Result<http::ClientRequest> request = Build(Mode::kJson, {}, kOtp, headers);
    ASSERT_FALSE(request.ok()) << headers.begin()->first;
    EXPECT_EQ(request.error().message().find("tok"), std::string::npos);
  }
}

TEST(HttpSmsRequestTest, UrlsThatAreNotHttp) {
  for (const char* url :
       {"gw.example/send", "ftp://gw/x", "mailto:x@y", "http:///x", "http://user:pw@/x", ""}) {
    const Result<http::ClientRequest> request = Build(Mode::kGet, {{"URL", url}});
    ASSERT_FALSE(request.ok()) << url;
    EXPECT_EQ(request.error().message().find("pw"), std::string::npos);
  }
  EXPECT_TRUE(Build(Mode::kGet, {{"URL", "HTTPS://gw/x"}}).ok());
}

}  // namespace
}  // namespace osprey::mfa::sms
