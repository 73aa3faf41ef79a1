#pragma once
// A small blocking HTTP/1.1 client (Boost.Beast; HTTPS with OpenSSL, peer and host name verified) for
// fetching feeds and for the `vigil lookup` reference client. Not for the request hot path.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "vigil/core/result.hpp"

namespace vigil::intel {

struct HttpReply {
    unsigned status = 0;
    std::string content_type;
    std::string body;
};

struct HttpClientOptions {
    std::chrono::milliseconds timeout{15000};  // per socket operation
    size_t max_body_bytes = size_t{256} << 20;
    // PEM file of CA certificates trusted for https in addition to the system's (a private feed server's own
    // CA); empty: the system's only. Peer and host name are verified either way.
    std::string ca_file;
};

// url: http://host[:port]/path?query or https://...; method "GET" or "POST".
Result<HttpReply> http_request(std::string_view method, std::string_view url, std::string_view body = {},
                               std::string_view content_type = {}, const HttpClientOptions& options = {});

}  // namespace vigil::intel
