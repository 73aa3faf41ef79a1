// The throughput ceiling for docs/benchmarks.md: a keep-alive Boost.Beast server on the same
// thread-pool shape as vigil serve that answers every request with a fixed JSON body.
// usage: trivial_beast_server PORT [THREADS] [coalesce]
// `coalesce` sends each answer after the handlers already queued, as vigil serve does (for comparison
// only: the ceiling docs/benchmarks.md reports is the plain handler).
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::string_view kBody =
    R"({"verdict":"benign","score":0.01,"severity":"INFO","reasons":[],"cached":false,"took_us":1})";

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& s, bool coalesce) : stream_(std::move(s)), coalesce_(coalesce) {}
    void read() {
        req_ = {};
        http::async_read(stream_, buffer_, req_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

private:
    void on_read(beast::error_code ec, size_t) {
        if (ec) return;
        res_ = {};
        res_.version(req_.version());
        res_.result(http::status::ok);
        res_.set(http::field::content_type, "application/json");
        res_.body() = std::string(kBody);
        res_.keep_alive(req_.keep_alive());
        res_.prepare_payload();
        if (coalesce_) {
            asio::post(stream_.get_executor(), [self = shared_from_this()] { self->send(); });
        } else {
            send();
        }
    }
    void send() {
        http::async_write(stream_, res_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }
    void on_write(beast::error_code ec, size_t) {
        if (ec || !res_.keep_alive()) return;
        read();
    }
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> req_;
    http::response<http::string_body> res_;
    bool coalesce_;
};

void accept(asio::io_context& io, tcp::acceptor& acceptor, bool coalesce) {
    acceptor.async_accept(asio::make_strand(io), [&io, &acceptor, coalesce](beast::error_code ec, tcp::socket s) {
        if (!ec) {
            s.set_option(tcp::no_delay(true));
            std::make_shared<Session>(std::move(s), coalesce)->read();
        }
        accept(io, acceptor, coalesce);
    });
}

}  // namespace

int main(int argc, char** argv) {
    const auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 8099);
    const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    const bool coalesce = argc > 3 && std::string_view(argv[3]) == "coalesce";
    asio::io_context io(threads);
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
    accept(io, acceptor, coalesce);
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
    io.run();
}
