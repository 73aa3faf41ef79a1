#include <gtest/gtest.h>

#include "vigil/core/text_file.hpp"
#include "vigil/intel/feed_parser.hpp"

namespace vigil::intel {
namespace {

std::string fixture(const std::string& name) {
    auto text = read_file(std::string(VIGIL_SOURCE_DIR) + "/tests/data/intel/" + name);
    EXPECT_TRUE(text.ok()) << name;
    return text.ok() ? *text : std::string();
}

std::vector<std::string> urls(const ParsedFeed& f) {
    std::vector<std::string> out;
    for (const auto& i : f.items) out.push_back(i.url);
    return out;
}

TEST(FeedParser, PhishTankCsvCountsMalformedAndInactive) {
    auto feed = parse_feed(fixture("phishtank_sample.csv"), FeedFormat::kPhishTank);
    ASSERT_TRUE(feed.ok()) << feed.error().message;
    EXPECT_EQ(feed->records, 5u);
    EXPECT_EQ(feed->malformed, 1u);  // the record with 4 fields
    EXPECT_EQ(feed->skipped, 1u);    // online = no
    ASSERT_EQ(feed->errors.size(), 1u);
    // The &amp; URL comes in both spellings; the quoted comma stays in the URL.
    EXPECT_EQ(urls(*feed), (std::vector<std::string>{"http://evil.example/login/",
                                                     "https://secure-paypal.example.net/webscr?cmd=_login&amp;x=1",
                                                     "https://secure-paypal.example.net/webscr?cmd=_login&x=1",
                                                     "http://multi.example/a,b"}));
}

TEST(FeedParser, PhishTankJson) {
    auto feed = parse_feed(fixture("phishtank_sample.json"), FeedFormat::kPhishTank);
    ASSERT_TRUE(feed.ok()) << feed.error().message;
    EXPECT_EQ(feed->records, 5u);
    EXPECT_EQ(feed->malformed, 2u);  // no url; not an object
    EXPECT_EQ(feed->skipped, 1u);
    EXPECT_EQ(urls(*feed), (std::vector<std::string>{"http://evil.example/login/",
                                                     "https://secure-paypal.example.net/webscr?cmd=_login"}));
}

TEST(FeedParser, PhishTankRejectsUnusableInput) {
    EXPECT_FALSE(parse_feed("{\"url\": 1}", FeedFormat::kPhishTank).ok());   // not an array
    EXPECT_FALSE(parse_feed("[1, 2", FeedFormat::kPhishTank).ok());          // broken JSON
    EXPECT_FALSE(parse_feed("a,b,c\n1,2,3\n", FeedFormat::kPhishTank).ok());  // no url column
    auto empty = parse_feed("", FeedFormat::kPhishTank);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->items.empty());
}

TEST(FeedParser, OpenPhishLines) {
    auto feed = parse_feed(fixture("openphish_sample.txt"), FeedFormat::kOpenPhish);
    ASSERT_TRUE(feed.ok());
    EXPECT_EQ(feed->records, 4u);
    EXPECT_EQ(feed->malformed, 1u);  // a URL with a space
    EXPECT_EQ(feed->items.size(), 3u);
    EXPECT_EQ(feed->items[1].url, "http://phish.example.org/account/verify.php");
}

TEST(FeedParser, UrlhausSkipsCommentsAndOffline) {
    auto feed = parse_feed(fixture("urlhaus_sample.csv"), FeedFormat::kUrlhaus);
    ASSERT_TRUE(feed.ok());
    EXPECT_EQ(feed->records, 4u);
    EXPECT_EQ(feed->malformed, 1u);
    EXPECT_EQ(feed->skipped, 1u);
    ASSERT_EQ(feed->items.size(), 2u);
    EXPECT_EQ(feed->items[0].url, "http://malware.example/bin.exe");
    EXPECT_EQ(feed->items[0].threat, ThreatType::kMalware);
    EXPECT_EQ(feed->items[1].url, "http://203.0.113.7:8080/i");
}

TEST(FeedParser, PlainSkipsCommentsAndBom) {
    auto feed = parse_feed("\xEF\xBB\xBF# c\r\nhttp://a.example/\r\n\r\nb.example/x\n", FeedFormat::kPlain);
    ASSERT_TRUE(feed.ok());
    EXPECT_EQ(urls(*feed), (std::vector<std::string>{"http://a.example/", "b.example/x"}));
    EXPECT_EQ(feed->malformed, 0u);
}

TEST(FeedParser, FormatNames) {
    for (auto f : {FeedFormat::kPhishTank, FeedFormat::kOpenPhish, FeedFormat::kUrlhaus, FeedFormat::kPlain}) {
        auto back = feed_format_from_string(to_string(f));
        ASSERT_TRUE(back.ok());
        EXPECT_EQ(*back, f);
    }
    EXPECT_FALSE(feed_format_from_string("PhishTank").ok());
}

TEST(FeedParser, HostileBytesNeverCrash) {
    std::string junk;
    for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 131 + 7) & 0xFF));
    for (auto f : {FeedFormat::kPhishTank, FeedFormat::kOpenPhish, FeedFormat::kUrlhaus, FeedFormat::kPlain}) {
        (void)parse_feed(junk, f);
        (void)parse_feed("\"unterminated,quote\n\"x", f);
    }
}

}  // namespace
}  // namespace vigil::intel
