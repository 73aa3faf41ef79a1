// parse()'s vector byte searches against their byte-by-byte versions, on random bytes (NUL,
// >= 0x80), every length around the 32-byte steps and every match position.
#include "../../../src/url/byte_search.hpp"

#include <gtest/gtest.h>

#include "../../support/xorshift.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace vigil::url::detail;

constexpr ByteSet kSet =
    make_byte_set([](char c) { return (c >= 'a' && c <= 'z') || c == '/' || c == '%' || c == '.'; });

std::vector<char> padded(const std::string& s) {
    std::vector<char> v(s.begin(), s.end());
    v.resize(s.size() + kSearchPadding, '\0');
    return v;
}

void expect_same(const std::string& s) {
    const auto buf = padded(s);
    const char* p = buf.data();
    // Every suffix and prefix, so matches sit at every offset of a 32-byte step.
    for (size_t from = 0; from <= s.size(); from += 1 + from / 16) {
        for (size_t n :
             {s.size() - from, (s.size() - from) / 2, size_t{1} <= s.size() - from ? size_t{1} : size_t{0}}) {
            ASSERT_EQ(find_any(p + from, n, '/', '?', '#', '\\'), find_any_scalar(p + from, n, '/', '?', '#', '\\'))
                << s << " from " << from << " n " << n;
            ASSERT_EQ(find_last(p + from, n, '@'), find_last_scalar(p + from, n, '@')) << s << " from " << from;
            ASSERT_EQ(find_not_in(p + from, n, kSet), find_not_in_scalar(p + from, n, kSet)) << s << " from " << from;
            const PlainHost a = check_plain_host(p + from, n, kSet), b = check_plain_host_scalar(p + from, n, kSet);
            ASSERT_EQ(a.plain, b.plain) << s << " from " << from << " n " << n;
            if (a.plain) {
                ASSERT_EQ(a.has_x, b.has_x) << s << " from " << from << " n " << n;
            }
        }
    }
}

TEST(ByteSearch, VectorAndScalarAgree) {
    vigil::testing::XorShift64 rng{0x9E3779B97F4A7C15ULL};
    const auto next = [&] { return rng.next(); };
    static constexpr char kBytes[] = "abcxyz/?#\\@%.:AZ09\x80\xff...";
    for (int iter = 0; iter < 3000; ++iter) {
        const size_t n = next() % 100;
        std::string s(n, 'a');
        const unsigned density = 1 + next() % 30;
        for (char& c : s) {
            const uint64_t r = next();
            if (r % density == 0)
                c = static_cast<char>(r >> 8);  // anything, NUL too
            else if (r % 3 == 0)
                c = kBytes[(r >> 8) % (sizeof(kBytes) - 1)];
        }
        ASSERT_NO_FATAL_FAILURE(expect_same(s));
    }
}

TEST(ByteSearch, ExactResults) {
    const std::string s = std::string(40, 'a') + "@b:c/d?e#f" + std::string(30, 'z') + "@";
    const auto buf = padded(s);
    EXPECT_EQ(find_any(buf.data(), s.size(), '/', '?', '#', '\\'), 44u);
    EXPECT_EQ(find_any(buf.data(), 44, '/', '?', '#', '\\'), 44u);  // bytes past n are never found
    EXPECT_EQ(find_last(buf.data(), s.size(), '@'), s.size() - 1);
    EXPECT_EQ(find_last(buf.data(), s.size() - 1, '@'), 40u);
    EXPECT_EQ(find_last(buf.data(), 40, '@'), SIZE_MAX);
    EXPECT_EQ(find_not_in(buf.data(), s.size(), kSet), 40u);
    EXPECT_EQ(find_not_in(buf.data(), 40, kSet), 40u);
    EXPECT_EQ(find_not_in(buf.data(), 0, kSet), 0u);
    EXPECT_TRUE(check_plain_host(buf.data(), 40, kSet).plain);
    EXPECT_FALSE(check_plain_host(buf.data(), 40, kSet).has_x);
    const std::string dots = "ab..c", end_dot = "abx.";
    const auto db = padded(dots), eb = padded(end_dot);
    EXPECT_FALSE(check_plain_host(db.data(), dots.size(), kSet).plain);
    EXPECT_TRUE(check_plain_host(db.data(), 3, kSet).plain);  // "ab." ends before the second dot
    EXPECT_TRUE(check_plain_host(eb.data(), end_dot.size(), kSet).has_x);
    const std::string at32 = std::string(31, 'a') + "..";  // the pair at 31 reads byte 32
    const auto ab = padded(at32);
    EXPECT_TRUE(check_plain_host(ab.data(), 32, kSet).plain);
    EXPECT_FALSE(check_plain_host(ab.data(), 33, kSet).plain);
    const std::string high = "abc\x80";
    const auto hb = padded(high);
    EXPECT_EQ(find_not_in(hb.data(), high.size(), kSet), 3u);  // bytes >= 0x80 are never members
}

}  // namespace
