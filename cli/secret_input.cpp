#include "cli/secret_input.hpp"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <string>

namespace osprey::cli {

Secret ReadSecretLine(const char* prompt) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  const bool restore = tty && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) std::cerr << prompt << std::flush;
  if (restore) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (restore) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  Secret s(line);
  std::fill(line.begin(), line.end(), '\0');
  return s;
}

Result<Secret> ReadNewPassword() {
  if (::isatty(STDIN_FILENO) == 0) return ReadSecretLine("");
  Secret first = ReadSecretLine("Password: ");
  Secret second = ReadSecretLine("Confirm password: ");
  if (!first.Equals(second)) return Error(ErrorCode::kInvalidArgument, "the passwords do not match");
  return first;
}

}  // namespace osprey::cli
