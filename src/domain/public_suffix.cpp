#include "vigil/domain/public_suffix.hpp"

#include <libpsl.h>

#include <array>
#include <cstring>
#include <system_error>

namespace vigil::domain {
namespace {

constexpr const char* kDebianDafsa = "/usr/share/publicsuffix/public_suffix_list.dafsa";
constexpr const char* kDebianDat = "/usr/share/publicsuffix/public_suffix_list.dat";

// libpsl wants NUL-terminated input; hosts are short, so copy into a stack buffer (no heap on the
// hot path) and fall back to a std::string only for absurdly long names.
class CString {
public:
    explicit CString(std::string_view s) {
        if (s.size() < buf_.size()) {
            std::memcpy(buf_.data(), s.data(), s.size());
            buf_[s.size()] = '\0';
            ptr_ = buf_.data();
        } else {
            heap_.assign(s);
            ptr_ = heap_.c_str();
        }
    }
    const char* c_str() const { return ptr_; }

private:
    std::array<char, 256> buf_{};
    std::string heap_;
    const char* ptr_ = nullptr;
};

bool looks_like_ip(std::string_view host) {
    if (host.empty()) return false;
    if (host.front() == '[') return true;
    for (char c : host) {
        if ((c < '0' || c > '9') && c != '.') return false;
    }
    return true;
}

}  // namespace

struct PublicSuffixList::Impl {
    // Owned unless it is libpsl's static built-in context (which must not be freed).
    psl_ctx_t* owned = nullptr;
    const psl_ctx_t* ctx = nullptr;
    std::string source;
    ~Impl() {
        if (owned != nullptr) psl_free(owned);
    }
};

PublicSuffixList::PublicSuffixList(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PublicSuffixList::PublicSuffixList(PublicSuffixList&&) noexcept = default;
PublicSuffixList& PublicSuffixList::operator=(PublicSuffixList&&) noexcept = default;
PublicSuffixList::~PublicSuffixList() = default;

Result<PublicSuffixList> PublicSuffixList::load_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return make_error(ErrorCode::kNotFound, "public suffix list not found: " + path.string());
    }
    psl_ctx_t* ctx = psl_load_file(path.c_str());
    if (ctx == nullptr) {
        return make_error(ErrorCode::kFormat, "cannot load public suffix list: " + path.string());
    }
    auto impl = std::make_unique<Impl>();
    impl->owned = ctx;
    impl->ctx = ctx;
    impl->source = path.string();
    return PublicSuffixList(std::move(impl));
}

Result<PublicSuffixList> PublicSuffixList::load_default() {
    for (const char* candidate : {kDebianDafsa, kDebianDat}) {
        auto loaded = load_file(candidate);
        if (loaded.ok()) return loaded;
    }
    const psl_ctx_t* builtin = psl_builtin();
    if (builtin == nullptr) {
        return make_error(ErrorCode::kNotFound,
                          "no public suffix list: install Debian package 'publicsuffix'");
    }
    auto impl = std::make_unique<Impl>();
    impl->ctx = builtin;
    impl->source = "builtin";
    return PublicSuffixList(std::move(impl));
}

std::string_view PublicSuffixList::registrable_domain(std::string_view host) const {
    if (host.empty() || looks_like_ip(host)) return host;
    CString c(host);
    const char* reg = psl_registrable_domain(impl_->ctx, c.c_str());
    if (reg == nullptr) return host;
    return host.substr(static_cast<size_t>(reg - c.c_str()));
}

std::string_view PublicSuffixList::public_suffix(std::string_view host) const {
    if (host.empty() || looks_like_ip(host)) return {};
    CString c(host);
    const char* suffix = psl_unregistrable_domain(impl_->ctx, c.c_str());
    if (suffix == nullptr) return {};
    return host.substr(static_cast<size_t>(suffix - c.c_str()));
}

bool PublicSuffixList::is_public_suffix(std::string_view host) const {
    if (host.empty()) return false;
    CString c(host);
    return psl_is_public_suffix2(impl_->ctx, c.c_str(), PSL_TYPE_ANY) != 0;
}

const std::string& PublicSuffixList::source() const { return impl_->source; }

}  // namespace vigil::domain
