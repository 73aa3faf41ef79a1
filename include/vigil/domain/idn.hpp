#pragma once
// IDN host conversion (libidn2): Unicode <-> punycode ("xn--") labels.
#include <string>
#include <string_view>

#include "vigil/core/result.hpp"

namespace vigil::domain {

// Unicode (UTF-8) host -> lower-case ASCII with "xn--" labels, via libidn2 (IDNA 2008 with UTS #46
// non-transitional mapping, transitional as a fallback). Errors on invalid UTF-8 or a disallowed
// code point. Pure-ASCII input is lower-cased and returned without calling libidn2.
Result<std::string> to_ascii(std::string_view host_utf8);
// ASCII host with xn-- labels -> UTF-8. Errors when a label is not valid punycode.
Result<std::string> to_unicode(std::string_view host_ascii);
// True if any dot-separated label starts with "xn--" (case-insensitive).
bool has_punycode_label(std::string_view host);

}  // namespace vigil::domain
