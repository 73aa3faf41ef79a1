#pragma once
// The schema's history. Append new migrations at the end with the next version; never edit a shipped one.
#include <span>

namespace vigil::store {

struct Migration {
    int version;
    const char* description;
    const char* sql;  // may hold several statements
};

std::span<const Migration> migrations();

}  // namespace vigil::store
