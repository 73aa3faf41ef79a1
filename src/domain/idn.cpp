#include "vigil/domain/idn.hpp"

#include <idn2.h>

#include <memory>

namespace vigil::domain {
namespace {

struct Idn2Free {
    void operator()(char* p) const { idn2_free(p); }
};
using Idn2String = std::unique_ptr<char, Idn2Free>;

bool is_ascii(std::string_view s) {
    for (unsigned char c : s) {
        if (c >= 0x80) return false;
    }
    return true;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool has_punycode_label(std::string_view host) {
    size_t start = 0;
    while (start <= host.size()) {
        if (host.size() - start >= 4 && lower(host[start]) == 'x' && lower(host[start + 1]) == 'n' &&
            host[start + 2] == '-' && host[start + 3] == '-') {
            return true;
        }
        size_t dot = host.find('.', start);
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return false;
}

Result<std::string> to_ascii(std::string_view host_utf8) {
    if (host_utf8.find('\0') != std::string_view::npos) {
        return make_error(ErrorCode::kInvalidArgument, "host contains a NUL byte");
    }
    if (is_ascii(host_utf8)) {
        std::string out(host_utf8);
        for (char& c : out) c = lower(c);
        return out;
    }
    const std::string input(host_utf8);
    char* raw = nullptr;
    int rc = idn2_to_ascii_8z(input.c_str(), &raw, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
        // Some real hosts (e.g. with symbols) only pass the transitional (IDNA 2003-like) mapping.
        raw = nullptr;
        rc = idn2_to_ascii_8z(input.c_str(), &raw, IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
    }
    Idn2String out(raw);
    if (rc != IDN2_OK || !out) {
        return make_error(ErrorCode::kInvalidArgument,
                          std::string("invalid internationalized host: ") + idn2_strerror(rc));
    }
    return std::string(out.get());
}

Result<std::string> to_unicode(std::string_view host_ascii) {
    if (host_ascii.find('\0') != std::string_view::npos) {
        return make_error(ErrorCode::kInvalidArgument, "host contains a NUL byte");
    }
    if (!has_punycode_label(host_ascii)) return std::string(host_ascii);
    const std::string input(host_ascii);
    char* raw = nullptr;
    const int rc = idn2_to_unicode_8z8z(input.c_str(), &raw, 0);
    Idn2String out(raw);
    if (rc != IDN2_OK || !out) {
        return make_error(ErrorCode::kInvalidArgument,
                          std::string("invalid punycode host: ") + idn2_strerror(rc));
    }
    return std::string(out.get());
}

}  // namespace vigil::domain
