#include "vigil/intel/http_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

namespace vigil::intel {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Error io_error(std::string_view what, const boost::system::error_code& ec) {
    return make_error(ErrorCode::kIo, std::string(what) + ": " + ec.message());
}

// Blocking Asio operations ignore timers; socket timeouts bound every read and write instead.
void set_socket_timeouts(tcp::socket& socket, std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

template <class Stream>
Result<HttpReply> exchange(Stream& stream, http::request<http::string_body>& req, const HttpClientOptions& options) {
    boost::system::error_code ec;
    http::write(stream, req, ec);
    if (ec) return io_error("sending the request", ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(64 * 1024);
    http::read(stream, buffer, parser, ec);
    if (ec) return io_error("reading the response", ec);
    auto& res = parser.get();
    HttpReply reply;
    reply.status = res.result_int();
    reply.content_type = std::string(res[http::field::content_type]);
    reply.body = std::move(res.body());
    return reply;
}

}  // namespace

Result<HttpReply> http_request(std::string_view method, std::string_view url, std::string_view body,
                               std::string_view content_type, const HttpClientOptions& options) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) return make_error(ErrorCode::kInvalidArgument, "not an absolute URL: " + std::string(url));
    const std::string scheme(parsed->scheme());
    if (scheme != "http" && scheme != "https") {
        return make_error(ErrorCode::kInvalidArgument, "only http:// and https:// URLs can be fetched");
    }
    const bool tls = scheme == "https";
    const std::string host(parsed->encoded_host());
    if (host.empty()) return make_error(ErrorCode::kInvalidArgument, "URL without a host: " + std::string(url));
    const std::string port = parsed->has_port() ? std::string(parsed->port()) : (tls ? "443" : "80");
    std::string target(parsed->encoded_path());
    if (target.empty()) target = "/";
    if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());

    http::request<http::string_body> req;
    req.method(method == "POST" ? http::verb::post : http::verb::get);
    req.target(target);
    req.version(11);
    req.set(http::field::host, parsed->has_port() ? host + ":" + port : host);
    req.set(http::field::user_agent, "vigil/0.1");
    req.set(http::field::connection, "close");
    if (!body.empty() || method == "POST") {
        req.set(http::field::content_type, content_type.empty() ? "application/json" : content_type);
        req.body() = std::string(body);
        req.prepare_payload();
    }

    asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    // Brackets around an IPv6 literal are URL syntax, not part of the address.
    std::string resolve_host = host;
    if (resolve_host.size() > 2 && resolve_host.front() == '[') resolve_host = resolve_host.substr(1, resolve_host.size() - 2);
    auto endpoints = resolver.resolve(resolve_host, port, ec);
    if (ec) return io_error("resolving " + host, ec);

    if (!tls) {
        tcp::socket socket(io);
        asio::connect(socket, endpoints, ec);
        if (ec) return io_error("connecting to " + host + ":" + port, ec);
        set_socket_timeouts(socket, options.timeout);
        return exchange(socket, req, options);
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_default_verify_paths(ec);
    if (ec) return io_error("loading the system CA certificates", ec);
    if (!options.ca_file.empty()) {
        ctx.load_verify_file(options.ca_file, ec);
        if (ec) return io_error("loading CA certificates from " + options.ca_file, ec);
    }
    ctx.set_verify_mode(asio::ssl::verify_peer);
    asio::ssl::stream<tcp::socket> stream(io, ctx);
    stream.set_verify_callback(asio::ssl::host_name_verification(resolve_host));
    if (!SSL_set_tlsext_host_name(stream.native_handle(), resolve_host.c_str())) {
        return make_error(ErrorCode::kIo, "cannot set TLS server name");
    }
    asio::connect(stream.next_layer(), endpoints, ec);
    if (ec) return io_error("connecting to " + host + ":" + port, ec);
    set_socket_timeouts(stream.next_layer(), options.timeout);
    stream.handshake(asio::ssl::stream_base::client, ec);
    if (ec) return io_error("TLS handshake with " + host, ec);
    auto reply = exchange(stream, req, options);
    stream.shutdown(ec);  // the peer may just close; nothing to do about it
    return reply;
}

}  // namespace vigil::intel
