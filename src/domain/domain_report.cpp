#include "vigil/domain/domain_report.hpp"

#include "vigil/domain/idn.hpp"

namespace vigil::domain {
namespace {

Error invalid(std::string message) { return make_error(ErrorCode::kInvalidArgument, std::move(message)); }

bool all_digits_and_dots(std::string_view s) {
    for (char c : s) {
        if ((c < '0' || c > '9') && c != '.') return false;
    }
    return true;
}

}  // namespace

Result<DomainReport> make_domain_report(std::string_view name, const PublicSuffixList& psl,
                                        const LookalikeDetector& detector) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty()) return invalid("domain name is empty");
    // Unicode input may take up to four bytes per character of the ASCII form's budget.
    if (name.size() > 4 * kMaxDomainNameBytes) {
        return invalid("domain name is longer than " + std::to_string(kMaxDomainNameBytes) + " bytes");
    }
    if (name.front() == '[' || name.find(':') != std::string_view::npos) {
        return invalid("an IP address is not a domain name");
    }
    auto ascii = to_ascii(name);
    if (!ascii.ok()) return invalid(ascii.error().message);
    DomainReport r;
    r.ascii = std::move(ascii.value());
    if (r.ascii.size() > kMaxDomainNameBytes) {
        return invalid("domain name is longer than " + std::to_string(kMaxDomainNameBytes) + " bytes");
    }
    size_t label_start = 0;
    for (size_t i = 0; i <= r.ascii.size(); ++i) {
        if (i == r.ascii.size() || r.ascii[i] == '.') {
            const size_t length = i - label_start;
            if (length == 0) return invalid("domain name has an empty label");
            if (length > 63) return invalid("domain name has a label longer than 63 bytes");
            if (r.ascii[label_start] == '-' || r.ascii[i - 1] == '-') {
                return invalid("a label must not begin or end with a hyphen");
            }
            label_start = i + 1;
            continue;
        }
        const char c = r.ascii[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return invalid("domain name may contain only letters, digits, hyphens and dots");
        }
    }
    if (all_digits_and_dots(r.ascii)) return invalid("an IP address is not a domain name");
    r.has_punycode = has_punycode_label(r.ascii);
    auto unicode = to_unicode(r.ascii);
    if (!unicode.ok()) return invalid(unicode.error().message);
    r.unicode = std::move(unicode.value());

    const auto parts = psl.split(r.ascii);
    r.public_suffix = std::string(parts.suffix);
    if (parts.registrable.size() > parts.suffix.size()) r.registrable_domain = std::string(parts.registrable);
    if (!r.registrable_domain.empty()) {
        r.is_protected = detector.is_protected(r.registrable_domain);
        r.protected_rank = detector.rank_of(r.registrable_domain);
        r.lookalike = detector.check(r.ascii, parts);
    }
    return r;
}

}  // namespace vigil::domain
