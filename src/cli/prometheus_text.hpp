#pragma once
// One sample in Prometheus' text exposition format, with its HELP and TYPE lines.
#include <cstdint>
#include <string>

namespace vigil::cli {

inline void append_metric(std::string& out, const char* name, const char* help, uint64_t value,
                          const char* type = "counter") {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
    out += name;
    out += ' ';
    out += std::to_string(value);
    out += '\n';
}

}  // namespace vigil::cli
