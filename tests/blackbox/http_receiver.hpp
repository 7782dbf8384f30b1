// HttpReceiver: a one-thread HTTP/1.1 server on 127.0.0.1 for black-box tests, standing in for an SMS gateway
// or a webhook target. Each request gets the next answer of `script` (the last one repeats); every request is
// kept (request line, headers, body). An answer with `hang` accepts the connection and never replies (a
// gateway that stopped answering), until the receiver is destroyed. One connection at a time, `Connection:
// close`.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace osprey::blackbox {

class HttpReceiver {
 public:
  struct Answer {
    int status = 200;
    std::string body = "ok";
    bool hang = false;
  };
  struct Received {
    std::string request_line;  // "POST /path HTTP/1.1"
    std::string head;          // request line and headers, as sent
    std::string body;
    // The value of header `name` (case-insensitive), "" when absent.
    std::string Header(const std::string& name) const;
  };

  explicit HttpReceiver(std::vector<Answer> script);
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<Received> Requests() const;
  std::vector<std::string> Bodies() const;

 private:
  void Serve();
  static Received ReadRequest(int fd);

  std::vector<Answer> script_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<Received> received_;  // GUARDED_BY(mu_)
  std::vector<int> hanging_;        // GUARDED_BY(mu_): connections left unanswered
  std::thread thread_;              // last: starts after everything it uses
};

}  // namespace osprey::blackbox
