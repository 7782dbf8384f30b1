#include "osprey/core/logging.hpp"

#include <unistd.h>

#include <chrono>
#include <memory>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace osprey::logging {
namespace {

// One JSON object per line: {"time":...,"level":...,"logger":...,"msg":...}. spdlog's pattern language cannot
// escape the message, so this formatter builds the line itself.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto since = msg.time.time_since_epoch();
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since - secs).count();
    std::time_t t = secs.count();
    std::tm tm{};
    gmtime_r(&t, &tm);
    auto level = spdlog::level::to_string_view(msg.level);
    fmt::format_to(std::back_inserter(dest),
                   R"({{"time":"{:%Y-%m-%dT%H:%M:%S}.{:06d}Z","level":"{}","logger":"{}","msg":"{}"}})", tm,
                   micros, std::string(level.data(), level.size()),
                   JsonEscape(std::string(msg.logger_name.data(), msg.logger_name.size())),
                   JsonEscape(std::string(msg.payload.data(), msg.payload.size())));
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

std::string JsonEscape(const std::string& text) {
  std::string quoted = nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

Status SetupLogging(const LogOptions& options) {
  auto level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    return Error(ErrorCode::kInvalidArgument, "unknown log level '" + options.level + "'");
  }
  if (options.format != "text" && options.format != "json") {
    return Error(ErrorCode::kInvalidArgument, "unknown log format '" + options.format + "' (text or json)");
  }
  spdlog::sink_ptr sink;
  if (!options.file.empty()) {
    try {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file);
    } catch (const spdlog::spdlog_ex& e) {
      return Error(ErrorCode::kUnavailable, std::string("cannot open log file: ") + e.what());
    }
  } else if (options.format == "text" && isatty(STDERR_FILENO)) {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  if (options.format == "json") {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ [%n] %v");
  }
  auto main_logger = std::make_shared<spdlog::logger>("osprey", sink);
  main_logger->set_level(level);
  main_logger->flush_on(spdlog::level::warn);
  auto access = std::make_shared<spdlog::logger>("access", sink);
  access->set_level(options.access_log ? level : spdlog::level::off);
  spdlog::drop_all();
  spdlog::register_logger(access);
  spdlog::set_default_logger(main_logger);
  spdlog::flush_every(std::chrono::seconds(1));
  return OkStatus();
}

}  // namespace osprey::logging
