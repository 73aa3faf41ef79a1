#pragma once
// Registrable domain and public suffix (libpsl with Debian's list, private section included, so
// that "user.appspot.com" is its own registrable domain).
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "vigil/core/result.hpp"

namespace vigil::domain {

class PublicSuffixList {
public:
    // Loads Debian's /usr/share/publicsuffix list (.dafsa, else .dat; falls back to libpsl's
    // built-in list when neither file exists).
    static Result<PublicSuffixList> load_default();
    // Loads a list in PSL text (.dat) or DAFSA format.
    static Result<PublicSuffixList> load_file(const std::filesystem::path& path);
    PublicSuffixList(PublicSuffixList&&) noexcept;
    PublicSuffixList& operator=(PublicSuffixList&&) noexcept;
    ~PublicSuffixList();

    // Host must be lower-case ASCII (punycode). The returned views point into `host`.
    // "a.b.example.co.uk" -> "example.co.uk"; for a bare suffix or an IP, returns the host itself.
    std::string_view registrable_domain(std::string_view host) const;
    // "a.b.example.co.uk" -> "co.uk"; "" for an IP literal.
    std::string_view public_suffix(std::string_view host) const;
    bool is_public_suffix(std::string_view host) const;
    // Where the list came from (file path or "builtin").
    const std::string& source() const;

private:
    struct Impl;
    explicit PublicSuffixList(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::domain
