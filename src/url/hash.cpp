// SHA-256 hash prefixes of lookup expressions (Safe Browsing v4 "URLs and Hashing").
#include <openssl/evp.h>

#include <cassert>
#include <memory>

#include "vigil/url/url.hpp"

namespace vigil::url {

namespace {

// OpenSSL 3 looks the algorithm up again on every EVP_sha256() digest (an "implicit fetch"), which costs
// more than hashing a short expression: fetch it once, and reuse one digest context per thread
// (about 3x faster per lookup expression, see docs/benchmarks.md "Threat intel").
const EVP_MD* sha256_md() {
    static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);  // lives as long as the process
    return md;
}

struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Sha256Digest sha256(std::string_view data) {
    Sha256Digest digest{};
    unsigned int size = 0;
    thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
    // These only fail on allocation failure or a missing SHA-256 provider; both are fatal
    // misconfigurations of OpenSSL rather than bad input.
    int ok = ctx != nullptr && sha256_md() != nullptr && EVP_DigestInit_ex2(ctx.get(), sha256_md(), nullptr) == 1 &&
             EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
             EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) == 1;
    if (!ok) ok = EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr);
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
