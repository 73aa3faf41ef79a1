#include "vigil/domain/confusable.hpp"

#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <immintrin.h>

#include <cstring>

namespace vigil::domain {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Raw UTS #39 skeleton; empty on error.
std::string icu_skeleton(const USpoofChecker* checker, std::string_view utf8) {
    std::string out(utf8.size() * 3 + 16, '\0');
    for (int attempt = 0; attempt < 2; ++attempt) {
        UErrorCode status = U_ZERO_ERROR;
        const int32_t n = uspoof_getSkeletonUTF8(checker, 0, utf8.data(), static_cast<int32_t>(utf8.size()),
                                                 out.data(), static_cast<int32_t>(out.size()), &status);
        if (status == U_BUFFER_OVERFLOW_ERROR) {
            out.assign(static_cast<size_t>(n) + 1, '\0');
            continue;
        }
        if (U_FAILURE(status)) return {};
        out.resize(static_cast<size_t>(n));
        return out;
    }
    return {};
}

// Drops combining marks and lower-cases ASCII; invalid UTF-8 is copied as is.
std::string fold(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
    const auto length = static_cast<int32_t>(utf8.size());
    int32_t i = 0;
    while (i < length) {
        const int32_t start = i;
        UChar32 c;
        U8_NEXT(s, i, length, c);
        if (c < 0) {
            out.append(utf8.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
            continue;
        }
        if (u_charType(c) == U_NON_SPACING_MARK) continue;
        if (c < 0x80) {
            out.push_back(lower(static_cast<char>(c)));
        } else {
            out.append(utf8.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
        }
    }
    return out;
}

// Whether p[0, n) holds only bytes of the identity set and no "vv" or "cl" (which fold): then the
// text is its own skeleton. Reads p[n, n + 32), which must be zero.
__attribute__((target("avx2,bmi"))) bool is_own_skeleton_avx2(const char* p, size_t n,
                                                              const std::array<uint8_t, 16>& by_low_nibble) {
    const __m256i lut =
        _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(by_low_nibble.data())));
    const __m256i high_bit = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                              1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    for (size_t i = 0; i < n; i += 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
        const __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
        const __m256i in_set =
            _mm256_and_si256(_mm256_shuffle_epi8(lut, _mm256_and_si256(v, nibble)),
                             _mm256_shuffle_epi8(high_bit, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble)));
        const __m256i bad =
            _mm256_or_si256(_mm256_cmpeq_epi8(in_set, _mm256_setzero_si256()),
                            _mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('v')),
                                                             _mm256_cmpeq_epi8(next, _mm256_set1_epi8('v'))),
                                            _mm256_and_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('c')),
                                                             _mm256_cmpeq_epi8(next, _mm256_set1_epi8('l')))));
        auto m = static_cast<uint32_t>(_mm256_movemask_epi8(bad));
        if (n - i < 32) m &= (1u << (n - i)) - 1;
        if (m != 0) return false;
    }
    return true;
}

}  // namespace

void ConfusableSkeleton::Closer::operator()(USpoofChecker* checker) const { uspoof_close(checker); }

ConfusableSkeleton::ConfusableSkeleton(std::unique_ptr<USpoofChecker, Closer> checker)
    : checker_(std::move(checker)) {
    for (int c = 0; c < 128; ++c) {
        const char ch = static_cast<char>(c);
        std::string s = c == 0 ? std::string() : icu_skeleton(checker_.get(), std::string_view(&ch, 1));
        ascii_[c] = s.empty() ? std::string(1, lower(ch)) : fold(s);
        if (ascii_[c].size() == 1) ascii_single_[c] = ascii_[c][0];
        if (c != 0 && ascii_single_[c] == ch) {
            identity_by_low_nibble_[c & 0xF] =
                static_cast<uint8_t>(identity_by_low_nibble_[c & 0xF] | (1u << (c >> 4)));
        }
    }
    __builtin_cpu_init();
    avx2_ = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
}
ConfusableSkeleton::ConfusableSkeleton(ConfusableSkeleton&&) noexcept = default;
ConfusableSkeleton& ConfusableSkeleton::operator=(ConfusableSkeleton&&) noexcept = default;
ConfusableSkeleton::~ConfusableSkeleton() = default;

Result<ConfusableSkeleton> ConfusableSkeleton::create() {
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker* raw = uspoof_open(&status);
    std::unique_ptr<USpoofChecker, Closer> checker(raw);
    if (U_FAILURE(status) || !checker) {
        return make_error(ErrorCode::kInternal, std::string("cannot open ICU spoof checker: ") + u_errorName(status));
    }
    return ConfusableSkeleton(std::move(checker));
}

bool ConfusableSkeleton::ascii_skeleton(std::string_view ascii, std::string& out) const {
    out.clear();
    for (size_t i = 0; i < ascii.size(); ++i) {
        const auto c = static_cast<unsigned char>(ascii[i]);
        if (c >= 0x80) return false;
        const char next = i + 1 < ascii.size() ? lower(ascii[i + 1]) : '\0';
        const char low = lower(static_cast<char>(c));
        if ((low == 'v' && next == 'v') || (low == 'c' && next == 'l')) {
            out.push_back(low == 'v' ? 'w' : 'd');
            ++i;
            continue;
        }
        out += ascii_[c];
    }
    return true;
}

std::string_view ConfusableSkeleton::ascii_skeleton(std::string_view ascii, char* buffer, size_t capacity) const {
    if (avx2_ && !ascii.empty() && ascii.size() + 32 <= capacity) {
        // Most labels are their own skeleton: copy, check with vectors, done.
        std::memcpy(buffer, ascii.data(), ascii.size());
        std::memset(buffer + ascii.size(), 0, 32);
        if (is_own_skeleton_avx2(buffer, ascii.size(), identity_by_low_nibble_)) return {buffer, ascii.size()};
    }
    size_t n = 0;
    for (size_t i = 0; i < ascii.size(); ++i) {
        const auto c = static_cast<unsigned char>(ascii[i]);
        if (c >= 0x80) return {};
        const char next = i + 1 < ascii.size() ? lower(ascii[i + 1]) : '\0';
        const char low = lower(static_cast<char>(c));
        const char single = ascii_single_[c];
        if (single != '\0' && !((low == 'v' && next == 'v') || (low == 'c' && next == 'l'))) {
            if (n + 1 > capacity) return {};
            buffer[n++] = single;  // the common case: one byte for one byte
            continue;
        }
        std::string_view piece = ascii_[c];
        char folded = '\0';
        if ((low == 'v' && next == 'v') || (low == 'c' && next == 'l')) {
            folded = low == 'v' ? 'w' : 'd';
            piece = std::string_view(&folded, 1);
            ++i;
        }
        if (n + piece.size() > capacity) return {};
        for (char p : piece) buffer[n++] = p;
    }
    return {buffer, n};
}

std::string ConfusableSkeleton::skeleton(std::string_view utf8) const {
    std::string out;
    if (ascii_skeleton(utf8, out)) return out;
    const std::string raw = icu_skeleton(checker_.get(), utf8);
    if (raw.empty()) return std::string(utf8);
    std::string folded = fold(raw);
    // The ASCII folds ("vv", "cl", "m" -> "rn") apply to what is now ASCII.
    std::string ascii;
    if (ascii_skeleton(folded, ascii)) return ascii;
    return folded;
}

}  // namespace vigil::domain
