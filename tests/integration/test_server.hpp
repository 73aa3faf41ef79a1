#pragma once
// Starts the real `vigil serve` binary on a free loopback port and speaks raw HTTP/1.1 to it.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace vigil::testing {

struct HttpResult {
    int status = 0;  // 0 = connection failed / closed without a response
    std::string status_line;  // e.g. "HTTP/1.1 200 OK"
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

// One keep-alive connection.
class HttpConnection {
public:
    explicit HttpConnection(uint16_t port);
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    bool connected() const { return fd_ >= 0; }
    bool send_raw(std::string_view bytes);
    // Reads one response (Content-Length framed). status 0 on EOF/timeout. A response to HEAD has a
    // Content-Length but no body: pass with_body = false.
    HttpResult read_response(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000),
                             bool with_body = true);
    HttpResult request(std::string_view method, std::string_view target, std::string_view body = {},
                       std::string_view content_type = "application/json");
    // True when the peer closed the connection within `timeout`.
    bool wait_closed(std::chrono::milliseconds timeout);

private:
    int fd_ = -1;
    std::string buffer_;
};

class TestServer {
public:
    // Extra flags go to `vigil serve` (e.g. {"--read-timeout-ms", "300"}).
    explicit TestServer(std::vector<std::string> extra_flags = {});
    ~TestServer();

    uint16_t port() const { return port_; }
    const std::filesystem::path& db_path() const { return db_path_; }
    bool running() const { return pid_ > 0 && port_ != 0; }
    // Sends SIGTERM and waits; returns the exit status (or -1 on timeout/kill).
    int terminate(std::chrono::milliseconds timeout = std::chrono::milliseconds(15000));
    std::string output() const;  // what the server printed so far

    HttpResult post_json(std::string_view target, std::string_view body);
    HttpResult get(std::string_view target);

private:
    pid_t pid_ = -1;
    uint16_t port_ = 0;
    std::filesystem::path dir_;
    std::filesystem::path db_path_;
    std::filesystem::path log_path_;
};

std::filesystem::path vigil_binary();
// The model the tests serve: $VIGIL_TEST_MODEL_DIR, else the bundled models/url.
std::filesystem::path model_dir();

}  // namespace vigil::testing
