// Guards bit-identical outputs of url::parse, url::canonicalize and UrlFeatureExtractor over
// every real URL we have (plus mutated copies that hit the parser's edge cases). The bundled
// model was trained on these feature rows, so an optimisation may change how they are computed,
// never what they are. Digests live in tests/data/feature_digests.tsv; after a deliberate
// change (a new kFeaturesVersion), regenerate them with
//   VIGIL_UPDATE_FEATURE_DIGESTS=1 build/tests/unit/features/feature_digest_test
// and VIGIL_FEATURE_DIGEST_DUMP=DIR writes one line per input to DIR/<source>.txt, so two dumps
// (before/after) can be diffed to find the input that changed.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../../support/boost_url_oracle.hpp"
#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/features/url_features.hpp"
#include "vigil/url/url.hpp"

namespace {

using namespace vigil;
namespace fs = std::filesystem;

const fs::path kDigestFile = fs::path(VIGIL_SOURCE_DIR) / "tests" / "data" / "feature_digests.tsv";

// Sanitizer builds are ~20x slower: there every 10th input still runs through parse,
// canonicalize, the Boost.URL oracle and extraction (memory errors, reuse), but digests, which
// need every input, are not compared (the release build compares them).
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kInputStride = 10;
#else
constexpr size_t kInputStride = 1;
#endif

class Sha256 {
public:
    Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
    void add(std::string_view s) { EVP_DigestUpdate(ctx_.get(), s.data(), s.size()); }
    void add(const void* p, size_t n) { EVP_DigestUpdate(ctx_.get(), p, n); }
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        EVP_DigestFinal_ex(ctx_.get(), md, &n);
        return url::to_hex(md, n);
    }

private:
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

struct Source {
    std::string name;
    std::vector<std::string> inputs;
};

// Values of column `column` (by header name; "" = the whole line of a headerless file).
std::vector<std::string> read_column(const fs::path& path, std::string_view column) {
    std::vector<std::string> out;
    if (column.empty()) {
        auto n = for_each_line(path, [&](std::string_view line) { out.emplace_back(line); });
        EXPECT_TRUE(n.ok()) << path;
        return out;
    }
    auto text = read_file(path);
    EXPECT_TRUE(text.ok()) << path;
    if (!text.ok()) return out;
    CsvReader reader(text.value());
    std::vector<std::string> fields;
    int col = -1;
    while (reader.next(fields)) {
        if (col < 0) {
            const auto it = std::find(fields.begin(), fields.end(), column);
            EXPECT_NE(it, fields.end()) << path << " has no column " << column;
            if (it == fields.end()) return out;
            col = static_cast<int>(it - fields.begin());
            continue;
        }
        if (static_cast<size_t>(col) < fields.size()) out.push_back(std::move(fields[col]));
    }
    return out;
}

// Deterministic hostile copies of real URLs: bytes that parsers treat specially, inserted at
// random places, plus whole-authority tricks (userinfo, ports, IP literals, case, IDN).
std::vector<std::string> mutate(const std::vector<std::string>& urls, size_t count) {
    static constexpr std::string_view kBytes[] = {
        " ", "%", "%2", "%41", "%C3%A9", "%00", "@", ":", ":80", ":99999", "[", "]", "[::1]", "\\", "\t", "\n",
        "#", "?", "/", "//", "..", ".", "\xC3\xBC", "\xFF", "\x01", "\x7F", "xn--", "xn--pypal-4ve", "~", "|",
        "{", "\"", "<", "'", "^", "`", "+", "=", "&", ";", ",", "!", "$", "*", "(", "0x", "1.2.3.4", "A", "WWW.",
    };
    static constexpr std::string_view kPrefixes[] = {
        "", "http://", "HTTPS://", "//", "ftp://", "mailto:", "http:/", "https://user:pw@", "http://a@b@",
        "http://[2001:db8::1]:8080/", "http://0x7f.1/", "http://3232235777/", " \t", "http://xn--mnchen-3ya.de/",
    };
    std::vector<std::string> out;
    uint64_t state = 0x9E3779B97F4A7C15ULL;
    const auto next = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<size_t>(state >> 33);
    };
    for (size_t i = 0; i < count && !urls.empty(); ++i) {
        std::string u = urls[next() % urls.size()];
        const size_t edits = 1 + next() % 3;
        for (size_t e = 0; e < edits; ++e) {
            const std::string_view b = kBytes[next() % std::size(kBytes)];
            u.insert(u.empty() ? 0 : next() % (u.size() + 1), b);
        }
        if (next() % 4 == 0) u.insert(0, kPrefixes[next() % std::size(kPrefixes)]);
        if (next() % 8 == 0) {
            for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        out.push_back(std::move(u));
    }
    return out;
}

std::vector<Source> load_sources() {
    const fs::path data = data_dir(VIGIL_SOURCE_DIR);
    std::vector<Source> sources;
    sources.push_back({"phishstorm", read_column(data / "url/phishstorm/urls.csv.gz", "url")});
    sources.push_back({"hannousse2021", read_column(data / "url/hannousse2021/dataset_phishing.csv.gz", "url")});
    sources.push_back({"ebbu2017", read_column(data / "url/ebbu2017/ebbu2017_urls.csv.gz", "url")});
    sources.push_back({"phishtank", read_column(data / "intel/phishtank-2021-03/verified_online.csv.gz", "url")});
    sources.push_back({"tranco100k", read_column(data / "domains/tranco/tranco_top100k.csv.gz", "")});
    std::vector<std::string> seeds = sources[0].inputs;
    seeds.insert(seeds.end(), sources[1].inputs.begin(), sources[1].inputs.end());
    sources.push_back({"mutated", mutate(seeds, 40000)});
    Source corpus{"fuzz_corpus", {}};
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fs::path(VIGIL_SOURCE_DIR) / "tests/fuzz/corpus/url")) {
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        corpus.inputs.push_back(ss.str());
    }
    sources.push_back(std::move(corpus));
    return sources;
}

void append_parsed(std::string& line, const Result<url::ParsedUrl>& r) {
    if (!r.ok()) {
        line.push_back('E');
        line += std::to_string(static_cast<int>(r.error().code));
        return;
    }
    const url::ParsedUrl& u = r.value();
    const auto field = [&](std::string_view s) {
        line += s;
        line.push_back('\x1F');
    };
    field(u.scheme);
    field(u.had_scheme ? "1" : "0");
    field(u.userinfo);
    field(u.has_userinfo ? "1" : "0");
    field(u.host);
    field(u.host_unicode);
    field(std::to_string(static_cast<int>(u.host_kind)));
    field(u.port ? std::to_string(*u.port) : "-");
    field(u.path);
    field(u.query);
    field(u.has_query ? "1" : "0");
    field(u.fragment);
    field(u.has_fragment ? "1" : "0");
    field(u.raw);
}

struct Digest {
    size_t inputs = 0;
    size_t parsed = 0;
    std::string parse, canonical, features;
};

std::map<std::string, Digest> read_digests() {
    std::map<std::string, Digest> out;
    std::ifstream in(kDigestFile);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::string name;
        Digest d;
        fields >> name >> d.inputs >> d.parsed >> d.parse >> d.canonical >> d.features;
        out[name] = d;
    }
    return out;
}

class FeatureDigest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto p = domain::PublicSuffixList::load_default();
        ASSERT_TRUE(p.ok());
        psl_ = new domain::PublicSuffixList(std::move(p.value()));
        auto b = domain::BrandList::load(data_dir(VIGIL_SOURCE_DIR) / "domains" / "top-10000.csv.gz", *psl_);
        ASSERT_TRUE(b.ok()) << b.error().message;
        brands_ = new domain::BrandList(std::move(b.value()));
        extractor_ = new features::UrlFeatureExtractor(*psl_, *brands_);
    }
    static void TearDownTestSuite() {
        delete extractor_;
        delete brands_;
        delete psl_;
    }
    static domain::PublicSuffixList* psl_;
    static domain::BrandList* brands_;
    static features::UrlFeatureExtractor* extractor_;
};
domain::PublicSuffixList* FeatureDigest::psl_ = nullptr;
domain::BrandList* FeatureDigest::brands_ = nullptr;
features::UrlFeatureExtractor* FeatureDigest::extractor_ = nullptr;

TEST_F(FeatureDigest, ParseCanonicalizeAndFeaturesAreUnchanged) {
    const char* dump_dir = std::getenv("VIGIL_FEATURE_DIGEST_DUMP");
    const bool update = std::getenv("VIGIL_UPDATE_FEATURE_DIGESTS") != nullptr;
    const auto expected = read_digests();
    std::ostringstream table;
    table << "# source inputs parsed sha256(parse) sha256(canonicalize) sha256(features+lookalike); see "
             "tests/unit/features/feature_digest_test.cpp\n";
    size_t total = 0;
    for (const Source& source : load_sources()) {
        ASSERT_FALSE(source.inputs.empty()) << source.name;
        std::ofstream dump;
        if (dump_dir != nullptr) dump.open(fs::path(dump_dir) / (source.name + ".txt"), std::ios::binary);
        Sha256 parse_hash, canonical_hash, feature_hash;
        Digest d;
        std::string line, reused_line;
        url::ParsedUrl reused;
        for (size_t k = 0; k < source.inputs.size(); k += kInputStride) {
            const std::string& input = source.inputs[k];
            ++d.inputs;
            line.clear();
            const auto parsed = url::parse(input);
            append_parsed(line, parsed);
            line.push_back('\n');
            // Parsing into a reused object must give the same result as a fresh parse.
            const Status reused_status = url::parse(input, reused);
            ASSERT_EQ(reused_status.ok(), parsed.ok()) << input;
            if (parsed.ok()) {
                reused_line.clear();
                append_parsed(reused_line, reused);
                reused_line.push_back('\n');
                ASSERT_EQ(reused_line, line) << input;
            }
            parse_hash.add(line);
            const auto canonical = url::canonicalize(input);
            std::string c = "E";
            if (canonical.ok()) {
                c = canonical.value();
            } else {
                c += std::to_string(static_cast<int>(canonical.error().code));
            }
            canonical_hash.add(c);
            canonical_hash.add("\n", 1);
            std::string row;
            if (parsed.ok()) {
                ++d.parsed;
                const std::string disagreement = url::testing::boost_url_disagreement(parsed.value());
                EXPECT_TRUE(disagreement.empty()) << disagreement;
                features::FeatureVector v{};
                domain::LookalikeMatch m;
                extractor_->extract(parsed.value(), v, &m);
                feature_hash.add(v.data(), sizeof(float) * v.size());
                row = std::to_string(static_cast<int>(m.technique)) + "," + std::to_string(m.distance) + "," +
                      std::to_string(m.rank) + "," + std::string(m.lookalike_of) + "\n";
                feature_hash.add(row);
                if (dump.is_open()) {
                    char buf[32];
                    for (float f : v) row.append(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%.9g ", f)));
                }
            }
            if (dump.is_open()) {
                dump << line << (parsed.ok() ? "" : parsed.error().message + "\n") << c << "\n" << row << "\n";
            }
        }
        d.parse = parse_hash.hex();
        d.canonical = canonical_hash.hex();
        d.features = feature_hash.hex();
        total += d.parsed;
        table << source.name << "\t" << d.inputs << "\t" << d.parsed << "\t" << d.parse << "\t" << d.canonical << "\t"
              << d.features << "\n";
        if (update || kInputStride != 1) continue;
        const auto it = expected.find(source.name);
        ASSERT_NE(it, expected.end()) << source.name << " missing from " << kDigestFile;
        const Digest& e = it->second;
        EXPECT_EQ(d.inputs, e.inputs) << source.name << ": the data file changed";
        EXPECT_EQ(d.parsed, e.parsed) << source.name << ": url::parse accepts a different set of inputs";
        EXPECT_EQ(d.parse, e.parse) << source.name << ": url::parse output changed";
        EXPECT_EQ(d.canonical, e.canonical) << source.name << ": url::canonicalize output changed";
        EXPECT_EQ(d.features, e.features) << source.name << ": feature rows or lookalike matches changed";
    }
    EXPECT_GE(total * kInputStride, 100000u) << "fewer feature rows than the check promises";
    if (update && kInputStride == 1) {
        std::ofstream(kDigestFile) << table.str();
        std::printf("wrote %s\n", kDigestFile.c_str());
    }
}

}  // namespace
