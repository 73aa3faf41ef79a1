#pragma once
// Case-insensitive multi-keyword search (Aho-Corasick automaton) over [a-z0-9-]: one pass over the
// text, no allocation while scanning. Used for brand names and sensitive words in URLs.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::domain {
namespace detail {
// Byte -> alphabet index: a-z (either case) 0..25, 0-9 26..35, '-' 36, anything else 0xFF.
constexpr std::array<uint8_t, 256> make_keyword_classes() {
    std::array<uint8_t, 256> t{};
    for (auto& v : t) v = 0xFF;
    for (int c = 'a'; c <= 'z'; ++c) t[c] = static_cast<uint8_t>(c - 'a');
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<uint8_t>(c - 'A');
    for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<uint8_t>(26 + c - '0');
    t['-'] = 36;
    return t;
}
}  // namespace detail

class KeywordMatcher {
public:
    struct Match {
        uint32_t id;      // index of the keyword (order given to the constructor)
        uint32_t end;     // one past the last byte of the match in the text
        uint32_t length;  // keyword length
    };

    KeywordMatcher();  // matches nothing
    // Keywords are lower-cased; ones with bytes outside [A-Za-z0-9-] or empty are ignored.
    explicit KeywordMatcher(const std::vector<std::string>& keywords);

    // Calls on_match(Match) for every text position where a keyword ends, reporting the longest
    // keyword ending there. Bytes outside [A-Za-z0-9-] split the text (no match spans them).
    template <class F>
    void for_each_match(std::string_view text, F&& on_match) const {
        uint32_t row = 0;  // state * kAlphabet, plus kHasOutput when a keyword ends in the state
        for (size_t i = 0; i < text.size(); ++i) {
            const uint8_t cls = kClass[static_cast<unsigned char>(text[i])];
            if (cls == kNoClass) {
                row = 0;
                continue;
            }
            row = rows_[(row & ~kHasOutput) + cls];
            if (row & kHasOutput) {
                const int32_t id = out_[(row & ~kHasOutput) / kAlphabet];
                on_match(Match{static_cast<uint32_t>(id), static_cast<uint32_t>(i + 1), lengths_[id]});
            }
        }
    }

    // Number of keyword occurrences (longest one per end position).
    size_t count(std::string_view text) const {
        size_t n = 0;
        for_each_match(text, [&n](const Match&) { ++n; });
        return n;
    }
    // Same for a text made only of ASCII letters and digits (a token): no separator test per byte.
    size_t count_in_token(std::string_view token) const {
        size_t n = 0;
        uint32_t row = 0;
        const uint32_t* rows = rows_.data();
        for (const char c : token) {
            row = rows[(row & ~kHasOutput) + kClass[static_cast<unsigned char>(c)]];
            n += row >> 31;  // kHasOutput
        }
        return n;
    }
    // The shortest keyword (0 if none): tokens shorter than that hold none.
    size_t min_length() const {
        size_t m = 0;
        for (uint32_t length : lengths_) m = m == 0 ? length : std::min<size_t>(m, length);
        return m;
    }

    size_t size() const { return keywords_.size(); }
    const std::string& keyword(uint32_t id) const { return keywords_[id]; }
    size_t state_count() const { return out_.size(); }

private:
    static constexpr uint8_t kAlphabet = 37;  // a-z, 0-9, '-'
    static constexpr uint8_t kNoClass = 0xFF;
    static constexpr std::array<uint8_t, 256> kClass = detail::make_keyword_classes();

    std::vector<std::string> keywords_;
    std::vector<uint32_t> lengths_;
    static constexpr uint32_t kHasOutput = 1u << 31;
    static_assert(kHasOutput >> 31 == 1);
    // Complete DFA, state * kAlphabet + class -> the target state's row offset (target *
    // kAlphabet), or-ed with kHasOutput when a keyword ends in the target: no multiply and no
    // out_ load per byte.
    std::vector<uint32_t> rows_;
    std::vector<int32_t> out_;    // longest keyword ending in this state, -1 if none
};

}  // namespace vigil::domain
