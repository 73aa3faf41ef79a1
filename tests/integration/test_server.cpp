#include "test_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace vigil::testing {

std::filesystem::path vigil_binary() { return std::filesystem::path(VIGIL_BINARY_DIR) / "vigil"; }

std::filesystem::path model_dir() {
    if (const char* dir = std::getenv("VIGIL_TEST_MODEL_DIR"); dir != nullptr && *dir != '\0') return dir;
    return std::filesystem::path(VIGIL_SOURCE_DIR) / "models" / "url";
}

HttpConnection::HttpConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        fd_ = -1;
        return;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

HttpConnection::~HttpConnection() {
    if (fd_ >= 0) ::close(fd_);
}

bool HttpConnection::send_raw(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

namespace {

// Reads more bytes into `buf`; false on EOF, error or timeout.
bool read_some(int fd, std::string& buf, std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char tmp[65536];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
    return true;
}

}  // namespace

HttpResult HttpConnection::read_response(std::chrono::milliseconds timeout, bool with_body) {
    HttpResult result;
    if (fd_ < 0) return result;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!read_some(fd_, buffer_, deadline)) return result;
    }
    std::istringstream head(buffer_.substr(0, header_end));
    std::string line;
    std::getline(head, line);
    if (line.size() < 12) return result;
    result.status = std::atoi(line.c_str() + 9);
    result.status_line = line.substr(0, line.find_last_not_of('\r') + 1);
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        result.headers[name] = value;
    }
    size_t length = result.headers.count("content-length") && with_body ? std::stoul(result.headers["content-length"]) : 0;
    size_t body_start = header_end + 4;
    while (buffer_.size() < body_start + length) {
        if (!read_some(fd_, buffer_, deadline)) {
            result.status = 0;
            return result;
        }
    }
    result.body = buffer_.substr(body_start, length);
    buffer_.erase(0, body_start + length);
    return result;
}

HttpResult HttpConnection::request(std::string_view method, std::string_view target, std::string_view body,
                                   std::string_view content_type) {
    std::string req;
    req.reserve(body.size() + 256);
    req.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (!body.empty() || method == "POST") {
        if (!content_type.empty()) req.append("Content-Type: ").append(content_type).append("\r\n");
        req.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    }
    req.append("\r\n").append(body);
    if (!send_raw(req)) return {};
    return read_response();
}

bool HttpConnection::wait_closed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, 50);
        if (r > 0) {
            char tmp[4096];
            ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
            if (n <= 0) return true;
        }
    }
    return false;
}

TestServer::TestServer(std::vector<std::string> extra_flags) {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("vigil-it-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    db_path_ = dir_ / "vigil.db";
    log_path_ = dir_ / "server.log";
    std::vector<std::string> args = {vigil_binary().string(), "serve", "--listen", "127.0.0.1:0", "--db",
                                     db_path_.string(), "--model",
                                     model_dir().string(),
                                     "--threads", "2"};
    args.insert(args.end(), extra_flags.begin(), extra_flags.end());
    pid_ = ::fork();
    if (pid_ == 0) {
        int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    // Wait for the "listening on http://host:port" line.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        std::string out = output();
        auto at = out.find("listening on http://127.0.0.1:");
        if (at != std::string::npos) {
            port_ = static_cast<uint16_t>(std::atoi(out.c_str() + at + std::strlen("listening on http://127.0.0.1:")));
            return;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

TestServer::~TestServer() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

int TestServer::terminate(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
}

std::string TestServer::output() const {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

HttpResult TestServer::post_json(std::string_view target, std::string_view body) {
    HttpConnection c(port_);
    return c.request("POST", target, body);
}

HttpResult TestServer::get(std::string_view target) {
    HttpConnection c(port_);
    return c.request("GET", target);
}

}  // namespace vigil::testing
