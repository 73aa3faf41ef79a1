// The AVX2 byte scan must compute exactly what the scalar one computes: field by field on random
// bytes and regions (runs and tokens across 64-byte steps, NUL, bytes >= 0x80, long inputs),
// and feature by feature through UrlFeatureExtractor on real URLs and hostile copies of them.
#include "vigil/features/byte_scan.hpp"

#include <gtest/gtest.h>

#include "../../support/xorshift.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/features/url_features.hpp"
#include "vigil/url/url.hpp"

namespace {

using namespace vigil;
using features::ByteRegions;
using features::ByteScan;

#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kScale = 10;  // sanitizer builds are ~20x slower
#else
constexpr size_t kScale = 1;
#endif

struct Rng : vigil::testing::XorShift64 {
    Rng() : XorShift64{0x2545F4914F6CDD1DULL} {}
};

// `text` in a buffer with the padding scan_bytes_avx2 needs (a byte before, zeroes after).
class Padded {
public:
    explicit Padded(std::string_view text) : buf_(1 + text.size() + features::kByteScanPadding, '\0') {
        buf_[0] = '\x7f';
        if (!text.empty()) std::memcpy(buf_.data() + 1, text.data(), text.size());
        size_ = text.size();
    }
    const char* data() const { return buf_.data() + 1; }
    size_t size() const { return size_; }

private:
    std::string buf_;
    size_t size_ = 0;
};

std::string describe(const ByteScan& s) {
    std::string out;
    const auto add = [&](const char* name, uint32_t v) { out += std::string(name) + "=" + std::to_string(v) + " "; };
    add("digits", s.digits);
    add("letters", s.letters);
    add("upper", s.upper);
    add("non_ascii", s.non_ascii);
    for (size_t k = 0; k < s.counted.size(); ++k) add(std::string(1, features::kCountedBytes[k]).c_str(), s.counted[k]);
    add("max_repeat", s.max_repeat);
    add("max_digit_run", s.max_digit_run);
    add("hex_tokens", s.hex_tokens);
    add("longest_pq_token", s.longest_pq_token);
    add("double_slash", s.double_slash);
    add("path_depth", s.path_depth);
    add("embedded_urls", s.embedded_urls);
    add("host_dots", s.host_dots);
    add("host_hyphens", s.host_hyphens);
    add("host_digits", s.host_digits);
    add("longest_host_label", s.longest_host_label);
    add("host_max_consonant_run", s.host_max_consonant_run);
    add("punycode_labels", s.punycode_labels);
    add("label_vowels", s.label_vowels);
    add("label_letters", s.label_letters);
    add("label_digits", s.label_digits);
    add("label_hyphens", s.label_hyphens);
    return out;
}

void expect_same_scan(std::string_view text, const ByteRegions& r) {
    const Padded p(text);
    ByteScan scalar, avx2;
    const size_t words = features::byte_mask_words(p.size());
    std::vector<std::vector<uint64_t>> a(4, std::vector<uint64_t>(words, 0x5555)),
        b(4, std::vector<uint64_t>(words, 0xAAAA));
    features::scan_bytes_scalar(p.data(), p.size(), r, scalar, {a[0].data(), a[1].data(), a[2].data(), a[3].data()});
    features::scan_bytes_avx2(p.data(), p.size(), r, avx2, {b[0].data(), b[1].data(), b[2].data(), b[3].data()});
    ASSERT_EQ(a, b) << "masks differ, " << text.size() << " bytes";
    for (size_t i = 0; i < p.size(); ++i) {
        const char c = p.data()[i];
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool expected[4] = {alnum, c == '.', c == '&' || c == ';', c == '='};
        for (size_t k = 0; k < 4; ++k) ASSERT_EQ((a[k][i / 64] >> (i % 64)) & 1, expected[k] ? 1u : 0u) << i;
    }
    ASSERT_EQ(scalar, avx2) << "input (" << text.size() << " bytes) regions " << r.host_begin << "," << r.host_end
                            << "," << r.pq_begin << "," << r.path_end << "\nscalar: " << describe(scalar)
                            << "\navx2:   " << describe(avx2);
}

// Bytes that drive the scan's branches, plus arbitrary ones.
std::string random_text(Rng& rng, size_t n) {
    static constexpr std::string_view kAlphabet = "./-_?=&@~%+xn-htpHTPwW.0123456789abcdefABCDEFyaeiouzZ:";
    std::string s(n, '\0');
    // Long stretches of one kind cross the 64-byte steps: repeats, digits, hex, letters.
    for (size_t i = 0; i < n;) {
        const size_t len = 1 + rng.below(rng.below(4) == 0 ? 90 : 6);
        const size_t kind = rng.below(8);
        const char same = kAlphabet[rng.below(kAlphabet.size())];
        for (size_t k = 0; k < len && i < n; ++k, ++i) {
            switch (kind) {
                case 0:
                    s[i] = same;
                    break;
                case 1:
                    s[i] = static_cast<char>('0' + rng.below(10));
                    break;
                case 2:
                    s[i] = "0123456789abcdefABCDEF"[rng.below(22)];
                    break;
                case 3:
                    s[i] = static_cast<char>('a' + rng.below(26));
                    break;
                case 4:
                    s[i] = static_cast<char>(rng.next());
                    break;  // NUL, >= 0x80, anything
                case 5:
                    s[i] = "xn--"[k % 4];
                    break;
                case 6:
                    s[i] = "http://www.a/"[k % 13];
                    break;
                default:
                    s[i] = kAlphabet[rng.below(kAlphabet.size())];
                    break;
            }
        }
    }
    return s;
}

TEST(ByteScan, Avx2MatchesScalarOnRandomBytesAndRegions) {
    if (!features::byte_scan_avx2_supported()) GTEST_SKIP() << "no AVX2 on this CPU";
    Rng rng;
    for (size_t iter = 0; iter < 60000 / kScale; ++iter) {
        const size_t n = rng.below(8) == 0 ? rng.below(2000) : rng.below(200);
        const std::string text = random_text(rng, n);
        size_t cut[4];
        for (size_t& c : cut) c = rng.below(n + 1);
        std::sort(std::begin(cut), std::end(cut));
        const size_t label_end = cut[0] + rng.below(cut[1] - cut[0] + 1);
        const size_t label_begin = cut[0] + rng.below(label_end - cut[0] + 1);
        ASSERT_NO_FATAL_FAILURE(
            expect_same_scan(text, ByteRegions{cut[0], cut[1], cut[2], cut[3], label_begin, label_end}));
    }
}

TEST(ByteScan, Avx2MatchesScalarAtStepBoundaries) {
    if (!features::byte_scan_avx2_supported()) GTEST_SKIP() << "no AVX2 on this CPU";
    // Runs and patterns that start or end exactly around the 32- and 64-byte steps.
    for (size_t n : {0, 1, 2, 3, 4, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 191, 192, 193, 8192}) {
        for (const char fill : {'a', '7', 'F', '/', '.', '\0', '\xff', 'x'}) {
            const std::string text(n, fill);
            for (size_t cut : {size_t{0}, n / 3, n / 2, n}) {
                ASSERT_NO_FATAL_FAILURE(expect_same_scan(text, ByteRegions{0, cut, cut, n, cut / 2, cut}));
                ASSERT_NO_FATAL_FAILURE(expect_same_scan(text, ByteRegions{cut, cut, cut, cut}));
            }
        }
        for (size_t at = 0; at + 4 <= n && n <= 200; ++at) {
            std::string text(n, 'q');
            text.replace(at, 4, "xn--");
            ASSERT_NO_FATAL_FAILURE(expect_same_scan(text, ByteRegions{0, n, n, n}));
            text.replace(at, 4, "HtTp");
            ASSERT_NO_FATAL_FAILURE(expect_same_scan(text, ByteRegions{0, 0, 0, n}));
            text.replace(at, 4, "%c3a");
            ASSERT_NO_FATAL_FAILURE(expect_same_scan(text, ByteRegions{0, 0, 0, n / 2}));
        }
    }
}

// Every feature through the extractor, scalar scan against the one chosen for this CPU.
TEST(ByteScan, ExtractorFeaturesIdenticalWithEitherScan) {
    if (!features::byte_scan_avx2_supported()) GTEST_SKIP() << "no AVX2 on this CPU";
    const auto data = data_dir(VIGIL_SOURCE_DIR);
    auto psl = domain::PublicSuffixList::load_default();
    ASSERT_TRUE(psl.ok());
    auto brands = domain::BrandList::load(data / "domains" / "top-10000.csv.gz", psl.value());
    ASSERT_TRUE(brands.ok());
    features::UrlFeatureExtractor fast(psl.value(), brands.value());
    ASSERT_EQ(fast.byte_scan(), &features::scan_bytes_avx2);
    features::UrlFeatureExtractor scalar(psl.value(), brands.value(), fast.shared_lookalike());
    scalar.set_byte_scan(&features::scan_bytes_scalar);

    std::vector<std::string> inputs;
    size_t row = 0;
    for (auto* set : {"url/phishstorm/urls.csv.gz", "url/hannousse2021/dataset_phishing.csv.gz"}) {
        auto lines = for_each_line(data / set, [&](std::string_view line) {
            if (row++ % 5 == 0 && inputs.size() < 30000 / kScale) inputs.push_back(split_csv_record(line).front());
        });
        ASSERT_TRUE(lines.ok()) << set;
    }
    ASSERT_GT(inputs.size(), 1000u);
    // Hostile copies: bytes >= 0x80, NUL, escapes, very long paths and hosts, runs across steps.
    Rng rng;
    const size_t real = inputs.size();
    for (size_t k = 0; k < real && k < 5000 / kScale; ++k) {
        std::string s = inputs[k];
        static constexpr std::string_view kInserts[] = {
            "\xC3\xA9",
            "\xFF",
            std::string_view("\0", 1),
            "%C3%A9",
            "%7f",
            "//",
            "xn--",
            "HTTP",
            "www.",
            "0123456789abcdef0123",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
        for (int m = 0; m < 3; ++m) s.insert(rng.below(s.size() + 1), kInserts[rng.below(std::size(kInserts))]);
        inputs.push_back(std::move(s));
    }
    inputs.push_back("http://" + std::string(200, 'b') + ".com/" + std::string(7000, 'c') + "?" +
                     std::string(900, '9'));
    inputs.push_back("http://u:p@xn--80ak6aa92e.com:8443/" + std::string(3000, '%') +
                     "?q=" + std::string(4000, '\x80'));
    inputs.push_back("https://" + std::string(60, 'x') + "n--a.tk//" + std::string(63, '/') + "a");

    size_t compared = 0;
    url::ParsedUrl parsed;
    features::FeatureVector a{}, b{};
    for (const std::string& in : inputs) {
        if (!url::parse(in, parsed).ok()) continue;
        fast.extract(parsed, a);
        scalar.extract(parsed, b);
        for (size_t f = 0; f < features::kNumFeatures; ++f) {
            ASSERT_EQ(std::memcmp(&a[f], &b[f], sizeof(float)), 0)
                << features::feature_names()[f] << " differs for " << in << ": " << a[f] << " vs " << b[f];
        }
        ++compared;
    }
    EXPECT_GT(compared, inputs.size() * 9 / 10);
}

}  // namespace
