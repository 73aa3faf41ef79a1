#pragma once
// Payload signatures for the attacks a connection record cannot show: the NSL-KDD content features stay 0
// for captures (docs/architecture.md), so a SQL injection over an ordinary HTTP connection looks like any
// other request. These are the classic, generic patterns an IDS rule set starts with, matched on the
// request line (and a form body in the same segment) of plain-text HTTP requests after percent-decoding.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigil::traffic {

namespace payload_signature {
inline constexpr uint8_t kSqlInjection = 1;   // ' or '1'='1, union select, sleep(, information_schema ...
inline constexpr uint8_t kPathTraversal = 2;  // ../../ (or its encodings) reaching /etc/passwd, win.ini ...
inline constexpr uint8_t kCommandInjection = 4;  // ;cat /etc/passwd, |id, $(...) ...
}  // namespace payload_signature

// Bitmask of payload_signature values found in one client segment; 0 when it is not an HTTP request or
// nothing matches. Looks at most at the first `max_bytes` bytes.
uint8_t web_attack_signatures(std::string_view segment, size_t max_bytes = 4096);

// The name used in reasons ("sql-injection", ...) of the lowest bit set, or "" for 0.
std::string_view payload_signature_name(uint8_t signatures);

}  // namespace vigil::traffic
