#include <gtest/gtest.h>

#include "../../support/xorshift.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>
#include <set>

#include "vigil/domain/confusable.hpp"
#include "vigil/domain/domain_report.hpp"
#include "vigil/domain/edit_distance.hpp"
#include "vigil/domain/idn.hpp"
#include "vigil/domain/lookalike.hpp"
#include "vigil/domain/permutations.hpp"

namespace {

using namespace vigil::domain;
using T = LookalikeTechnique;

const PublicSuffixList& psl() {
    static const PublicSuffixList list = std::move(PublicSuffixList::load_default().value());
    return list;
}

// A small hand-made protected list: long, short and stop-word labels.
const BrandList& small_list() {
    static const BrandList list = BrandList::from_domains(
        {"google.com", "paypal.com", "microsoft.com", "facebook.com", "amazon.com", "ebay.com", "qq.com",
         "bing.com", "netflix.com", "wellsfargo.com", "americanexpress.com", "google.de", "apple.com", "news.com",
         "dock.com", "instagram.com"},
        psl());
    return list;
}
const LookalikeDetector& small() {
    static const LookalikeDetector d = LookalikeDetector::build(small_list(), psl());
    return d;
}

void expect_match(std::string_view host, std::string_view of, T technique, int distance = -1) {
    const LookalikeMatch m = small().check(host);
    EXPECT_EQ(m.lookalike_of, of) << host;
    EXPECT_EQ(to_string(m.technique), to_string(technique)) << host;
    if (distance >= 0) {
        EXPECT_EQ(m.distance, distance) << host;
    }
}

TEST(EditDistance, OsaCountsTranspositionAsOne) {
    EXPECT_EQ(osa_distance("paypal", "paypal", 2), 0u);
    EXPECT_EQ(osa_distance("paypal", "papyal", 2), 1u);
    EXPECT_EQ(osa_distance("paypal", "paypl", 2), 1u);
    EXPECT_EQ(osa_distance("paypal", "paypall", 2), 1u);
    EXPECT_EQ(osa_distance("paypal", "pypl", 2), 2u);
    EXPECT_EQ(osa_distance("paypal", "google", 2), 3u);   // capped at max + 1
    EXPECT_EQ(osa_distance("a", "abcd", 2), 3u);           // length gap alone exceeds the bound
    EXPECT_EQ(osa_distance("", "", 0), 0u);
}

TEST(ConfusableSkeleton, FoldsConfusablesAndCase) {
    auto sk = ConfusableSkeleton::create();
    ASSERT_TRUE(sk.ok()) << sk.error().message;
    EXPECT_EQ(sk->skeleton("paypal"), "paypal");
    EXPECT_EQ(sk->skeleton("p\xD0\xB0ypal"), "paypal");  // Cyrillic а
    EXPECT_EQ(sk->skeleton("paypa1"), "paypal");
    EXPECT_EQ(sk->skeleton("g00gle"), "google");
    EXPECT_EQ(sk->skeleton("rnicrosoft"), sk->skeleton("microsoft"));
    EXPECT_EQ(sk->skeleton("p\xC3\xA0ypal"), "paypal");  // à: combining mark dropped
    EXPECT_EQ(sk->skeleton("vvikipedia"), sk->skeleton("wikipedia"));
    EXPECT_NE(sk->skeleton("paypal"), sk->skeleton("paypai"));
    char buf[8];
    EXPECT_EQ(sk->ascii_skeleton("toolongforbuffer", buf, sizeof buf), "");
    EXPECT_EQ(sk->ascii_skeleton("a\xC3\xA0", buf, sizeof buf), "");
    EXPECT_FALSE(sk->skeleton("\xFF\xFE").empty());  // invalid UTF-8: no crash, no empty skeleton
}

// The buffer version (a vector fast path for labels that are their own skeleton) against the
// string version (byte by byte), on random ASCII and non-ASCII labels of every length.
TEST(ConfusableSkeleton, BufferAndStringVersionsAgree) {
    auto sk = ConfusableSkeleton::create();
    ASSERT_TRUE(sk.ok());
    vigil::testing::XorShift64 rng{0x9E3779B97F4A7C15ULL};
    const auto next = [&] { return rng.next(); };
    static constexpr char kBytes[] = "abcdefghijklmnopqrstuvwxyz0123456789-_.vvclrnmVCLW\x80";
    std::vector<std::string> labels = {"paypal", "vvikipedia", "clouds", "xcl", "v", "c", "vv", "cl", "CL",
                                       "amazon", std::string(63, 'v'), std::string(40, 'a') + "cl"};
    for (int k = 0; k < 20000; ++k) {
        std::string s(1 + next() % 70, 'a');
        for (char& c : s) c = kBytes[next() % (sizeof(kBytes) - 1)];
        if (next() % 50 == 0) s[next() % s.size()] = static_cast<char>(0x80 | next());
        labels.push_back(std::move(s));
    }
    for (const std::string& label : labels) {
        std::string expected;
        const bool ascii = sk->ascii_skeleton(label, expected);
        char buffer[2 * 63 + 2];
        const std::string_view got = sk->ascii_skeleton(label, buffer, sizeof buffer);
        if (!ascii || expected.size() > sizeof buffer) {
            EXPECT_TRUE(got.empty()) << label;
        } else {
            EXPECT_EQ(got, expected) << label;
        }
    }
}

TEST(Lookalike, ProtectedDomainsAndUnrelatedHostsAreNotFlagged) {
    EXPECT_FALSE(small().check("paypal.com"));
    EXPECT_FALSE(small().check("www.paypal.com"));
    EXPECT_FALSE(small().check("checkout.paypal.com"));
    EXPECT_FALSE(small().check("google.de"));
    EXPECT_FALSE(small().check("example.org"));
    EXPECT_FALSE(small().check("wikipedia.org"));
    EXPECT_FALSE(small().check("192.168.1.1"));
    EXPECT_FALSE(small().check("com"));
    EXPECT_FALSE(small().check(""));
    EXPECT_FALSE(small().check("..."));
    EXPECT_TRUE(small().is_protected("paypal.com"));
    EXPECT_FALSE(small().is_protected("paypa1.com"));
}

TEST(Lookalike, EveryTyposquattingFamily) {
    expect_match("paypalx.com", "paypal.com", T::kAddition, 1);
    expect_match("paypam.com", "paypal.com", T::kBitsquatting, 1);     // l (0x6c) -> m (0x6d)
    expect_match("pay-pal.com", "paypal.com", T::kHyphenation, 1);
    expect_match("payopal.com", "paypal.com", T::kInsertion, 1);
    expect_match("paypl.com", "paypal.com", T::kOmission, 1);
    expect_match("paypall.com", "paypal.com", T::kRepetition, 1);
    expect_match("paypak.com", "paypal.com", T::kReplacement, 1);
    expect_match("pay.pal.com", "paypal.com", T::kSubdomain, 0);
    expect_match("p.aypal.com", "paypal.com", T::kSubdomain, 0);
    expect_match("papyal.com", "paypal.com", T::kTransposition, 1);
    expect_match("paypol.com", "paypal.com", T::kVowelSwap, 1);
    expect_match("paypal.co", "paypal.com", T::kTldSwap, 0);
    expect_match("paypal.co.uk", "paypal.com", T::kTldSwap, 0);
    expect_match("paypal-login.com", "paypal.com", T::kDictionary, 0);
    expect_match("mypaypal.com", "paypal.com", T::kDictionary, 0);
    expect_match("paypal-secure-login.com", "paypal.com", T::kCombo, 0);
    expect_match("paypal.com.account-verify.ru", "paypal.com", T::kBrandInSubdomain, 0);
    expect_match("www.paypal.com.account-verify.ru", "paypal.com", T::kBrandInSubdomain, 0);
    expect_match("paypal.account-verify.ru", "paypal.com", T::kBrandInSubdomain, 0);
    expect_match("paypa1.com", "paypal.com", T::kHomoglyph, 1);
    expect_match("rnicrosoft.com", "microsoft.com", T::kHomoglyph);
    // Distance 2 only for long labels.
    expect_match("americnexpres.com", "americanexpress.com", T::kTypo, 2);
    expect_match("wellsfargoo.com", "wellsfargo.com", T::kRepetition, 1);
}

TEST(Lookalike, IdnHomoglyphs) {
    expect_match("xn--pypal-4ve.com", "paypal.com", T::kHomoglyph, 1);  // Cyrillic а in paypal
    auto ascii = to_ascii("p\xD0\xB0yp\xD0\xB0l.com");                  // two Cyrillic а
    ASSERT_TRUE(ascii.ok());
    expect_match(ascii.value(), "paypal.com", T::kHomoglyph, 2);
    auto accented = to_ascii("f\xC3\xA0" "cebook.com");                 // à
    ASSERT_TRUE(accented.ok());
    expect_match(accented.value(), "facebook.com", T::kHomoglyph);
    // A confusable plus a typo still points at the brand.
    auto typo = to_ascii("p\xD0\xB0yp\xD0\xB0ll.com");
    ASSERT_TRUE(typo.ok());
    expect_match(typo.value(), "paypal.com", T::kHomoglyph);
    EXPECT_FALSE(small().check("xn--zz-invalid.com"));  // undecodable punycode is not an error
    auto unrelated = to_ascii("\xD0\xBC\xD0\xB8\xD1\x80.com");  // мир: no brand
    ASSERT_TRUE(unrelated.ok());
    EXPECT_FALSE(small().check(unrelated.value()));
}

TEST(Lookalike, ShortLabelsDoNotMatchByEdits) {
    // ebay, bing, qq are protected but too short for edit-distance matching: innocent names at
    // distance 1 (king, ring, ebby) must not be flagged.
    EXPECT_FALSE(small().check("king.com"));
    EXPECT_FALSE(small().check("ring.com"));
    EXPECT_FALSE(small().check("ebby.com"));
    EXPECT_FALSE(small().check("qa.com"));
    EXPECT_FALSE(small().check("appl.com"));
    // ... but an intact short brand is still a tld-swap, and a 3+ letter confusable still counts.
    expect_match("ebay.net", "ebay.com", T::kTldSwap, 0);
    expect_match("bin9.com", "", T::kNone);
    auto cyrillic_i = to_ascii("b\xD1\x96ng.com");  // Cyrillic і
    ASSERT_TRUE(cyrillic_i.ok());
    expect_match(cyrillic_i.value(), "bing.com", T::kHomoglyph, 1);
    EXPECT_FALSE(small().check("b1ng.com"));  // UTS #39: 1 looks like l, not i
    // Stop words ("news") are not brands: no tld-swap, no subdomain hit.
    EXPECT_FALSE(small().check("news.org"));
    EXPECT_FALSE(small().check("news.example.org"));
}

TEST(Lookalike, TieBreaksOnRank) {
    // "dock" is protected but "clock" is only a confusable of it when written "cl"+"ock".
    expect_match("clock.com", "dock.com", T::kHomoglyph);
    EXPECT_FALSE(small().check("dock.com"));
}

TEST(Lookalike, NearestOtherIgnoresOwnDomain) {
    EXPECT_FALSE(small().check("google.de"));
    const LookalikeMatch m = small().nearest_other("google.de");
    EXPECT_EQ(m.lookalike_of, "google.com");
    EXPECT_EQ(m.technique, T::kTldSwap);
    EXPECT_FALSE(small().nearest_other("wellsfargo.com"));
}

TEST(Lookalike, OptionsRestrictTheList) {
    LookalikeOptions options;
    options.max_domains = 2;  // google.com, paypal.com
    const auto d = LookalikeDetector::build(small_list(), psl(), options);
    EXPECT_EQ(d.protected_count(), 2u);
    EXPECT_EQ(d.check("paypa1.com").lookalike_of, "paypal.com");
    EXPECT_FALSE(d.check("rnicrosoft.com"));
}

// check_unlisted() skips the protected-domain probe for domains BrandList does not rank, and
// prefetch() only loads cache lines: neither may change an answer. Every permutation of every
// protected domain (most of them match, through every technique) plus the protected domains.
TEST(Lookalike, CheckUnlistedAndPrefetchAgreeWithCheck) {
    EXPECT_TRUE(small().built_from(small_list()));
    size_t compared = 0, matched = 0, embedded = 0;
    for (const std::string& domain : small_list().ranked_domains()) {
        auto perms = permute(domain, psl());
        ASSERT_TRUE(perms.ok()) << domain;
        std::vector<std::string> hosts{domain, "www." + domain, "login." + domain + ".evil.ru"};
        for (const auto& p : *perms) hosts.push_back(p.domain);
        for (const std::string& host : hosts) {
            const auto parts = psl().split(host);
            const LookalikeMatch expected = small().check(host, parts);
            const std::string_view label = parts.registrable.substr(
                0, parts.registrable.size() - std::min(parts.registrable.size(), parts.suffix.size() + 1));
            small().prefetch(label);
            const LookalikeMatch again = small().check(host, parts);
            EXPECT_EQ(again.technique, expected.technique) << host;
            EXPECT_EQ(again.lookalike_of, expected.lookalike_of) << host;
            if (small_list().rank(parts.registrable) != 0) continue;
            const LookalikeMatch unlisted = small().check_unlisted(host, parts);
            EXPECT_EQ(unlisted.technique, expected.technique) << host;
            EXPECT_EQ(unlisted.distance, expected.distance) << host;
            EXPECT_EQ(unlisted.lookalike_of, expected.lookalike_of) << host;
            // ... and with the label's brand scan done by the caller.
            LookalikeDetector::BrandHits hits;
            small_list().for_each_brand(label, [&](std::string_view b, size_t begin, size_t end) { hits.add(b, begin, end); });
            const LookalikeMatch scanned = small().check_unlisted(host, parts, &hits);
            EXPECT_EQ(scanned.technique, expected.technique) << host;
            EXPECT_EQ(scanned.lookalike_of, expected.lookalike_of) << host;
            embedded += scanned.technique == T::kDictionary || scanned.technique == T::kCombo;
            ++compared;
            matched += static_cast<bool>(expected);
        }
    }
    EXPECT_GT(compared, 1000u);
    EXPECT_GT(matched, compared / 2);
    EXPECT_GT(embedded, 10u);
}

// The deletion filter's buckets for the shortest labels (one-letter labels delete to "").
TEST(Lookalike, OneAndTwoLetterLabelsWhenAllowed) {
    LookalikeOptions options;
    options.min_length_distance1 = 1;
    options.min_length_any_rank = 1;
    options.min_length_skeleton = 100;
    options.min_length_exact = 100;
    const BrandList list = BrandList::from_domains({"ab.com", "kq.com", "x.com"}, psl());  // rank breaks ties
    const auto d = LookalikeDetector::build(list, psl(), options);
    EXPECT_EQ(d.check("y.com").lookalike_of, "x.com");   // "" = "" after one deletion each
    EXPECT_EQ(d.check("xz.com").lookalike_of, "x.com");  // addition
    EXPECT_EQ(d.check("b.com").lookalike_of, "ab.com");  // omission of the first letter
    EXPECT_EQ(d.check("k.com").lookalike_of, "kq.com");  // omission of the last letter
    EXPECT_EQ(d.check("aab.com").lookalike_of, "ab.com");
    EXPECT_EQ(d.check("ba.com").lookalike_of, "ab.com");  // transposition
    EXPECT_EQ(d.check("ba.com").technique, T::kTransposition);
    EXPECT_FALSE(d.check("zzz.com"));
}

TEST(Lookalike, HostileInputIsHarmless) {
    const std::string long_label(300, 'a');
    EXPECT_FALSE(small().check(long_label + ".com"));
    EXPECT_FALSE(small().check(std::string(70, 'a') + "." + std::string(70, 'b') + ".com"));
    std::string dots(1000, '.');
    EXPECT_FALSE(small().check(dots));
    EXPECT_FALSE(small().check("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.paypal.com.evil.ru").lookalike_of.empty());
    for (int c = 0; c < 256; ++c) {
        std::string host = "pay";
        host.push_back(static_cast<char>(c));
        host += "pal.com";
        (void)small().check(host);
    }
}

TEST(Lookalike, TechniqueNamesRoundTrip) {
    for (size_t i = 0; i < kLookalikeTechniqueCount; ++i) {
        const auto t = static_cast<T>(i);
        EXPECT_EQ(technique_from_string(to_string(t)), t);
    }
    EXPECT_FALSE(technique_from_string("bogus").has_value());
}

TEST(DomainReport, FormsAndLookalike) {
    auto r = make_domain_report("P\xD0\xB0ypal.COM.", psl(), small());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->ascii, "xn--pypal-4ve.com");
    EXPECT_EQ(r->unicode, "p\xD0\xB0ypal.com");
    EXPECT_TRUE(r->has_punycode);
    EXPECT_EQ(r->registrable_domain, "xn--pypal-4ve.com");
    EXPECT_EQ(r->public_suffix, "com");
    EXPECT_FALSE(r->is_protected);
    EXPECT_EQ(r->lookalike.lookalike_of, "paypal.com");
    EXPECT_EQ(r->lookalike.technique, T::kHomoglyph);

    auto p = make_domain_report("www.paypal.com", psl(), small());
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(p->is_protected);
    EXPECT_EQ(p->protected_rank, 2u);
    EXPECT_FALSE(p->lookalike);

    auto suffix = make_domain_report("co.uk", psl(), small());
    ASSERT_TRUE(suffix.ok());
    EXPECT_TRUE(suffix->registrable_domain.empty());
    EXPECT_EQ(suffix->public_suffix, "co.uk");
}

TEST(DomainReport, RejectsInvalidNames) {
    for (std::string bad : {std::string(), std::string("."), std::string("a..b"), std::string(".a.com"),
                            std::string(254, 'a'), std::string(64, 'a') + ".com", std::string(2000, 'a'),
                            std::string("-a.com"), std::string("a-.com"), std::string("a_b.com"), std::string("a b.com"),
                            std::string("1.2.3.4"), std::string("[::1]"), std::string("::1"), std::string("a\0b.com", 7),
                            std::string("\xFF\xFE.com"), std::string("xn--.com")}) {
        auto r = make_domain_report(bad, psl(), small());
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, vigil::ErrorCode::kInvalidArgument) << bad;
            EXPECT_FALSE(r.error().message.empty());
        }
    }
    EXPECT_TRUE(make_domain_report(std::string(63, 'a') + ".com", psl(), small()).ok());
}

TEST(Permutations, EveryFamilyIsGenerated) {
    auto p = permute("paypal.com", psl());
    ASSERT_TRUE(p.ok()) << p.error().message;
    std::array<size_t, kLookalikeTechniqueCount> counts{};
    std::set<std::string> seen;
    for (const auto& perm : *p) {
        ++counts[static_cast<size_t>(perm.technique)];
        EXPECT_TRUE(seen.insert(perm.domain).second) << "duplicate " << perm.domain;
        EXPECT_NE(perm.domain, "paypal.com");
    }
    for (T t : {T::kAddition, T::kBitsquatting, T::kHomoglyph, T::kHyphenation, T::kInsertion, T::kOmission,
                T::kRepetition, T::kReplacement, T::kSubdomain, T::kTransposition, T::kVowelSwap, T::kTldSwap,
                T::kDictionary, T::kCombo}) {
        EXPECT_GT(counts[static_cast<size_t>(t)], 0u) << to_string(t);
    }
    EXPECT_TRUE(seen.count("xn--pypal-4ve.com"));
    EXPECT_TRUE(seen.count("paypal-secure-login.com"));
    EXPECT_TRUE(seen.count("pay.pal.com"));
    EXPECT_TRUE(seen.count("paypal.net"));
}

TEST(Permutations, RejectsHostsWithoutLabel) {
    EXPECT_FALSE(permute("", psl()).ok());
    EXPECT_FALSE(permute("com", psl()).ok());
    EXPECT_FALSE(permute("co.uk", psl()).ok());
    EXPECT_FALSE(permute("bad host!.com", psl()).ok());
    EXPECT_TRUE(permute("www.example.co.uk", psl()).ok());
}

}  // namespace
