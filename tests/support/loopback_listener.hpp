#pragma once
// A listening TCP socket on 127.0.0.1 with a free port, for the tests' little servers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace vigil::testing {

struct LoopbackListener {
    int fd = -1;
    uint16_t port = 0;  // 0 when bind or listen failed
};

inline LoopbackListener listen_on_loopback() {
    LoopbackListener l;
    l.fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(l.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(l.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(l.fd, 16) != 0) return l;
    socklen_t len = sizeof addr;
    ::getsockname(l.fd, reinterpret_cast<sockaddr*>(&addr), &len);
    l.port = ntohs(addr.sin_port);
    return l;
}

}  // namespace vigil::testing
