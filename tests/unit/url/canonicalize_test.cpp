// Data-driven Safe Browsing v4 tests: every vector in ../shared/data/url/canonicalization.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/url/url.hpp"

namespace {

namespace json = boost::json;
using vigil::url::canonicalize;
using vigil::url::lookup_expressions;

std::filesystem::path canon_dir() { return vigil::data_dir(VIGIL_SOURCE_DIR) / "url" / "canonicalization"; }

// Undoes the MANIFEST's C escaping: \t \n \r \\ \xHH.
std::string c_unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 >= s.size()) {
            out.push_back(s[i]);
            continue;
        }
        const char e = s[++i];
        if (e == 't') out.push_back('\t');
        else if (e == 'n') out.push_back('\n');
        else if (e == 'r') out.push_back('\r');
        else if (e == '\\') out.push_back('\\');
        else if (e == 'x' && i + 2 < s.size()) {
            out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            ADD_FAILURE() << "unknown escape \\" << e;
        }
    }
    return out;
}

std::vector<std::string> split_tabs(std::string_view line) {
    std::vector<std::string> fields;
    size_t start = 0;
    while (true) {
        const size_t tab = line.find('\t', start);
        fields.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    return fields;
}

// Rows of a TSV file after its header, fields C-unescaped.
std::vector<std::vector<std::string>> read_tsv(const std::filesystem::path& path) {
    std::vector<std::vector<std::string>> rows;
    bool header = true;
    auto n = vigil::for_each_line(path, [&](std::string_view line) {
        if (header) {
            header = false;
            return;
        }
        auto fields = split_tabs(line);
        for (auto& f : fields) f = c_unescape(f);
        rows.push_back(std::move(fields));
    });
    EXPECT_TRUE(n.ok()) << path;
    return rows;
}

// JSON string whose code points are bytes (each < 256) -> those bytes.
std::string latin1_bytes(const json::string& s) {
    std::string out;
    const std::string_view utf8(s.data(), s.size());
    for (size_t i = 0; i < utf8.size();) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            i += 1;
        } else {
            EXPECT_EQ(c & 0xE0, 0xC0) << "code point above U+07FF in input_latin1";
            out.push_back(static_cast<char>(((c & 0x1F) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3F)));
            i += 2;
        }
    }
    return out;
}

TEST(Canonicalize, SpecJsonlVectors) {
    size_t count = 0;
    auto n = vigil::for_each_line(canon_dir() / "safebrowsing_v4_canonicalize.jsonl", [&](std::string_view line) {
        if (line.empty()) return;
        const json::object obj = json::parse(line).as_object();
        const std::string input = latin1_bytes(obj.at("input_latin1").as_string());
        const std::string expected(obj.at("expected").as_string());
        auto got = canonicalize(input);
        ASSERT_TRUE(got.ok()) << input << ": " << got.error().message;
        EXPECT_EQ(got.value(), expected) << "input: " << input;
        ++count;
    });
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(count, 33u);
}

TEST(Canonicalize, SpecTsvVectors) {
    const auto rows = read_tsv(canon_dir() / "extra" / "canonicalization.tsv.gz");
    ASSERT_EQ(rows.size(), 33u);
    for (const auto& row : rows) {
        ASSERT_EQ(row.size(), 2u);
        auto got = canonicalize(row[0]);
        ASSERT_TRUE(got.ok()) << row[0] << ": " << got.error().message;
        EXPECT_EQ(got.value(), row[1]) << "input: " << row[0];
    }
}

TEST(Canonicalize, ExtraVectorsIncludingRejects) {
    const auto rows = read_tsv(canon_dir() / "extra" / "canonicalization_extra.tsv.gz");
    ASSERT_EQ(rows.size(), 24u);
    size_t rejects = 0;
    for (const auto& row : rows) {
        ASSERT_GE(row.size(), 2u);
        auto got = canonicalize(row[0]);
        if (row[1] == "<ERROR>") {
            ++rejects;
            EXPECT_FALSE(got.ok()) << "must reject '" << row[0] << "' but got " << (got.ok() ? got.value() : "");
        } else {
            ASSERT_TRUE(got.ok()) << row[0] << ": " << got.error().message;
            EXPECT_EQ(got.value(), row[1]) << "input: " << row[0];
        }
    }
    EXPECT_EQ(rejects, 15u);
}

TEST(Canonicalize, RejectsOversizeInput) {
    const std::string huge = "http://example.com/" + std::string(vigil::url::kMaxUrlBytes, 'a');
    auto got = canonicalize(huge);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, vigil::ErrorCode::kTooLarge);
}

TEST(LookupExpressions, SpecJsonlVectors) {
    size_t count = 0;
    auto n = vigil::for_each_line(canon_dir() / "safebrowsing_v4_expressions.jsonl", [&](std::string_view line) {
        if (line.empty()) return;
        const json::object obj = json::parse(line).as_object();
        const std::string input(obj.at("url").as_string());
        std::vector<std::string> expected;
        for (const auto& e : obj.at("expressions").as_array()) expected.emplace_back(e.as_string());
        auto canonical = canonicalize(input);
        ASSERT_TRUE(canonical.ok()) << input;
        auto got = lookup_expressions(canonical.value());
        std::sort(got.begin(), got.end());
        EXPECT_EQ(got, expected) << "url: " << input;
        ++count;
    });
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(count, 8u);
}

// Docs rows use the specification's 5 host components; rows from Google's Go client use its 7.
TEST(LookupExpressions, SuffixPrefixTsvExactSets) {
    const auto rows = read_tsv(canon_dir() / "extra" / "suffix_prefix_expressions.tsv.gz");
    ASSERT_EQ(rows.size(), 85u);
    std::map<std::pair<std::string, std::string>, std::set<std::string>> expected;  // (input, source)
    for (const auto& row : rows) {
        ASSERT_EQ(row.size(), 3u);
        expected[{row[0], row[2]}].insert(row[1]);
    }
    for (const auto& [key, want] : expected) {
        const auto& [input, source] = key;
        auto canonical = canonicalize(input);
        if (want.count("<ERROR>") != 0) {
            EXPECT_FALSE(canonical.ok()) << "must reject " << input;
            continue;
        }
        ASSERT_TRUE(canonical.ok()) << input;
        vigil::url::LookupOptions options;
        if (source.find("google/safebrowsing") != std::string::npos) options.max_host_components = 7;
        const auto got = lookup_expressions(canonical.value(), options);
        EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), want) << input << " (" << source << ")";
        EXPECT_EQ(got.size(), want.size()) << "duplicates for " << input;
    }
}

TEST(LookupExpressions, AtMostFiveHostsAndSixPaths) {
    const auto got = lookup_expressions("http://a.b.c.d.e.f.g/1/2/3/4/5/6.html?x=1");
    EXPECT_EQ(got.size(), 5u * 6u);
    EXPECT_EQ(got.front(), "a.b.c.d.e.f.g/");
}

TEST(Ipv4Normalization, GoClientVectors) {
    const auto rows = read_tsv(canon_dir() / "extra" / "ipv4_host_normalization.tsv.gz");
    ASSERT_EQ(rows.size(), 11u);
    for (const auto& row : rows) {
        const std::string expected = row.size() > 1 ? row[1] : "";
        const auto got = vigil::url::normalize_ipv4(row[0]);
        if (expected.empty()) {
            EXPECT_FALSE(got.has_value()) << row[0] << " -> " << got.value_or("");
        } else {
            ASSERT_TRUE(got.has_value()) << row[0];
            EXPECT_EQ(*got, expected) << row[0];
        }
    }
}

TEST(Ipv4Normalization, CommonForms) {
    EXPECT_EQ(vigil::url::normalize_ipv4("0x01020304"), "1.2.3.4");
    EXPECT_EQ(vigil::url::normalize_ipv4("16909060"), "1.2.3.4");
    EXPECT_EQ(vigil::url::normalize_ipv4("01.2.3.4"), "1.2.3.4");
    EXPECT_EQ(vigil::url::normalize_ipv4("1.2.772"), "1.2.3.4");
    EXPECT_EQ(vigil::url::normalize_ipv4("0300.0250.0.1"), "192.168.0.1");
    EXPECT_FALSE(vigil::url::normalize_ipv4("example.com").has_value());
    EXPECT_FALSE(vigil::url::normalize_ipv4("4294967296").has_value());  // over 32 bits
    EXPECT_FALSE(vigil::url::normalize_ipv4("1.2.3.4.5").has_value());
    EXPECT_FALSE(vigil::url::normalize_ipv4("").has_value());
    EXPECT_FALSE(vigil::url::normalize_ipv4("1..2").has_value());
}

TEST(HashPrefix, Fips180Vectors) {
    const auto rows = read_tsv(canon_dir() / "extra" / "hash_prefix.tsv.gz");
    ASSERT_EQ(rows.size(), 3u);
    for (const auto& row : rows) {
        ASSERT_EQ(row.size(), 4u);
        std::string input = row[0];
        if (input.rfind("a*1000000", 0) == 0) input = std::string(1000000, 'a');  // described, not spelled out
        const auto digest = vigil::url::sha256(input);
        EXPECT_EQ(vigil::url::to_hex(digest.data(), digest.size()), row[1]);
        EXPECT_EQ(vigil::url::hash_prefix_hex(input, std::stoul(row[2])), row[3]);
    }
}

}  // namespace
