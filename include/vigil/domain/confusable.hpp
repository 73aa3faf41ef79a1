#pragma once
// Confusable skeletons (Unicode UTS #39 via ICU uspoof): two labels that look alike have the same
// skeleton ("pаypal" with a Cyrillic а, "paypa1" and "paypal" all give "paypal").
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vigil/core/result.hpp"

struct USpoofChecker;

namespace vigil::domain {

class ConfusableSkeleton {
public:
    // Opens ICU's spoof checker and precomputes the skeletons of the ASCII characters.
    static Result<ConfusableSkeleton> create();
    ConfusableSkeleton(ConfusableSkeleton&&) noexcept;
    ConfusableSkeleton& operator=(ConfusableSkeleton&&) noexcept;
    ~ConfusableSkeleton();

    // Skeleton of a UTF-8 label, folded for host names: UTS #39 skeleton, then combining marks
    // dropped ("pàypal" -> "paypal") and ASCII lower-cased ("0" -> "O" -> "o"). ASCII input never
    // calls ICU (table lookups only); on invalid UTF-8 returns the input unchanged.
    std::string skeleton(std::string_view utf8) const;
    // ASCII-only fast path into `out` (cleared first); also folds "vv" -> w and "cl" -> d, which
    // UTS #39 leaves apart but which look alike in most fonts. Returns false if `ascii` has a
    // byte >= 0x80 (then `out` is unspecified).
    bool ascii_skeleton(std::string_view ascii, std::string& out) const;
    // Same into a caller's buffer, for the hot path: the skeleton, or an empty view if `ascii`
    // has a non-ASCII byte or the skeleton does not fit.
    std::string_view ascii_skeleton(std::string_view ascii, char* buffer, size_t capacity) const;

private:
    struct Closer {
        void operator()(USpoofChecker* checker) const;
    };
    explicit ConfusableSkeleton(std::unique_ptr<USpoofChecker, Closer> checker);
    std::unique_ptr<USpoofChecker, Closer> checker_;
    std::array<std::string, 128> ascii_;  // skeleton of each ASCII byte, folded
    std::array<char, 128> ascii_single_{};  // ascii_[c] when it is one (non-NUL) byte, else 0
    // The bytes that are their own skeleton, as nibble tables for an AVX2 check that a whole label
    // is its own skeleton (the common case), used when the CPU has AVX2.
    std::array<uint8_t, 16> identity_by_low_nibble_{};
    bool avx2_ = false;
};

}  // namespace vigil::domain
