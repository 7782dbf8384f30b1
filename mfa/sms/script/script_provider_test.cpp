#include "mfa/sms/script/script_provider.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace osprey::mfa::sms {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits up to 5 s for `path` to exist and be complete (scripts write to a temporary name and rename).
bool AppearsSoon(const fs::path& path) {
  for (int i = 0; i < 500 && !fs::exists(path); ++i) std::this_thread::sleep_for(10ms);
  return fs::exists(path);
}

// The pids of this process's children that are zombies.
std::vector<int> ZombieChildren() {
  std::vector<int> zombies;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string stat = Slurp(entry.path() / "stat");
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid == ::getpid() && state == 'Z') zombies.push_back(std::stoi(entry.path().filename().string()));
  }
  return zombies;
}

class ScriptProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "osprey-script-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    scripts_ = root_ / "scripts";
    out_ = root_ / "out";
    fs::create_directories(scripts_ / "sub");
    fs::create_directories(out_);
    provider_ = MakeScriptSmsProvider(scripts_, 2s);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Writes an sh script (mode `mode`) at `path`; "@OUT@" in `body` stands for the output directory.
  void Script(const fs::path& path, std::string body, fs::perms mode = fs::perms(0755)) {
    for (std::size_t p = body.find("@OUT@"); p != std::string::npos; p = body.find("@OUT@")) {
      body.replace(p, 5, out_.string());
    }
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(path, mode);
  }

  GatewayDefinition Gateway(const std::string& script, const std::string& background = "wait") {
    GatewayDefinition g;
    g.name = "script-gw";
    g.module = std::string(kScriptModule);
    g.options = {{"script", script}, {"background", background}};
    return g;
  }

  fs::path root_, scripts_, out_;
  std::unique_ptr<SmsProvider> provider_;
};

TEST_F(ScriptProviderTest, DescribesPrivacyIdeasParameters) {
  const ProviderDescriptor d = provider_->Describe();
  EXPECT_EQ(d.module, kScriptModule);
  EXPECT_FALSE(d.options_allowed);
  EXPECT_FALSE(d.headers_allowed.has_value());
  ASSERT_EQ(d.parameters.size(), 3u);
  EXPECT_TRUE(d.parameters.at("script").required);
  EXPECT_FALSE(d.parameters.at("REGEXP").required);
  EXPECT_TRUE(d.parameters.at("background").required);
  EXPECT_EQ(d.parameters.at("background").values, (std::vector<std::string>{"background", "wait"}));
}

TEST_F(ScriptProviderTest, WaitPassesThePhoneAsArgumentAndTheTextOnStdin) {
  Script(scripts_ / "send.sh",
         "printf '%s' \"$1\" > @OUT@/phone\ncat > @OUT@/text\npwd > @OUT@/cwd\n"
         "printf '%s' \"$OSPREY_SCRIPT_TEST_SECRET\" > @OUT@/env\n"
         "if [ -e /proc/$$/fd/57 ]; then echo open; else echo closed; fi > @OUT@/fd");
  ::setenv("OSPREY_SCRIPT_TEST_SECRET", "leaked", 1);
  const int inherited = ::fcntl(STDERR_FILENO, F_DUPFD, 57);  // not close-on-exec
  ASSERT_EQ(inherited, 57);
  const std::string text = "Your OTP is: 287082 $(touch pwned) `id`; \"quoted\"\nsecond line";
  const Status sent = provider_->Send(Gateway("send.sh"), "+49 151 12345678", text);
  ::close(inherited);
  ::unsetenv("OSPREY_SCRIPT_TEST_SECRET");
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(Slurp(out_ / "phone"), "+49 151 12345678");
  EXPECT_EQ(Slurp(out_ / "text"), text);
  EXPECT_EQ(Slurp(out_ / "cwd"), fs::canonical(scripts_).string() + "\n");
  EXPECT_EQ(Slurp(out_ / "env"), "");
  EXPECT_EQ(Slurp(out_ / "fd"), "closed\n");
  EXPECT_FALSE(fs::exists(scripts_ / "pwned"));
}

TEST_F(ScriptProviderTest, AppliesRegexpAndRunsScriptsInSubdirectories) {
  Script(scripts_ / "sub" / "send.sh", "printf '%s' \"$1\" > @OUT@/phone");
  GatewayDefinition g = Gateway("sub/send.sh");
  g.options["REGEXP"] = "/\\+/00/";
  ASSERT_TRUE(provider_->Send(g, "+4915112345678", "x").ok());
  EXPECT_EQ(Slurp(out_ / "phone"), "004915112345678");
}

TEST_F(ScriptProviderTest, ANonZeroExitCodeFailsTheSend) {
  Script(scripts_ / "fail.sh", "cat > /dev/null; exit 3");
  const Status sent = provider_->Send(Gateway("fail.sh"), "123", "text");
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().message(), "SMS could not be sent: exit code 3");
}

TEST_F(ScriptProviderTest, TimeoutKillsTheWholeProcessGroup) {
  Script(scripts_ / "hang.sh", "sleep 30 &\necho $! > @OUT@/child.tmp\nmv @OUT@/child.tmp @OUT@/child\nwait");
  auto provider = MakeScriptSmsProvider(scripts_, 500ms);
  const auto start = std::chrono::steady_clock::now();
  const Status sent = provider->Send(Gateway("hang.sh"), "123", "text");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code(), ErrorCode::kTimeout);
  EXPECT_EQ(sent.error().message(), "SMS could not be sent: the script did not finish within 500 ms");
  EXPECT_LT(elapsed, 3s);
  ASSERT_TRUE(AppearsSoon(out_ / "child"));
  // The script's own child (sleep) was in the group: it is gone, or a zombie waiting for init.
  const std::string pid = Slurp(out_ / "child").substr(0, Slurp(out_ / "child").find('\n'));
  std::string state;
  for (int i = 0; i < 100; ++i) {
    const std::string stat = Slurp("/proc/" + pid + "/stat");
    state = stat.empty() ? "" : stat.substr(stat.rfind(')') + 2, 1);
    if (state.empty() || state == "Z") break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(state.empty() || state == "Z") << "sleep " << pid << " is still in state " << state;
  EXPECT_TRUE(ZombieChildren().empty());
}

TEST_F(ScriptProviderTest, BackgroundReturnsAtOnceAndReapsTheScript) {
  Script(scripts_ / "slow.sh", "cat > @OUT@/text.tmp\nsleep 0.3\nmv @OUT@/text.tmp @OUT@/text\nexit 1");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(provider_->Send(Gateway("slow.sh", "background"), "123", "hello").ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 250ms);
  EXPECT_FALSE(fs::exists(out_ / "text"));
  ASSERT_TRUE(AppearsSoon(out_ / "text"));
  EXPECT_EQ(Slurp(out_ / "text"), "hello");
  std::vector<int> zombies = ZombieChildren();
  for (int i = 0; i < 100 && !zombies.empty(); ++i) {
    std::this_thread::sleep_for(20ms);
    zombies = ZombieChildren();
  }
  EXPECT_TRUE(zombies.empty());
}

TEST_F(ScriptProviderTest, RefusesScriptsOutsideTheDirectoryAndRunsNothing) {
  Script(root_ / "outside.sh", "touch @OUT@/ran");
  Script(scripts_ / "inside.sh", "touch @OUT@/ran");
  Script(scripts_ / "noexec.sh", "touch @OUT@/ran", fs::perms(0644));
  fs::create_symlink(root_ / "outside.sh", scripts_ / "escape.sh");
  fs::create_symlink(root_, scripts_ / "up");
  fs::create_symlink(scripts_ / "inside.sh", scripts_ / "alias.sh");
  struct Case {
    std::string script;
    std::string message;
  };
  const Case cases[] = {
      {"", "no script configured (option script)"},
      {(root_ / "outside.sh").string(), "the script must be named relative to the script directory"},
      {"../outside.sh", "the script name must not contain '..'"},
      {"sub/../../outside.sh", "the script name must not contain '..'"},
      {"escape.sh", "script 'escape.sh' leads outside the script directory"},
      {"up/outside.sh", "script 'up/outside.sh' leads outside the script directory"},
      {"noexec.sh", "script 'noexec.sh' is not an executable file"},
      {"sub", "script 'sub' is not an executable file"},
      {"missing.sh", "script 'missing.sh' does not exist in the script directory"},
  };
  for (const Case& c : cases) {
    const Status sent = provider_->Send(Gateway(c.script), "123", "text");
    ASSERT_FALSE(sent.ok()) << c.script;
    EXPECT_EQ(sent.error().code(), ErrorCode::kFailedPrecondition) << c.script;
    EXPECT_EQ(sent.error().message(), "SMS could not be sent: " + c.message) << c.script;
  }
  EXPECT_FALSE(fs::exists(out_ / "ran"));
  // A link that stays inside the directory is fine.
  ASSERT_TRUE(provider_->Send(Gateway("alias.sh"), "123", "text").ok());
  EXPECT_TRUE(fs::exists(out_ / "ran"));
  auto missing_dir = MakeScriptSmsProvider(root_ / "nope")->Send(Gateway("inside.sh"), "123", "text");
  EXPECT_EQ(missing_dir.error().message(),
            "SMS could not be sent: the script directory " + (root_ / "nope").string() + " does not exist");
}

}  // namespace
}  // namespace osprey::mfa::sms
