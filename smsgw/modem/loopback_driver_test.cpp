#include "smsgw/modem/loopback_driver.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace osprey::smsgw::modem {
namespace {

OutgoingPart Part(std::int64_t id, bool report = false) {
  OutgoingPart p;
  p.message_id = id;
  p.number = "+4912345";
  p.text = "hi";
  p.coding = "standard";
  p.request_report = report;
  return p;
}

class CapturingListener : public ModemListener {
 public:
  bool OnIncomingSms(const IncomingSms&) override { return true; }
  bool OnDeliveryReport(const DeliveryReport& r) override {
    std::lock_guard lock(mu);
    reports.push_back(r);
    return true;
  }
  std::mutex mu;
  std::vector<DeliveryReport> reports;
};

TEST(LoopbackDriverTest, AssignsIncreasingReferencesModulo256) {
  LoopbackDriver driver(3, std::chrono::milliseconds(0));
  EXPECT_EQ(driver.modem_no(), 3);
  for (int i = 0; i < 258; ++i) {
    SubmitResult r = driver.Submit(Part(i, true));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().message_reference, i % 256);
    EXPECT_TRUE(r.value().report_requested);
  }
  EXPECT_EQ(driver.AcceptedCount(), 258u);
}

TEST(LoopbackDriverTest, FailsAndTimesOutWhenTold) {
  LoopbackDriver driver(1, std::chrono::milliseconds(0));
  driver.FailNext(1, 42);
  SubmitResult transient = driver.Submit(Part(1));
  ASSERT_FALSE(transient.ok());
  EXPECT_EQ(transient.failure().error_class, SubmitErrorClass::kTransient);
  EXPECT_EQ(transient.failure().cms_error, 42);
  driver.FailNext(1, 1);
  EXPECT_EQ(driver.Submit(Part(2)).failure().error_class, SubmitErrorClass::kPermanent);
  driver.TimeOutNext(1);
  SubmitResult unknown = driver.Submit(Part(3));
  EXPECT_EQ(unknown.failure().error_class, SubmitErrorClass::kUnknown);
  EXPECT_FALSE(unknown.failure().cms_error.has_value());
  EXPECT_TRUE(driver.Submit(Part(4)).ok());
  EXPECT_EQ(driver.Records().size(), 4u);
  EXPECT_EQ(driver.AcceptedCount(), 1u);
}

TEST(LoopbackDriverTest, EmitsDeliveryReportsForAcceptedParts) {
  LoopbackDriver driver(2, std::chrono::milliseconds(0));
  CapturingListener listener;
  EXPECT_FALSE(driver.EmitDeliveryReport(0, 0, {}));
  driver.SetListener(&listener);
  int mr = driver.Submit(Part(7, true)).value().message_reference;
  EXPECT_FALSE(driver.EmitDeliveryReport(mr + 1, 0, {}));
  ASSERT_TRUE(driver.EmitDeliveryReport(mr, 0x46, {}));
  ASSERT_EQ(listener.reports.size(), 1u);
  EXPECT_EQ(listener.reports[0].modem_no, 2);
  EXPECT_EQ(listener.reports[0].recipient, "+4912345");
  EXPECT_EQ(listener.reports[0].tp_status, 0x46);
}

TEST(LoopbackDriverTest, RecordsConcurrentSubmissions) {
  LoopbackDriver driver(1, std::chrono::milliseconds(0));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&driver, t] {
      for (int i = 0; i < 100; ++i) (void)driver.Submit(Part(t * 100 + i));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(driver.AcceptedCount(), 400u);
}

TEST(ModemDriverRegistryTest, BuildsLoopbackByName) {
  ModemDriverRegistry registry;
  RegisterBuiltinModemDrivers(registry);
  DriverConfig config;
  config.modem_no = 5;
  config.params["delay_ms"] = "0";
  auto driver = registry.Create("loopback", config);
  ASSERT_TRUE(driver.ok());
  EXPECT_EQ((*driver)->modem_no(), 5);
  EXPECT_FALSE(registry.Create("gammu", config).ok());
  config.params["delay_ms"] = "-1";
  EXPECT_THROW((void)registry.Create("loopback", config), std::invalid_argument);
}

// record_file: one line per accepted part, appended by every driver that shares the file; failed and
// unanswered submissions leave no line.
TEST(LoopbackDriverTest, RecordFileGetsOneLinePerAcceptedPart) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("osprey-loopback-" + std::to_string(::getpid()) + ".jsonl"))
          .string();
  std::filesystem::remove(path);
  ModemDriverRegistry registry;
  RegisterBuiltinModemDrivers(registry);
  DriverConfig config;
  config.params["record_file"] = path;
  config.modem_no = 1;
  auto first = registry.Create("loopback", config);
  config.modem_no = 2;
  auto second = registry.Create("loopback", config);
  ASSERT_TRUE(first.ok() && second.ok());
  auto& failing = static_cast<LoopbackDriver&>(**first);
  failing.FailNext(1, 500);
  EXPECT_FALSE(failing.Submit(Part(7)).ok());
  OutgoingPart two = Part(7);
  two.part_no = 2;
  EXPECT_TRUE(failing.Submit(two).ok());
  EXPECT_TRUE((*second)->Submit(Part(8)).ok());
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(),
            "{\"message_id\":7,\"part\":2,\"number\":\"+4912345\",\"mr\":0}\n"
            "{\"message_id\":8,\"part\":1,\"number\":\"+4912345\",\"mr\":0}\n");
  std::filesystem::remove(path);

  config.params["record_file"] = "/nonexistent-dir/x.jsonl";
  EXPECT_THROW((void)registry.Create("loopback", config), std::invalid_argument);
}

}  // namespace
}  // namespace osprey::smsgw::modem
