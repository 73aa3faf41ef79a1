#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 (free port) for tests: answers every request with the current
// status and body, then closes the connection. Serves feeds to `vigil serve` and to the refresher.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "support/loopback_listener.hpp"

namespace vigil::testing {

class LocalHttpServer {
public:
    LocalHttpServer() {
        const auto listener = listen_on_loopback();
        fd_ = listener.fd;
        port_ = listener.port;
        if (port_ != 0) thread_ = std::thread([this] { run(); });
    }
    ~LocalHttpServer() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        if (fd_ >= 0) ::close(fd_);
    }
    LocalHttpServer(const LocalHttpServer&) = delete;
    LocalHttpServer& operator=(const LocalHttpServer&) = delete;

    uint16_t port() const { return port_; }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
    void set(unsigned status, std::string body) {
        std::lock_guard lock(mutex_);
        status_ = status;
        body_ = std::move(body);
    }
    int requests() const { return requests_.load(); }

private:
    void run() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            std::string req;
            char buf[4096];
            while (req.find("\r\n\r\n") == std::string::npos) {
                pollfd q{c, POLLIN, 0};
                if (::poll(&q, 1, 2000) <= 0) break;
                const ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                req.append(buf, static_cast<size_t>(n));
            }
            std::string response;
            {
                std::lock_guard lock(mutex_);
                response = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Type: text/plain\r\nContent-Length: " +
                           std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n" + body_;
            }
            ++requests_;
            size_t sent = 0;
            while (sent < response.size()) {
                const ssize_t n = ::send(c, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
                if (n <= 0) break;
                sent += static_cast<size_t>(n);
            }
            ::shutdown(c, SHUT_WR);
            ::close(c);
        }
    }

    int fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    std::mutex mutex_;
    unsigned status_ = 200;
    std::string body_;
    std::thread thread_;
};

}  // namespace vigil::testing
