#pragma once
// Registrable domain and public suffix (libpsl with Debian's list, private section included, so
// that "user.appspot.com" is its own registrable domain).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "vigil/core/result.hpp"

namespace vigil::domain {

// libpsl answers from its DAFSA in 1-3 us per host, too slow for the hot path, so lookups go to
// a flat hash index of the same list's rules (built at load time from the .dat text, IDN rules
// converted with libidn2) whenever the text list is available; libpsl stays the reference
// (tests compare both on thousands of hosts) and the fallback.
enum class PslEngine : uint8_t { kIndexed, kLibpsl };

class PublicSuffixList {
public:
    // Loads Debian's /usr/share/publicsuffix list (falls back to libpsl's built-in list when no
    // file exists, then with the libpsl engine).
    static Result<PublicSuffixList> load_default(PslEngine engine = PslEngine::kIndexed);
    // Loads a list in PSL text (.dat) or DAFSA format (DAFSA: libpsl engine only).
    static Result<PublicSuffixList> load_file(const std::filesystem::path& path,
                                              PslEngine engine = PslEngine::kIndexed);
    PublicSuffixList(PublicSuffixList&&) noexcept;
    PublicSuffixList& operator=(PublicSuffixList&&) noexcept;
    ~PublicSuffixList();

    // Host must be lower-case ASCII (punycode). The returned views point into `host`.
    // "a.b.example.co.uk" -> "example.co.uk"; for a bare suffix or an IP, returns the host itself.
    std::string_view registrable_domain(std::string_view host) const;
    // "a.b.example.co.uk" -> "co.uk"; "" for an IP literal.
    std::string_view public_suffix(std::string_view host) const;
    bool is_public_suffix(std::string_view host) const;
    // Both of the above with one lookup (views into `host`).
    struct Parts {
        std::string_view registrable;
        std::string_view suffix;
    };
    Parts split(std::string_view host) const;
    // Where the list came from (file path or "builtin").
    const std::string& source() const;
    PslEngine engine() const;

private:
    struct Impl;
    explicit PublicSuffixList(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::domain
