#include "vigil/domain/keyword_matcher.hpp"

#include <deque>

namespace vigil::domain {

KeywordMatcher::KeywordMatcher() : rows_(kAlphabet, 0), out_(1, -1) {}

KeywordMatcher::KeywordMatcher(const std::vector<std::string>& keywords) {
    constexpr uint32_t kNone = UINT32_MAX;
    std::vector<uint32_t> go(kAlphabet, kNone);  // trie edges, kNone = absent
    std::vector<uint32_t> next;                  // complete DFA: state * kAlphabet + class -> state
    out_.push_back(-1);
    for (const std::string& word : keywords) {
        if (word.empty()) continue;
        bool valid = true;
        for (char c : word) valid = valid && kClass[static_cast<unsigned char>(c)] != kNoClass;
        if (!valid) continue;
        uint32_t state = 0;
        for (char c : word) {
            const uint8_t cls = kClass[static_cast<unsigned char>(c)];
            if (go[state * kAlphabet + cls] == kNone) {
                go[state * kAlphabet + cls] = static_cast<uint32_t>(out_.size());
                out_.push_back(-1);
                go.resize(go.size() + kAlphabet, kNone);
            }
            state = go[state * kAlphabet + cls];
        }
        if (out_[state] < 0) {  // duplicates keep the first id
            std::string lowered = word;
            for (char& c : lowered) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            out_[state] = static_cast<int32_t>(keywords_.size());
            keywords_.push_back(std::move(lowered));
            lengths_.push_back(static_cast<uint32_t>(word.size()));
        }
    }
    // Breadth-first: complete the DFA with failure transitions. A state's own keyword is always
    // longer than one inherited through its failure link, so "longest" only needs the fallback.
    next.assign(go.size(), 0);
    std::vector<uint32_t> fail(out_.size(), 0);
    std::deque<uint32_t> queue;
    for (uint8_t c = 0; c < kAlphabet; ++c) {
        const uint32_t child = go[c];
        if (child == kNone) {
            next[c] = 0;
        } else {
            next[c] = child;
            fail[child] = 0;
            queue.push_back(child);
        }
    }
    while (!queue.empty()) {
        const uint32_t state = queue.front();
        queue.pop_front();
        if (out_[state] < 0) out_[state] = out_[fail[state]];
        for (uint8_t c = 0; c < kAlphabet; ++c) {
            const uint32_t child = go[state * kAlphabet + c];
            if (child == kNone) {
                next[state * kAlphabet + c] = next[fail[state] * kAlphabet + c];
            } else {
                next[state * kAlphabet + c] = child;
                fail[child] = next[fail[state] * kAlphabet + c];
                queue.push_back(child);
            }
        }
    }
    rows_.resize(next.size());
    for (size_t k = 0; k < next.size(); ++k) {
        rows_[k] = next[k] * kAlphabet | (out_[next[k]] >= 0 ? kHasOutput : 0);
    }
}

}  // namespace vigil::domain
