#pragma once
// Platforms where anyone can publish under the platform's name. The Public Suffix List's private section
// makes many of them registrable-domain boundaries (foo.blogspot.com is its own registrable domain), but not
// all (000webhostapp.com, weebly.com, docs.google.com, ... are missing), so a popular-domain allow rule must
// not cover the users' content there.
#include <string_view>

namespace vigil::intel {

// True when host is a user's site on such a platform ("x.000webhostapp.com"), or the platform host itself
// with a path other than "/" ("docs.google.com/forms/..."). canonical_path starts with '/'.
bool is_user_content(std::string_view host, std::string_view canonical_path);

}  // namespace vigil::intel
