#pragma once
// HTTP/1.1 keep-alive server on an Asio thread pool (Boost.Beast). Parses requests with size
// limits and read timeouts, hands plain HttpRequest values to the Router, writes responses.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "vigil/api/event_feed.hpp"
#include "vigil/api/router.hpp"
#include "vigil/core/result.hpp"
#include "vigil/server/http_metrics.hpp"

namespace vigil::server {

struct HttpServerOptions {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;  // 0 = any free port
    unsigned threads = 0;  // 0 = hardware concurrency
    size_t max_body_bytes = 1 << 20;
    size_t max_header_bytes = 16 * 1024;
    std::chrono::milliseconds read_timeout{10000};
    std::chrono::milliseconds shutdown_grace{5000};
    // Scheduler time slice the request threads ask for (Linux 6.6+ EEVDF, sched_setattr's sched_runtime):
    // a thread with a shorter slice gets an earlier deadline, so a woken request thread preempts batch
    // work sooner. 0 = the kernel's default. Best effort: ignored where the kernel does not support it.
    std::chrono::microseconds scheduler_slice{0};
};

class HttpServer {
public:
    HttpServer(HttpServerOptions options, const api::Router& router, HttpMetrics& metrics);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Serves `path` as a WebSocket endpoint that pushes every message published on `feed` as a text frame
    // (WS /ws/alerts). Call before run(); `feed` must outlive the server.
    void add_event_feed(std::string path, api::EventFeed& feed);

    // Binds and listens; returns the bound port.
    Result<uint16_t> listen();
    // Runs the thread pool until SIGTERM/SIGINT or stop(); then stops accepting, lets in-flight
    // requests finish (up to shutdown_grace) and returns.
    void run();
    // Thread-safe request to shut down gracefully.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::server
