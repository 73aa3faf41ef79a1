#pragma once
#include <string>
#include <string_view>

#include "vigil/core/result.hpp"

namespace vigil::domain {

// Unicode (UTF-8) host -> ASCII (punycode "xn--") via libidn2 (IDNA 2008, transitional fallback).
Result<std::string> to_ascii(std::string_view host_utf8);
// ASCII host with xn-- labels -> UTF-8.
Result<std::string> to_unicode(std::string_view host_ascii);

}  // namespace vigil::domain
