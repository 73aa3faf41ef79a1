#pragma once
// Byte classes shared by the feature extractor and its scalar byte scan.
#include <array>
#include <cstdint>
#include <string_view>

namespace vigil::features::detail {

enum : uint8_t { kDigit = 1, kLower = 2, kUpper = 4, kHexLetter = 8, kVowel = 16 };
constexpr std::array<uint8_t, 256> make_classes() {
    std::array<uint8_t, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
    for (int c = 'a'; c <= 'z'; ++c) t[c] = kLower;
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = kUpper;
    for (int c = 'a'; c <= 'f'; ++c) t[c] |= kHexLetter;
    for (int c = 'A'; c <= 'F'; ++c) t[c] |= kHexLetter;
    for (char c : std::string_view("aeiouAEIOU")) t[static_cast<unsigned char>(c)] |= kVowel;
    return t;
}
inline constexpr std::array<uint8_t, 256> kClass = make_classes();
inline bool is_alnum(char c) { return kClass[static_cast<unsigned char>(c)] & (kDigit | kLower | kUpper); }
inline bool is_letter(char c) { return kClass[static_cast<unsigned char>(c)] & (kLower | kUpper); }
inline bool is_hex(char c) { return kClass[static_cast<unsigned char>(c)] & (kDigit | kHexLetter); }

}  // namespace vigil::features::detail
