#pragma once
// Registrable domain and public suffix (libpsl with Debian's list, private section included).
#include <memory>
#include <string>
#include <string_view>

#include "vigil/core/result.hpp"

namespace vigil::domain {

class PublicSuffixList {
public:
    // Loads Debian's /usr/share/publicsuffix list (falls back to libpsl's built-in list).
    static Result<PublicSuffixList> load_default();
    PublicSuffixList(PublicSuffixList&&) noexcept;
    PublicSuffixList& operator=(PublicSuffixList&&) noexcept;
    ~PublicSuffixList();

    // "a.b.example.co.uk" -> "example.co.uk"; for a bare suffix or IP, returns the host itself.
    std::string_view registrable_domain(std::string_view host) const;
    // "a.b.example.co.uk" -> "co.uk".
    std::string_view public_suffix(std::string_view host) const;
    bool is_public_suffix(std::string_view host) const;

private:
    struct Impl;
    explicit PublicSuffixList(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::domain
