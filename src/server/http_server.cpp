#include "vigil/server/http_server.hpp"

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <iostream>
#include <mutex>
#include <unordered_set>
#include <thread>
#include <vector>

#include "vigil/api/problem.hpp"

namespace vigil::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

api::Method to_method(http::verb v) {
    switch (v) {
        case http::verb::get: return api::Method::kGet;
        case http::verb::post: return api::Method::kPost;
        case http::verb::put: return api::Method::kPut;
        case http::verb::delete_: return api::Method::kDelete;
        case http::verb::head: return api::Method::kHead;
        case http::verb::options: return api::Method::kOptions;
        default: return api::Method::kOther;
    }
}

// "Application/JSON; charset=utf-8" -> "application/json" (written into `buf`).
std::string_view media_type(std::string_view header, std::string& buf) {
    auto semi = header.find(';');
    header = header.substr(0, semi);
    while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
    while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) header.remove_prefix(1);
    buf.assign(header);
    std::transform(buf.begin(), buf.end(), buf.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return buf;
}

// Linux's struct sched_attr (not in glibc 2.36's headers; <linux/sched/types.h> clashes with <sched.h>).
struct SchedAttr {
    uint32_t size;
    uint32_t policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime;
    uint64_t deadline;
    uint64_t period;
};

// Asks for a scheduler slice of `slice` for the calling thread, keeping its policy (SCHED_OTHER) and nice.
void request_scheduler_slice(std::chrono::microseconds slice) {
    if (slice.count() <= 0) return;
    SchedAttr attr{};
    attr.size = sizeof attr;
    if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0 || attr.policy != SCHED_OTHER) return;
    attr.size = sizeof attr;
    attr.runtime = static_cast<uint64_t>(slice.count()) * 1000;
    (void)syscall(SYS_sched_setattr, 0, &attr, 0);
}

int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Header values come from handlers and configuration; CR and LF would split the header.
void append_header_value(std::string& out, std::string_view value) {
    for (char c : value) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
}

// Status line and headers of an HTTP/1.x response, as Beast's serializer writes them for a
// response with Content-Type, the handler's extra headers, Content-Length and, where the version's
// default differs from `keep_alive`, Connection.
void format_head(std::string& out, const api::HttpResponse& r, size_t body_size, bool keep_alive, unsigned version) {
    out.clear();
    out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    char digits[24];
    auto* end = std::to_chars(digits, digits + sizeof digits, r.status).ptr;
    out.append(digits, end);
    out.push_back(' ');
    const auto reason = http::obsolete_reason(static_cast<http::status>(r.status));
    out.append(reason.data(), reason.size());
    out += "\r\nContent-Type: ";
    append_header_value(out, r.content_type);
    out += "\r\n";
    for (const auto& [name, value] : r.headers) {
        append_header_value(out, name);
        out += ": ";
        append_header_value(out, value);
        out += "\r\n";
    }
    out += "Content-Length: ";
    end = std::to_chars(digits, digits + sizeof digits, body_size).ptr;
    out.append(digits, end);
    out += "\r\n";
    if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
    if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
    out += "\r\n";
}

class Session;

struct Shared {
    HttpServerOptions options;
    const api::Router& router;
    HttpMetrics& metrics;
    std::atomic<bool> draining{false};
    std::atomic<int> in_flight{0};
    // Open sessions, for the timeout sweeper. A session adds itself when it starts and removes
    // itself in its destructor, so a pointer in the set always refers to a live object.
    std::mutex sessions_mutex;
    std::unordered_set<Session*> sessions;
    // WebSocket paths and the feeds they push (fixed before run()).
    std::vector<std::pair<std::string, api::EventFeed*>> feeds;
};

// One WebSocket subscriber of an EventFeed. Messages are queued on the session's strand and written one at a
// time; a client that falls kMaxQueued messages behind is closed rather than buffered without bound. What the
// client sends is read and discarded (that is how its close frame is noticed).
class FeedSession : public std::enable_shared_from_this<FeedSession> {
public:
    FeedSession(tcp::socket&& socket, api::EventFeed& feed) : ws_(std::move(socket)), feed_(feed) {}
    ~FeedSession() {
        if (subscription_ != 0) feed_.unsubscribe(subscription_);
    }

    void run(http::request<http::string_body> request) {
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.read_message_max(4096);
        // Subscribe before the handshake completes: a client that sees the 101 and at once causes an event must
        // get it. Messages wait in the queue until the handshake is done.
        std::weak_ptr<FeedSession> weak = shared_from_this();
        auto executor = ws_.get_executor();
        subscription_ = feed_.subscribe([weak, executor](const api::EventFeed::Message& message) {
            if (auto self = weak.lock()) asio::post(executor, [self, message] { self->enqueue(message); });
        });
        ws_.async_accept(request, beast::bind_front_handler(&FeedSession::on_accept, shared_from_this()));
    }

private:
    static constexpr size_t kMaxQueued = 1024;

    void on_accept(beast::error_code ec) {
        if (ec) return stop();
        accepted_ = true;
        if (!queue_.empty()) write_next();
        read();
    }

    void read() {
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t n) {
            if (ec) return self->stop();
            self->buffer_.consume(n);
            self->read();
        });
    }

    void enqueue(const api::EventFeed::Message& message) {
        if (stopped_) return;
        if (queue_.size() >= kMaxQueued) {
            stop();
            beast::error_code ignored;
            beast::get_lowest_layer(ws_).socket().close(ignored);
            return;
        }
        queue_.push_back(message);
        if (accepted_ && queue_.size() == 1) write_next();
    }

    void write_next() {
        ws_.text(true);
        ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
            if (ec) return self->stop();
            self->queue_.pop_front();
            if (!self->queue_.empty()) self->write_next();
        });
    }

    void stop() {
        stopped_ = true;
        queue_.clear();
        if (subscription_ != 0) feed_.unsubscribe(subscription_);
        subscription_ = 0;
    }

    websocket::stream<beast::tcp_stream> ws_;
    api::EventFeed& feed_;
    uint64_t subscription_ = 0;
    beast::flat_buffer buffer_;
    std::deque<api::EventFeed::Message> queue_;
    bool accepted_ = false;
    bool stopped_ = false;
};

// Timeouts: instead of arming a timer for every read (which re-programs the reactor and wakes
// the other I/O thread each time: ~10 % of throughput here), a session publishes the deadline of
// the I/O it waits for, and one sweeper per server closes sessions past their deadline.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {}
    ~Session() {
        std::lock_guard lock(shared_.sessions_mutex);
        shared_.sessions.erase(this);
    }

    void start() {
        {
            std::lock_guard lock(shared_.sessions_mutex);
            shared_.sessions.insert(this);
        }
        read_request();
    }

    // Called by the sweeper with sessions_mutex held: returns the session when it is overdue. The
    // caller closes it after unlocking, since dropping the last reference runs ~Session, which
    // takes sessions_mutex.
    std::shared_ptr<Session> take_if_overdue(int64_t now_ms) {
        const int64_t deadline = deadline_ms_.load(std::memory_order_relaxed);
        if (deadline == 0 || now_ms < deadline) return nullptr;
        auto self = weak_from_this().lock();  // empty when being destroyed
        if (self) deadline_ms_.store(0, std::memory_order_relaxed);
        return self;
    }

    // Closes on the session's own strand: socket operations are not thread-safe.
    static void close_later(std::shared_ptr<Session> session) {
        auto executor = session->stream_.get_executor();
        asio::post(executor, [s = std::move(session)] { s->close(); });
    }

private:
    void read_request() {
        parser_.emplace();
        parser_->body_limit(shared_.options.max_body_bytes);
        parser_->header_limit(static_cast<uint32_t>(shared_.options.max_header_bytes));
        deadline_ms_.store(steady_ms() + shared_.options.read_timeout.count(), std::memory_order_relaxed);
        http::async_read(stream_.socket(), buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, size_t) {
        deadline_ms_.store(0, std::memory_order_relaxed);
        if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
            ec == asio::error::connection_reset) {
            return close();
        }
        if (ec) {
            // Malformed or oversize input is answered, then the connection is closed: after a
            // framing error the rest of the stream cannot be trusted.
            api::HttpResponse r;
            if (ec == http::error::body_limit) {
                r = api::problem(413, "body-too-large", "Payload too large",
                                 "request body exceeds " + std::to_string(shared_.options.max_body_bytes) + " bytes");
            } else if (ec == http::error::header_limit) {
                r = api::problem(431, "headers-too-large", "Request header fields too large",
                                 "request headers exceed " + std::to_string(shared_.options.max_header_bytes) + " bytes");
            } else {
                r = api::problem(400, "malformed-http", "Malformed HTTP request", ec.message());
            }
            r.close = true;
            shared_.metrics.observe("malformed", r.status, 0.0);
            return write(std::move(r), false, 11);
        }
        if (websocket::is_upgrade(parser_->get())) {
            std::string_view target(parser_->get().target().data(), parser_->get().target().size());
            target = target.substr(0, target.find('?'));
            for (auto& [path, feed] : shared_.feeds) {
                if (path != target) continue;
                shared_.metrics.observe(path, 101, 0.0);
                // The WebSocket session takes the socket over; this HTTP session ends here.
                std::make_shared<FeedSession>(stream_.release_socket(), *feed)->run(parser_->release());
                return;
            }
        }
        shared_.in_flight.fetch_add(1, std::memory_order_acq_rel);
        const auto start = std::chrono::steady_clock::now();
        auto& req = parser_->get();
        const bool keep_alive = req.keep_alive() && !shared_.draining.load(std::memory_order_relaxed);

        api::HttpRequest request;
        request.method = to_method(req.method());
        std::string_view target(req.target().data(), req.target().size());
        auto q = target.find('?');
        request.path = target.substr(0, q);
        request.query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
        auto ct = req[http::field::content_type];
        request.content_type = media_type(std::string_view(ct.data(), ct.size()), content_type_buf_);
        request.body = req.body();

        api::HttpResponse response;
        auto match = shared_.router.match(request, response);
        if (match.handler != nullptr) {
            try {
                response = (*match.handler)(request);
            } catch (const std::exception& e) {
                response = api::problem(500, "internal", "Internal error", "the request could not be processed");
                std::cerr << "vigil: handler for " << match.route_label << " threw: " << e.what() << "\n";
            }
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        shared_.metrics.observe(match.route_label, response.status, seconds);
        write(std::move(response), keep_alive, req.version(), request.method == api::Method::kHead, true);
    }

    // The head is formatted here and sent with the body in one gather write: Beast's generic serializer
    // cost ~15,000 instructions per response (buffers_cat_view iteration), more than the JSON body.
    // `coalesce` sends the answer only after the handlers already queued have run (the other requests
    // read in the same batch of ready sockets): the client then gets its answers in bursts and is woken
    // once per burst instead of once per answer. Under wrk -c32 (six alternated pairs, docs/benchmarks.md)
    // server context switches per request fell from ~0.18 to ~0.10 and server + client CPU per request by
    // ~10 %; throughput rose in five of the six pairs.
    void write(api::HttpResponse r, bool keep_alive, unsigned version, bool head = false, bool coalesce = false) {
        keep_alive_ = keep_alive && !r.close;
        body_ = std::move(r.body);
        format_head(head_, r, body_.size(), keep_alive_, version);
        counted_ = r.status != 0 && parser_.has_value() && parser_->is_done();
        // A client that stops reading its responses is closed like one that stops sending.
        deadline_ms_.store(steady_ms() + shared_.options.read_timeout.count(), std::memory_order_relaxed);
        if (coalesce) {
            asio::post(stream_.get_executor(), [self = shared_from_this(), head] { self->send(head); });
        } else {
            send(head);
        }
    }

    void send(bool head) {
        const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_),
                                                        head ? asio::const_buffer() : asio::buffer(body_)};
        asio::async_write(stream_.socket(), buffers, beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, size_t) {
        deadline_ms_.store(0, std::memory_order_relaxed);
        if (counted_) shared_.in_flight.fetch_sub(1, std::memory_order_acq_rel);
        if (ec) return close();
        if (!keep_alive_) return linger_close();
        read_request();
    }

    // Closing with unread request bytes in the socket makes the kernel send a RST, which can
    // destroy the response still in flight (a 413 for an oversize body, say). So: stop sending,
    // then read and discard what the client still sends, for a bounded time and amount.
    void linger_close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        const auto linger = std::min<int64_t>(shared_.options.read_timeout.count(), 2000);
        deadline_ms_.store(steady_ms() + linger, std::memory_order_relaxed);
        discard_ = std::make_unique<std::array<char, 16384>>();
        discard_more();
    }

    void discard_more() {
        stream_.socket().async_read_some(
            asio::buffer(*discard_), [self = shared_from_this()](beast::error_code ec, size_t n) {
                self->discarded_ += n;
                if (ec || self->discarded_ > kMaxDiscardBytes) return self->close();
                self->discard_more();
            });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.socket().close(ignored);
    }

    beast::tcp_stream stream_;
    Shared& shared_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::string head_;  // status line and headers of the response being written
    std::string body_;
    bool keep_alive_ = false;
    std::string content_type_buf_;
    bool counted_ = false;
    std::atomic<int64_t> deadline_ms_{0};  // steady ms by which the pending I/O must finish; 0 = none
    static constexpr size_t kMaxDiscardBytes = 8u << 20;
    std::unique_ptr<std::array<char, 16384>> discard_;  // only while lingering
    size_t discarded_ = 0;
};

}  // namespace

struct HttpServer::Impl {
    Impl(HttpServerOptions options, const api::Router& router, HttpMetrics& metrics)
        : shared{std::move(options), router, metrics, {false}, {0}, {}, {}, {}},
          io(static_cast<int>(threads())),
          acceptor(io),
          signals(io, SIGTERM, SIGINT),
          sweeper(io) {}

    // Checks deadlines a few times per timeout period (at least every 250 ms).
    void sweep() {
        const auto period = std::clamp(shared.options.read_timeout / 4, std::chrono::milliseconds(10),
                                       std::chrono::milliseconds(250));
        sweeper.expires_after(period);
        sweeper.async_wait([this](beast::error_code ec) {
            if (ec || shared.draining.load()) return;
            const int64_t now = steady_ms();
            std::vector<std::shared_ptr<Session>> overdue;
            {
                std::lock_guard lock(shared.sessions_mutex);
                for (Session* s : shared.sessions) {
                    if (auto session = s->take_if_overdue(now)) overdue.push_back(std::move(session));
                }
            }
            for (auto& session : overdue) Session::close_later(std::move(session));
            sweep();
        });
    }

    unsigned threads() const {
        return shared.options.threads != 0 ? shared.options.threads : std::max(1u, std::thread::hardware_concurrency());
    }

    void accept() {
        acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
            if (ec) {
                if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
                std::cerr << "vigil: accept failed: " << ec.message() << "\n";
            } else {
                socket.set_option(tcp::no_delay(true), ec);
                std::make_shared<Session>(std::move(socket), shared)->start();
            }
            if (acceptor.is_open()) accept();
        });
    }

    void begin_shutdown() {
        if (shared.draining.exchange(true)) return;
        asio::post(io, [this] {
            beast::error_code ignored;
            acceptor.close(ignored);
            signals.cancel(ignored);
            sweeper.cancel();
            wait_for_in_flight(std::chrono::steady_clock::now() + shared.options.shutdown_grace);
        });
    }

    // Polls until no request is between "read" and "written", then stops the pool. Idle
    // keep-alive connections are simply dropped.
    void wait_for_in_flight(std::chrono::steady_clock::time_point deadline) {
        if (shared.in_flight.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
            io.stop();
            return;
        }
        auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(5));
        timer->async_wait([this, timer, deadline](beast::error_code) { wait_for_in_flight(deadline); });
    }

    Shared shared;
    asio::io_context io;
    tcp::acceptor acceptor;
    asio::signal_set signals;
    asio::steady_timer sweeper;
};

HttpServer::HttpServer(HttpServerOptions options, const api::Router& router, HttpMetrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

HttpServer::~HttpServer() = default;

Result<uint16_t> HttpServer::listen() {
    beast::error_code ec;
    auto address = asio::ip::make_address(impl_->shared.options.host, ec);
    if (ec) return make_error(ErrorCode::kInvalidArgument, "bad listen address '" + impl_->shared.options.host + "'");
    tcp::endpoint endpoint(address, impl_->shared.options.port);
    auto& acc = impl_->acceptor;
    acc.open(endpoint.protocol(), ec);
    if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acc.bind(endpoint, ec);
    if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return make_error(ErrorCode::kIo, "cannot listen on " + impl_->shared.options.host + ":" +
                                              std::to_string(impl_->shared.options.port) + ": " + ec.message());
    }
    return acc.local_endpoint().port();
}

void HttpServer::run() {
    impl_->signals.async_wait([this](beast::error_code ec, int) {
        if (!ec) impl_->begin_shutdown();
    });
    impl_->accept();
    impl_->sweep();
    std::vector<std::thread> pool;
    const unsigned n = impl_->threads();
    const auto slice = impl_->shared.options.scheduler_slice;
    for (unsigned i = 1; i < n; ++i) {
        pool.emplace_back([this, slice] {
            request_scheduler_slice(slice);
            impl_->io.run();
        });
    }
    request_scheduler_slice(slice);
    impl_->io.run();
    for (auto& t : pool) t.join();
}

void HttpServer::stop() { impl_->begin_shutdown(); }

void HttpServer::add_event_feed(std::string path, api::EventFeed& feed) {
    impl_->shared.feeds.emplace_back(std::move(path), &feed);
}

}  // namespace vigil::server
