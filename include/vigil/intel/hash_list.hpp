#pragma once
// Privacy-preserving lookups in the manner of the Safe Browsing v4 Update API: clients keep the sorted
// list of 4-byte SHA-256 prefixes of every listed expression, update it with diffs (additions, plus the
// indices of removed prefixes in their old list) and verify it with a SHA-256 checksum; only a local
// prefix hit makes them ask for the full hashes of that prefix.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/intel/threat_index.hpp"

namespace vigil::intel {

inline constexpr size_t kPrefixBytes = 4;

// Opaque to clients: "<index version>-<first 8 bytes of the prefix checksum, hex>".
std::string state_token(const ThreatIndex& index);
struct StateRef {
    uint64_t version = 0;
    std::string checksum_hex;  // 16 hex digits
};
std::optional<StateRef> parse_state_token(std::string_view token);
// True when the token names exactly this index (version and checksum agree).
bool token_matches(const ThreatIndex& index, const StateRef& ref);

struct ListUpdate {
    bool full = true;                       // true: discard the local list first
    std::vector<uint32_t> additions;        // sorted
    std::vector<uint32_t> removal_indices;  // sorted, indices into the client's old list
    std::string new_state;
    url::Sha256Digest checksum{};           // of the whole new list
};
// previous: the index the client's state names (nullptr = unknown state, full update).
ListUpdate compute_update(const ThreatIndex& current, const ThreatIndex* previous);
// Client side: applies an update and checks the checksum (kMismatch when it disagrees).
Result<std::vector<uint32_t>> apply_update(std::span<const uint32_t> old_list, const ListUpdate& update);
url::Sha256Digest prefix_list_checksum(std::span<const uint32_t> prefixes);

// Raw 4-byte prefixes, big-endian, concatenated (the "raw_hashes" of the v4 API).
std::string pack_prefixes(std::span<const uint32_t> prefixes);
Result<std::vector<uint32_t>> unpack_prefixes(std::string_view raw);

std::string base64_encode(std::string_view bytes);
// Standard alphabet; padding optional; whitespace is an error.
Result<std::string> base64_decode(std::string_view text);
Result<std::string> hex_decode(std::string_view text);

enum class PrefixEncoding : uint8_t { kAuto, kHex, kBase64 };
// A hash prefix of 4..32 bytes. kAuto: an even-length string of hex digits is hex, anything else base64.
Result<std::string> decode_hash_prefix(std::string_view text, PrefixEncoding encoding);

}  // namespace vigil::intel
