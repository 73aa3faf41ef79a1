// SHA-256 hash prefixes of lookup expressions (Safe Browsing v4 "URLs and Hashing").
#include <openssl/evp.h>

#include <cassert>

#include "vigil/url/url.hpp"

namespace vigil::url {

Sha256Digest sha256(std::string_view data) {
    Sha256Digest digest{};
    unsigned int size = 0;
    // EVP_Digest only fails on allocation failure or a missing SHA-256 provider; both are fatal
    // misconfigurations of OpenSSL rather than bad input.
    const int ok = EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr);
    assert(ok == 1 && size == digest.size());
    (void)ok;
    return digest;
}

std::string to_hex(const uint8_t* data, size_t size) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(size * 2, '0');
    for (size_t i = 0; i < size; ++i) {
        out[2 * i] = kHex[data[i] >> 4];
        out[2 * i + 1] = kHex[data[i] & 0xF];
    }
    return out;
}

std::string hash_prefix_hex(std::string_view data, size_t prefix_bytes) {
    const Sha256Digest digest = sha256(data);
    if (prefix_bytes > digest.size()) prefix_bytes = digest.size();
    return to_hex(digest.data(), prefix_bytes);
}

}  // namespace vigil::url
