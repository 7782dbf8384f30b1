// The emulator's record and traffic-log formats (recording.hpp).
#include "smsgw/emulator/recording.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace osprey::smsgw::emulator {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const Clock::TimePoint kTime =
    Clock::TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 11 / 29) + 9h + 5min + 7s + 42ms);

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TempFile {
 public:
  TempFile() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "osprey-rec.XXXXXX").string();
    int fd = ::mkstemp(tmpl.data());
    EXPECT_GE(fd, 0);
    ::close(fd);
    path_ = tmpl;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(RecordingTest, FormatsIsoUtcWithMilliseconds) {
  EXPECT_EQ(FormatIsoUtc(kTime), "2026-11-29T09:05:07.042Z");
  EXPECT_EQ(FormatIsoUtc(Clock::TimePoint{}), "1970-01-01T00:00:00.000Z");
}

TEST(RecordingTest, EscapesControlBytes) {
  EXPECT_EQ(EscapeBytes("AT\r\n"), "AT\\r\\n");
  EXPECT_EQ(EscapeBytes(std::string("0791\x1a", 5)), "0791\\x1A");
  EXPECT_EQ(EscapeBytes(std::string("a\\b\0\xff", 5)), "a\\\\b\\x00\\xFF");
}

TEST(RecordingTest, PhoneMessageLineHasTheDocumentedFields) {
  PhoneMessage m{"+4915112345678", "Hello €", 2, -1, std::chrono::minutes(1440), kTime};
  EXPECT_EQ(JsonLine(PhoneMessageJson(m)),
            R"({"class":null,"number":"+4915112345678","parts":2,"text":"Hello €",)"
            R"("time":"2026-11-29T09:05:07.042Z","validity_minutes":1440})");
  m.message_class = 0;
  m.validity.reset();
  json j = PhoneMessageJson(m);
  EXPECT_EQ(j["class"], 0);
  EXPECT_TRUE(j["validity_minutes"].is_null());
}

TEST(RecordingTest, SubmitRecordJsonHasEveryField) {
  SubmitRecord r;
  r.smsc = "+15550000000";
  r.destination = "+4915112345678";
  r.message_reference = 7;
  r.status_report_request = true;
  r.udhi = true;
  r.vp_format = sms::VpFormat::kRelative;
  r.relative_vp = 167;
  r.dcs = 8;
  r.alphabet = sms::Alphabet::kUcs2;
  r.concat = sms::Concat{300, 3, 2, true};
  r.text = "ж";
  r.cmgs_length = 20;
  r.tpdu_length = 21;
  r.time = kTime;
  r.reply_swallowed = true;
  json j = SubmitRecordJson(r);
  EXPECT_EQ(j["event"], "submit");
  EXPECT_EQ(j["mr"], 7);
  EXPECT_EQ(j["srr"], true);
  EXPECT_EQ(j["vpf"], "relative");
  EXPECT_EQ(j["vp"], 167);
  EXPECT_EQ(j["alphabet"], "ucs2");
  EXPECT_EQ(j["concat"], (json{{"ref", 300}, {"total", 3}, {"seq", 2}, {"ref16", true}}));
  EXPECT_EQ(j["length_ok"], false);
  EXPECT_EQ(j["result"], "swallowed");
  EXPECT_TRUE(j["class"].is_null());
  r.cms_error = 38;
  r.message_reference.reset();
  j = SubmitRecordJson(r);
  EXPECT_EQ(j["result"], "refused");
  EXPECT_TRUE(j["mr"].is_null());
  EXPECT_EQ(j["cms_error"], 38);
}

TEST(RecordingTest, JsonLineSurvivesInvalidUtf8) {
  EXPECT_EQ(JsonLine(json{{"text", std::string("a\xff", 2)}}), "{\"text\":\"a\xEF\xBF\xBD\"}");
}

TEST(RecordingTest, AppendFileAppendsWholeLines) {
  TempFile file;
  {
    Result<AppendFile> f = AppendFile::Open(file.path());
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->WriteLine("one").ok());
  }
  Result<AppendFile> f = AppendFile::Open(file.path());
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->WriteLine("two").ok());
  EXPECT_EQ(Slurp(file.path()), "one\ntwo\n");
  EXPECT_FALSE(AppendFile::Open("/nonexistent-dir/x").ok());
}

TEST(RecordingTest, TrafficLogWritesLinesAndMasksPin) {
  TempFile file;
  FakeClock clock(kTime);
  {
    Result<AppendFile> f = AppendFile::Open(file.path());
    ASSERT_TRUE(f.ok());
    TrafficLog log(std::move(*f), clock);
    log.FromHost("A");
    log.FromHost("T+CPIN=\"1234\"\rAT");
    log.ToHost("\r\nOK\r\n");
    log.Note("hello");
    log.Flush();
  }
  EXPECT_EQ(Slurp(file.path()),
            "2026-11-29T09:05:07.042Z >> AT+CPIN=******\\r\n"
            "2026-11-29T09:05:07.042Z << \\r\\nOK\\r\\n\n"
            "2026-11-29T09:05:07.042Z !! hello\n"
            "2026-11-29T09:05:07.042Z >> AT\n");
}

}  // namespace
}  // namespace osprey::smsgw::emulator
