#include "vigil/traffic/payload_signatures.hpp"

#include "vigil/core/hex.hpp"

#include <array>
#include <string>

namespace vigil::traffic {
namespace {

constexpr std::array<std::string_view, 9> kMethods = {"GET ",    "POST ",  "PUT ",   "HEAD ", "DELETE ",
                                                      "PATCH ", "OPTIONS ", "TRACE ", "CONNECT "};

std::string percent_decode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%' && i + 2 < in.size()) {
            const int hi = hex_digit_value(in[i + 1]);
            const int lo = hex_digit_value(in[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = static_cast<char>(hi * 16 + lo);
                i += 2;
            }
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        out.push_back(c);
    }
    return out;
}

// Percent-decoded twice (double encoding is an evasion), '+' as space, lower-case, SQL comments and runs of
// white space as one space, so "UNION/**/SELECT" and "union%20%20select" both read "union select".
std::string normalise(std::string_view in) {
    const std::string decoded = percent_decode(percent_decode(in, true), false);
    std::string out;
    out.reserve(decoded.size());
    for (size_t i = 0; i < decoded.size(); ++i) {
        char c = decoded[i];
        if (c == '/' && i + 1 < decoded.size() && decoded[i + 1] == '*') {
            const size_t end = decoded.find("*/", i + 2);
            i = end == std::string::npos ? decoded.size() : end + 1;
            c = ' ';
        }
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (!out.empty() && out.back() == ' ') continue;
            c = ' ';
        }
        out.push_back(c);
    }
    return out;
}

bool contains_any(std::string_view text, std::initializer_list<std::string_view> needles) {
    for (auto n : needles) {
        if (text.find(n) != std::string_view::npos) return true;
    }
    return false;
}

// Like contains_any, but a needle must not run on into a word: ";id" matches ";id" and ";id;" but not
// "&amp;idx=" (an HTML-escaped query separator).
bool contains_command(std::string_view text, std::initializer_list<std::string_view> needles) {
    for (auto n : needles) {
        for (size_t at = text.find(n); at != std::string_view::npos; at = text.find(n, at + 1)) {
            const size_t next = at + n.size();
            const char c = next < text.size() ? text[next] : ' ';
            const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '=';
            if (!word) return true;
        }
    }
    return false;
}

// A quote closing a string literal followed by a boolean or a statement: ' or 'a'='a, " or 1=1, ' and 1=2, '; drop
bool quote_then_sql(std::string_view t) {
    for (size_t q = t.find_first_of("'\""); q != std::string_view::npos; q = t.find_first_of("'\"", q + 1)) {
        std::string_view rest = t.substr(q + 1);
        if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        for (std::string_view kw : {"or ", "and ", "union ", "; ", ";", "-- ", "--", "#", "||"}) {
            if (rest.substr(0, kw.size()) != kw) continue;
            // "or"/"and" must be followed by a comparison or a literal, not an ordinary word: it's ' or 'x'='x
            if (kw == "or " || kw == "and ") {
                const std::string_view tail = rest.substr(kw.size(), 24);
                if (tail.find('=') != std::string_view::npos || tail.find("like") != std::string_view::npos ||
                    tail.find('<') != std::string_view::npos || tail.find('>') != std::string_view::npos ||
                    (!tail.empty() && (tail.front() == '\'' || tail.front() == '"' ||
                                       (tail.front() >= '0' && tail.front() <= '9')))) {
                    return true;
                }
                continue;
            }
            return true;
        }
    }
    return false;
}

}  // namespace

uint8_t web_attack_signatures(std::string_view segment, size_t max_bytes) {
    bool http = false;
    for (auto m : kMethods) http = http || segment.substr(0, m.size()) == m;
    if (!http) return 0;
    segment = segment.substr(0, max_bytes);
    // The request target, and the body when the whole request is in this segment (a form post).
    const size_t target_begin = segment.find(' ') + 1;
    const size_t target_end = segment.find_first_of(" \r\n", target_begin);
    std::string inspected(segment.substr(target_begin, target_end == std::string_view::npos
                                                           ? std::string_view::npos
                                                           : target_end - target_begin));
    if (const size_t body = segment.find("\r\n\r\n"); body != std::string_view::npos) {
        inspected += ' ';
        inspected += segment.substr(body + 4);
    }
    const std::string t = normalise(inspected);

    uint8_t found = 0;
    if (quote_then_sql(t) ||
        contains_any(t, {"union select", "union all select", "select null", "information_schema", "@@version",
                         "version()", "sleep(", "benchmark(", "pg_sleep(", "waitfor delay", "load_file(",
                         "into outfile", "xp_cmdshell", "or 1=1", "and 1=1", "order by 1--", "group_concat("})) {
        found |= payload_signature::kSqlInjection;
    }
    if (contains_any(t, {"../../", "..\\..\\", "/etc/passwd", "/etc/shadow", "win.ini", "boot.ini"})) {
        found |= payload_signature::kPathTraversal;
    }
    if (contains_command(t, {";cat", "; cat", "|cat", "| cat", "&& cat", ";id", "; id", "|id", "| id", "`id`",
                             "$(id)", ";uname", "|uname", ";ls", "; ls", "|ls", ";wget", "|wget", ";curl", "|curl",
                             "/bin/sh", "/bin/bash", "cmd.exe", "powershell"})) {
        found |= payload_signature::kCommandInjection;
    }
    return found;
}

std::string_view payload_signature_name(uint8_t signatures) {
    if ((signatures & payload_signature::kSqlInjection) != 0) return "sql-injection";
    if ((signatures & payload_signature::kPathTraversal) != 0) return "path-traversal";
    if ((signatures & payload_signature::kCommandInjection) != 0) return "command-injection";
    return {};
}

}  // namespace vigil::traffic
