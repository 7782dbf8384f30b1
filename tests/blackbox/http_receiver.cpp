#include "tests/blackbox/http_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace osprey::blackbox {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string HttpReceiver::Received::Header(const std::string& name) const {
  const std::string lower = Lower(head);
  const std::string key = "\r\n" + Lower(name) + ":";
  const std::size_t at = lower.find(key);
  if (at == std::string::npos) return "";
  std::size_t begin = at + key.size();
  const std::size_t end = head.find("\r\n", begin);
  while (begin < end && head[begin] == ' ') ++begin;
  return head.substr(begin, end - begin);
}

HttpReceiver::HttpReceiver(std::vector<Answer> script) : script_(std::move(script)) {
  if (script_.empty()) script_.push_back(Answer{});
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  listen(fd_, 64);
  thread_ = std::thread([this] { Serve(); });
}

HttpReceiver::~HttpReceiver() {
  stop_ = true;
  thread_.join();
  for (int c : hanging_) close(c);
  close(fd_);
}

std::vector<HttpReceiver::Received> HttpReceiver::Requests() const {
  std::lock_guard lock(mu_);
  return received_;
}

std::vector<std::string> HttpReceiver::Bodies() const {
  std::vector<std::string> bodies;
  for (const Received& r : Requests()) bodies.push_back(r.body);
  return bodies;
}

void HttpReceiver::Serve() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const int c = accept(fd_, nullptr, nullptr);
    if (c < 0) continue;
    Received request = ReadRequest(c);
    Answer answer;
    {
      std::lock_guard lock(mu_);
      answer = script_[std::min(received_.size(), script_.size() - 1)];
      received_.push_back(std::move(request));
      if (answer.hang) {
        hanging_.push_back(c);
        continue;
      }
    }
    const std::string reply =
        "HTTP/1.1 " + std::to_string(answer.status) +
        " X\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(answer.body.size()) +
        "\r\nConnection: close\r\n\r\n" + answer.body;
    (void)!write(c, reply.data(), reply.size());
    close(c);
  }
}

HttpReceiver::Received HttpReceiver::ReadRequest(int c) {
  std::string data;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::size_t end = std::string::npos;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{c, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = read(c, buf, sizeof buf);
    if (n <= 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    end = data.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    std::size_t length = 0;
    const std::string lower = Lower(data.substr(0, end));
    if (auto cl = lower.find("content-length:"); cl != std::string::npos) {
      length = std::stoul(lower.substr(cl + 15));
    }
    if (data.size() >= end + 4 + length) break;
  }
  Received r;
  if (end == std::string::npos) {
    r.head = data;
    return r;
  }
  r.head = data.substr(0, end);
  r.request_line = r.head.substr(0, r.head.find("\r\n"));
  r.body = data.substr(end + 4);
  return r;
}

}  // namespace osprey::blackbox
