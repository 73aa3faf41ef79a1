#include "vigil/intel/hash_list.hpp"

#include "vigil/core/hex.hpp"

#include <algorithm>
#include <charconv>

namespace vigil::intel {

std::string state_token(const ThreatIndex& index) {
    return std::to_string(index.version()) + "-" + url::to_hex(index.prefix_checksum().data(), 8);
}

std::optional<StateRef> parse_state_token(std::string_view token) {
    const size_t dash = token.find('-');
    if (dash == std::string_view::npos || dash == 0 || token.size() - dash - 1 != 16) return std::nullopt;
    StateRef ref;
    auto [ptr, ec] = std::from_chars(token.data(), token.data() + dash, ref.version);
    if (ec != std::errc() || ptr != token.data() + dash) return std::nullopt;
    ref.checksum_hex = std::string(token.substr(dash + 1));
    for (char c : ref.checksum_hex) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    }
    return ref;
}

bool token_matches(const ThreatIndex& index, const StateRef& ref) {
    return index.version() == ref.version && url::to_hex(index.prefix_checksum().data(), 8) == ref.checksum_hex;
}

ListUpdate compute_update(const ThreatIndex& current, const ThreatIndex* previous) {
    ListUpdate u;
    u.new_state = state_token(current);
    u.checksum = current.prefix_checksum();
    const auto& now = current.prefixes();
    if (previous == nullptr) {
        u.full = true;
        u.additions = now;
        return u;
    }
    u.full = false;
    const auto& old = previous->prefixes();
    size_t i = 0, j = 0;
    while (i < old.size() || j < now.size()) {
        if (j == now.size() || (i < old.size() && old[i] < now[j])) {
            u.removal_indices.push_back(static_cast<uint32_t>(i++));
        } else if (i == old.size() || now[j] < old[i]) {
            u.additions.push_back(now[j++]);
        } else {
            ++i;
            ++j;
        }
    }
    return u;
}

url::Sha256Digest prefix_list_checksum(std::span<const uint32_t> prefixes) { return url::sha256(pack_prefixes(prefixes)); }

Result<std::vector<uint32_t>> apply_update(std::span<const uint32_t> old_list, const ListUpdate& update) {
    std::vector<uint32_t> kept;
    if (!update.full) {
        kept.reserve(old_list.size());
        size_t r = 0;
        for (size_t i = 0; i < old_list.size(); ++i) {
            if (r < update.removal_indices.size() && update.removal_indices[r] == i) {
                ++r;
                continue;
            }
            kept.push_back(old_list[i]);
        }
        if (r != update.removal_indices.size()) {
            return make_error(ErrorCode::kMismatch, "removal index out of range of the local list");
        }
    }
    std::vector<uint32_t> out;
    out.reserve(kept.size() + update.additions.size());
    std::merge(kept.begin(), kept.end(), update.additions.begin(), update.additions.end(), std::back_inserter(out));
    if (prefix_list_checksum(out) != update.checksum) {
        return make_error(ErrorCode::kMismatch, "prefix list checksum mismatch after the update");
    }
    return out;
}

std::string pack_prefixes(std::span<const uint32_t> prefixes) {
    std::string raw;
    raw.reserve(prefixes.size() * kPrefixBytes);
    for (uint32_t p : prefixes) {
        raw.push_back(static_cast<char>(p >> 24));
        raw.push_back(static_cast<char>(p >> 16));
        raw.push_back(static_cast<char>(p >> 8));
        raw.push_back(static_cast<char>(p));
    }
    return raw;
}

Result<std::vector<uint32_t>> unpack_prefixes(std::string_view raw) {
    if (raw.size() % kPrefixBytes != 0) {
        return make_error(ErrorCode::kFormat, "raw prefixes are not a multiple of 4 bytes");
    }
    std::vector<uint32_t> out(raw.size() / kPrefixBytes);
    for (size_t i = 0; i < out.size(); ++i) {
        const auto* b = reinterpret_cast<const uint8_t*>(raw.data() + i * kPrefixBytes);
        out[i] = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
    }
    if (!std::is_sorted(out.begin(), out.end())) return make_error(ErrorCode::kFormat, "prefixes are not sorted");
    return out;
}

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t v = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                           (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8) | static_cast<uint8_t>(bytes[i + 2]);
        out.push_back(kB64[v >> 18 & 63]);
        out.push_back(kB64[v >> 12 & 63]);
        out.push_back(kB64[v >> 6 & 63]);
        out.push_back(kB64[v & 63]);
    }
    const size_t rest = bytes.size() - i;
    if (rest > 0) {
        uint32_t v = uint32_t{static_cast<uint8_t>(bytes[i])} << 16;
        if (rest == 2) v |= uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8;
        out.push_back(kB64[v >> 18 & 63]);
        out.push_back(kB64[v >> 12 & 63]);
        out.push_back(rest == 2 ? kB64[v >> 6 & 63] : '=');
        out.push_back('=');
    }
    return out;
}

Result<std::string> base64_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return make_error(ErrorCode::kInvalidArgument, "invalid base64 length");
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = b64_value(c);
        if (v < 0) return make_error(ErrorCode::kInvalidArgument, "invalid base64 character");
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>(acc >> bits & 0xFF));
        }
    }
    return out;
}

Result<std::string> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0) return make_error(ErrorCode::kInvalidArgument, "odd number of hex digits");
    std::string out(text.size() / 2, '\0');
    for (size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_digit_value(text[2 * i]), lo = hex_digit_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return make_error(ErrorCode::kInvalidArgument, "invalid hex digit");
        out[i] = static_cast<char>(hi << 4 | lo);
    }
    return out;
}

Result<std::string> decode_hash_prefix(std::string_view text, PrefixEncoding encoding) {
    if (text.size() > 128) return make_error(ErrorCode::kInvalidArgument, "hash prefix is too long");
    if (encoding == PrefixEncoding::kAuto) {
        const bool all_hex = !text.empty() && text.size() % 2 == 0 &&
                             std::all_of(text.begin(), text.end(), [](char c) { return hex_digit_value(c) >= 0; });
        encoding = all_hex ? PrefixEncoding::kHex : PrefixEncoding::kBase64;
    }
    auto raw = encoding == PrefixEncoding::kHex ? hex_decode(text) : base64_decode(text);
    if (!raw) return raw.error();
    if (raw->size() < kPrefixBytes || raw->size() > 32) {
        return make_error(ErrorCode::kInvalidArgument,
                          "hash prefix must be 4 to 32 bytes, got " + std::to_string(raw->size()));
    }
    return raw;
}

}  // namespace vigil::intel
