#pragma once
// The domain report of GET /api/v1/domain/{name}: name forms, registrable domain, public suffix,
// protected-list membership and brand lookalike. Pure: no HTTP, no network (age, DNS and TLS
// enrichment are later work).
#include <cstdint>
#include <string>
#include <string_view>

#include "vigil/core/result.hpp"
#include "vigil/domain/lookalike.hpp"
#include "vigil/domain/public_suffix.hpp"

namespace vigil::domain {

inline constexpr size_t kMaxDomainNameBytes = 253;  // RFC 1035, without the trailing dot

struct DomainReport {
    std::string ascii;               // lower-case, punycode labels
    std::string unicode;             // labels decoded (same as ascii when none is punycode)
    bool has_punycode = false;
    std::string registrable_domain;  // empty for a bare public suffix
    std::string public_suffix;
    bool is_protected = false;       // registrable domain is in the protected list
    uint32_t protected_rank = 0;
    LookalikeMatch lookalike;        // lookalike_of points into the detector
};

// Validates `name` (UTF-8 or ASCII, one trailing dot allowed): errors with kInvalidArgument for
// an empty name, one over kMaxDomainNameBytes in ASCII form, an empty or over-long (>63) label,
// bytes other than letters, digits and hyphens after IDNA mapping, or an IP address.
Result<DomainReport> make_domain_report(std::string_view name, const PublicSuffixList& psl,
                                        const LookalikeDetector& detector);

}  // namespace vigil::domain
