// Port and ICMP type -> NSL-KDD service names (the 70 values that occur in KDDTrain+).
#include <iterator>

#include "vigil/traffic/connection_features.hpp"

namespace vigil::traffic {
namespace {

// Ids are indexes into this table; 0 and 1 are the fallbacks.
constexpr std::string_view kServices[] = {
    "other", "private",
    // ICMP
    "ecr_i", "urp_i", "urh_i", "red_i", "eco_i", "tim_i", "oth_i",
    // UDP
    "domain_u", "tftp_u", "ntp_u",
    // TCP
    "IRC", "X11", "Z39_50", "aol", "auth", "bgp", "courier", "csnet_ns", "ctf", "daytime", "discard", "domain",
    "echo", "efs", "exec", "finger", "ftp", "ftp_data", "gopher", "harvest", "hostnames", "http", "http_2784",
    "http_443", "http_8001", "imap4", "iso_tsap", "klogin", "kshell", "ldap", "link", "login", "mtp", "name",
    "netbios_dgm", "netbios_ns", "netbios_ssn", "netstat", "nnsp", "nntp", "pm_dump", "pop_2", "pop_3",
    "printer", "remote_job", "rje", "shell", "smtp", "sql_net", "ssh", "sunrpc", "supdup", "systat", "telnet",
    "time", "uucp", "uucp_path", "vmnet", "whois"};
static_assert(std::size(kServices) <= kServiceIdCount);

// consteval: a misspelt name fails the build instead of becoming "other".
consteval uint8_t id_of(std::string_view name) {
    for (size_t i = 0; i < std::size(kServices); ++i) {
        if (kServices[i] == name) return static_cast<uint8_t>(i);
    }
    throw "unknown NSL-KDD service name";
}

constexpr uint8_t kOther = 0;
constexpr uint8_t kPrivate = 1;

uint8_t unknown_port(uint16_t port) { return port >= 49152 ? kPrivate : kOther; }

uint8_t tcp_service(uint16_t port) {
    if (port >= 6000 && port <= 6063) return id_of("X11");
    switch (port) {
        case 7: return id_of("echo");
        case 9: return id_of("discard");
        case 11: return id_of("systat");
        case 13: return id_of("daytime");
        case 15: return id_of("netstat");
        case 20: return id_of("ftp_data");
        case 21: return id_of("ftp");
        case 22: return id_of("ssh");
        case 23: return id_of("telnet");
        case 25: return id_of("smtp");
        case 37: return id_of("time");
        case 42: return id_of("name");
        case 43: return id_of("whois");
        case 53: return id_of("domain");
        case 57: return id_of("mtp");
        case 70: return id_of("gopher");
        case 71: case 72: case 73: case 74: return id_of("remote_job");
        case 5: case 77: return id_of("rje");
        case 79: return id_of("finger");
        case 80: return id_of("http");
        case 84: return id_of("ctf");
        case 95: return id_of("supdup");
        case 101: return id_of("hostnames");
        case 102: return id_of("iso_tsap");
        case 105: return id_of("csnet_ns");
        case 109: return id_of("pop_2");
        case 110: return id_of("pop_3");
        case 111: return id_of("sunrpc");
        case 113: return id_of("auth");
        case 117: return id_of("uucp_path");
        case 119: return id_of("nntp");
        case 137: return id_of("netbios_ns");
        case 138: return id_of("netbios_dgm");
        case 139: return id_of("netbios_ssn");
        case 143: return id_of("imap4");
        case 150: return id_of("sql_net");
        case 175: return id_of("vmnet");
        case 179: return id_of("bgp");
        case 194: case 6667: return id_of("IRC");
        case 210: return id_of("Z39_50");
        case 245: return id_of("link");
        case 389: return id_of("ldap");
        case 433: return id_of("nnsp");
        case 443: return id_of("http_443");
        case 512: return id_of("exec");
        case 513: return id_of("login");
        case 514: return id_of("shell");
        case 515: return id_of("printer");
        case 520: return id_of("efs");
        case 530: return id_of("courier");
        case 540: return id_of("uucp");
        case 543: return id_of("klogin");
        case 544: return id_of("kshell");
        case 2784: return id_of("http_2784");
        case 5190: return id_of("aol");
        case 8001: return id_of("http_8001");
        default: return unknown_port(port);
    }
}

uint8_t udp_service(uint16_t port) {
    switch (port) {
        case 53: return id_of("domain_u");
        case 69: return id_of("tftp_u");
        case 123: return id_of("ntp_u");
        case 137: return id_of("netbios_ns");
        case 138: return id_of("netbios_dgm");
        default: return unknown_port(port);
    }
}

uint8_t icmp_service(uint16_t first_type, bool v6) {
    if (v6) {
        switch (first_type) {
            case 128: return id_of("eco_i");
            case 129: return id_of("ecr_i");
            case 1: return id_of("urp_i");
            case 137: return id_of("red_i");
            default: return id_of("oth_i");
        }
    }
    switch (first_type) {
        case 8: return id_of("eco_i");
        case 0: return id_of("ecr_i");
        case 3: return id_of("urp_i");
        case 5: return id_of("red_i");
        case 13: case 14: return id_of("tim_i");
        default: return id_of("oth_i");
    }
}

}  // namespace

uint8_t service_id(const Connection& c) {
    switch (c.protocol) {
        case ip_proto::kTcp: return tcp_service(c.resp_port);
        case ip_proto::kUdp: return udp_service(c.resp_port);
        case ip_proto::kIcmp: return icmp_service(c.resp_port, c.orig.family == 6);
        default: return kOther;
    }
}

std::string_view service_name_of_id(uint8_t id) { return id < std::size(kServices) ? kServices[id] : kServices[0]; }

std::string_view service_name(const Connection& c) { return service_name_of_id(service_id(c)); }

std::string_view protocol_name(uint8_t protocol) {
    switch (protocol) {
        case ip_proto::kTcp: return "tcp";
        case ip_proto::kUdp: return "udp";
        case ip_proto::kIcmp:
        case ip_proto::kIcmpV6: return "icmp";
        default: return "other";
    }
}

}  // namespace vigil::traffic
