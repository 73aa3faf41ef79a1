#pragma once
// A tiny HTTPS server on 127.0.0.1 (free port) for tests, with the test-only identity in tests/data/tls:
// answers every request with a fixed status and body, then closes. Peers that fail the handshake (they do
// not trust the certificate, or check another host name) are counted.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "support/loopback_listener.hpp"

namespace vigil::testing {

class LocalHttpsServer {
public:
    LocalHttpsServer(const std::string& cert_file, const std::string& key_file, std::string body)
        : body_(std::move(body)) {
        ctx_ = SSL_CTX_new(TLS_server_method());
        if (ctx_ == nullptr || SSL_CTX_use_certificate_chain_file(ctx_, cert_file.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx_, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
            return;
        }
        const auto listener = listen_on_loopback();
        fd_ = listener.fd;
        port_ = listener.port;
        if (port_ != 0) thread_ = std::thread([this] { run(); });
    }
    ~LocalHttpsServer() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        if (fd_ >= 0) ::close(fd_);
        if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    }
    LocalHttpsServer(const LocalHttpsServer&) = delete;
    LocalHttpsServer& operator=(const LocalHttpsServer&) = delete;

    uint16_t port() const { return port_; }
    int answered() const { return answered_.load(); }
    int failed_handshakes() const { return failed_handshakes_.load(); }

private:
    void run() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            timeval tv{2, 0};
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            {
                const std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx_), SSL_free);
                SSL_set_fd(ssl.get(), c);
                if (SSL_accept(ssl.get()) == 1) {
                    serve(ssl.get());
                    SSL_shutdown(ssl.get());
                } else {
                    ++failed_handshakes_;
                    ERR_clear_error();
                }
            }
            ::close(c);
        }
    }

    void serve(SSL* ssl) {
        std::string req;
        char buf[4096];
        while (req.find("\r\n\r\n") == std::string::npos) {
            const int n = SSL_read(ssl, buf, sizeof buf);
            if (n <= 0) return;
            req.append(buf, static_cast<size_t>(n));
        }
        const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                                     std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n" + body_;
        if (SSL_write(ssl, response.data(), static_cast<int>(response.size())) > 0) ++answered_;
    }

    SSL_CTX* ctx_ = nullptr;
    int fd_ = -1;
    uint16_t port_ = 0;
    std::string body_;
    std::atomic<bool> stop_{false};
    std::atomic<int> answered_{0};
    std::atomic<int> failed_handshakes_{0};
    std::thread thread_;
};

}  // namespace vigil::testing
