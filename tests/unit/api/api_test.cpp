// Unit tests of the HTTP-agnostic api module: JSON writer, router, problems, severity, and the
// check handlers' validation over a tiny hand-made model.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "vigil/api/check_routes.hpp"
#include "vigil/api/json_writer.hpp"
#include "vigil/api/problem.hpp"
#include "vigil/api/router.hpp"
#include "vigil/api/url_checker.hpp"
#include "tiny_url_model.hpp"

namespace vigil::api {
namespace {

namespace json = boost::json;

TEST(JsonWriter, EscapesControlQuotesAndInvalidUtf8) {
    std::string out;
    append_json_string(out, std::string("a\"b\\c\n\x01\xff\xc3\xbc", 10));
    EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\xC3\xBC\"");
    json::error_code ec;
    json::parse(out, ec);
    EXPECT_FALSE(ec);
}

TEST(JsonWriter, WritesNestedStructuresAndNullForNaN) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().field("a", 1).key("b").begin_array().value(1.5).value(std::nan("")).end_array();
    w.field("c", true).end_object();
    EXPECT_EQ(out, R"({"a":1,"b":[1.5,null],"c":true})");
}

TEST(JsonWriter, DoublesKeepSixSignificantDigitsAndIntegersStayShort) {
    std::string out;
    JsonWriter w(out);
    w.begin_array().value(34.0).value(-2.0).value(0.0).value(999999.0).value(1e6).value(0.999993).value(-3.349536);
    w.value(123456.5).value(1e-7).end_array();
    EXPECT_EQ(out, "[34,-2,0,999999,1e+06,0.999993,-3.34954,123456,1e-07]");
}

// The one-append fast path (plain strings up to the stack buffer) and the escaping path must write the
// same JSON: random strings of every length around the buffer size, plain or with one hostile byte, read
// back by Boost.JSON, inside an array so the prefix/suffix punctuation is checked too.
TEST(JsonWriter, FastAndEscapingPathsRoundTripThroughBoostJson) {
    uint64_t state = 12345;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<unsigned>(state >> 33);
    };
    const std::string specials = std::string("\"\\\n\t\x01\x7f", 6) + "\xc3\xbc";
    for (size_t len : {0, 1, 15, 16, 200, 250, 251, 252, 253, 254, 255, 256, 257, 600, 9000}) {
        for (int variant = 0; variant < 3; ++variant) {
            std::string s(len, 'a');
            for (char& c : s) c = static_cast<char>(0x20 + next() % 95);  // printable ASCII, '"' and '\' included
            if (variant == 1) {
                for (char& c : s)
                    if (c == '"' || c == '\\') c = 'x';  // purely plain: the fast path when short
            }
            if (variant == 2 && len > 0) s.insert(next() % len, specials);
            std::string out = "[";
            append_json_string(out, "k", {}, ",");
            append_json_string(out, s, {}, "]");
            json::error_code ec;
            const json::value v = json::parse(out, ec);
            ASSERT_FALSE(ec) << "len " << len << " variant " << variant << ": " << out;
            ASSERT_EQ(v.as_array().size(), 2u);
            EXPECT_EQ(v.as_array()[0].as_string(), "k");
            EXPECT_EQ(std::string_view(v.as_array()[1].as_string()), s) << "len " << len << " variant " << variant;
        }
    }
}

// write_json_number's own fixed-notation path must write exactly what std::to_chars(general, 6) writes:
// random magnitudes over the whole double range, values near every decade and near rounding ties.
TEST(JsonWriter, NumbersMatchToCharsGeneralSixDigits) {
    uint64_t state = 99;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 11;
    };
    auto check = [](double d) {
        char want[64];
        char got[64];
        const auto w = std::to_chars(want, want + sizeof want, d, std::chars_format::general, 6).ptr;
        const auto g = write_json_number(got, d);
        ASSERT_EQ(std::string(got, g), std::string(want, w)) << std::hexfloat << d;
    };
    for (int i = 0; i < 300000; ++i) {
        const double unit = static_cast<double>(next()) / 9007199254740992.0;  // [0, 1)
        const double magnitude = std::pow(10.0, -7.0 + 15.0 * static_cast<double>(next() % 1000) / 1000.0);
        check((i % 2 ? -1 : 1) * unit * magnitude);
        // Near ties: k.5 at the sixth digit of every decade, and a few ulps around it.
        const int decade = static_cast<int>(next() % 11) - 5;
        const double tie = (std::floor(unit * 900000.0) + 100000.5) * std::pow(10.0, decade - 5);
        check(std::nextafter(tie, 0.0));
        check(tie);
        check(std::nextafter(tie, 1e300));
    }
    for (int e = -8; e <= 8; ++e) {
        const double p = std::pow(10.0, e);
        for (double v : {p, std::nextafter(p, 0.0), std::nextafter(p, 1e300), p * 0.9999995, p * 0.99999949, p * 0.9999996})
            check(v), check(-v);
    }
}

// The verdict serialiser sizes its output once: hostile and long strings (each escaped byte grows up
// to six times) must still come out as exactly the values put in.
TEST(VerdictJson, HostileStringsRoundTripThroughBoostJson) {
    auto v = std::make_shared<UrlVerdict>();
    v->canonical_url = "http://a.b/" + std::string(3000, '\x01') + "\"\\\xff\xc3\xbc";
    v->registrable_domain = "a.b";
    v->verdict = VerdictLabel::kSuspicious;
    v->score = 0.61234567;
    v->severity = Severity::kMedium;
    v->reasons.push_back(Reason{"rule", "lookalike:brand-in-subdomain", 1.0, 0.0, std::string(500, '\n')});
    v->reasons.push_back(Reason{"feature", "host_length", 34.0, -1.25, {}});
    v->explanation = "path";
    v->model_name = "m";
    v->model_version = "1";
    const std::string url = std::string(2000, '"') + "\x7f";
    std::string out = "prefix";
    append_verdict_json(out, url, UrlCheck{v, true, 42});
    ASSERT_EQ(out.substr(0, 6), "prefix");
    const auto o = json::parse(out.substr(6)).as_object();
    EXPECT_EQ(o.at("url").as_string(), url);
    // The invalid byte 0xff becomes U+FFFD; everything else is kept.
    EXPECT_EQ(o.at("canonical_url").as_string(), "http://a.b/" + std::string(3000, '\x01') + "\"\\\xEF\xBF\xBD\xc3\xbc");
    EXPECT_EQ(o.at("verdict").as_string(), "suspicious");
    EXPECT_EQ(o.at("severity").as_string(), "MEDIUM");
    EXPECT_DOUBLE_EQ(o.at("score").to_number<double>(), 0.612346);
    const auto& reasons = o.at("reasons").as_array();
    ASSERT_EQ(reasons.size(), 2u);
    EXPECT_EQ(reasons[0].as_object().at("detail").as_string(), std::string(500, '\n'));
    EXPECT_FALSE(reasons[1].as_object().contains("detail"));
    EXPECT_EQ(reasons[1].as_object().at("value").to_number<double>(), 34.0);
    EXPECT_EQ(reasons[1].as_object().at("contribution").to_number<double>(), -1.25);
    EXPECT_EQ(o.at("explanation").as_string(), "path");
    EXPECT_EQ(o.at("model").as_object().at("version").as_string(), "1");
    EXPECT_TRUE(o.at("cached").as_bool());
    EXPECT_EQ(o.at("took_us").as_int64(), 42);
}

TEST(Severity, ThresholdsFollowTheContract) {
    EXPECT_EQ(severity_from_score(0.8), Severity::kHigh);
    EXPECT_EQ(severity_from_score(0.7999), Severity::kMedium);
    EXPECT_EQ(severity_from_score(0.5), Severity::kMedium);
    EXPECT_EQ(severity_from_score(0.3), Severity::kLow);
    EXPECT_EQ(severity_from_score(0.2999), Severity::kInfo);
}

TEST(Problem, HasTheRfc7807Fields) {
    auto r = problem(415, "x", "Title", "detail \"quoted\"");
    EXPECT_EQ(r.status, 415u);
    EXPECT_EQ(r.content_type, "application/problem+json");
    auto o = json::parse(r.body).as_object();
    EXPECT_EQ(o.at("status").as_int64(), 415);
    EXPECT_EQ(o.at("title").as_string(), "Title");
    EXPECT_EQ(o.at("detail").as_string(), "detail \"quoted\"");
    EXPECT_EQ(o.at("type").as_string(), "https://vigil.dev/problems/x");
}

TEST(Router, MatchesExactAndPrefixAndAnswers404And405) {
    Router router;
    router.add(Method::kPost, "/a", "/a", [](const HttpRequest&) { HttpResponse r;
        r.status = 201;
        return r;
    });
    router.add(Method::kGet, "/d/*", "/d/{name}", [](const HttpRequest&) { HttpResponse r;
        r.status = 202;
        return r;
    });
    HttpResponse fallback;
    HttpRequest req;
    req.method = Method::kPost;
    req.path = "/a";
    auto m = router.match(req, fallback);
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ((*m.handler)(req).status, 201u);

    req.method = Method::kGet;
    m = router.match(req, fallback);
    EXPECT_EQ(m.handler, nullptr);
    EXPECT_EQ(fallback.status, 405u);
    ASSERT_FALSE(fallback.headers.empty());
    EXPECT_EQ(fallback.headers[0].second, "POST");

    req.path = "/d/example.com";
    m = router.match(req, fallback);
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.route_label, "/d/{name}");
    req.method = Method::kHead;
    EXPECT_NE(router.match(req, fallback).handler, nullptr);

    req.path = "/d/";  // prefix needs a non-empty rest
    EXPECT_EQ(router.match(req, fallback).handler, nullptr);
    EXPECT_EQ(fallback.status, 404u);
}

using test_support::tiny_model_json;

class CheckRoutesTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto psl = domain::PublicSuffixList::load_default();
        ASSERT_TRUE(psl.ok()) << psl.error().message;
        psl_ = std::make_unique<domain::PublicSuffixList>(std::move(*psl));
        brands_ = domain::BrandList::from_domains({"paypal.com", "google.com"});
        auto forest = ml::Forest::parse_xgboost_json(tiny_model_json());
        ASSERT_TRUE(forest.ok()) << forest.error().message;
        forest_ = std::make_unique<ml::Forest>(std::move(*forest));
        checker_ = std::make_unique<UrlChecker>(UrlModel{forest_.get(), 0.5, "tiny", "1"}, *psl_, brands_,
                                                UrlCheckerOptions{});
        add_check_routes(router_, *checker_, CheckRoutesOptions{}, [this](const UrlCheck&) { ++observed_; });
    }

    HttpResponse post(std::string_view path, std::string_view body, std::string_view type = "application/json") {
        HttpRequest req;
        req.method = Method::kPost;
        req.path = path;
        req.content_type = type;
        req.body = body;
        HttpResponse fallback;
        auto m = router_.match(req, fallback);
        return m.handler ? (*m.handler)(req) : fallback;
    }

    std::unique_ptr<domain::PublicSuffixList> psl_;
    domain::BrandList brands_;
    std::unique_ptr<ml::Forest> forest_;
    std::unique_ptr<UrlChecker> checker_;
    Router router_;
    int observed_ = 0;
};

TEST_F(CheckRoutesTest, ScoresAndObserves) {
    auto r = post("/api/v1/check", R"({"url":"http://a-rather-long-host-name.example.com/some/long/path"})");
    ASSERT_EQ(r.status, 200u) << r.body;
    auto o = json::parse(r.body).as_object();
    EXPECT_EQ(o.at("verdict").as_string(), "phishing");
    EXPECT_NEAR(o.at("score").to_number<double>(), 1.0 / (1.0 + std::exp(-3.0)), 1e-5);
    EXPECT_EQ(o.at("explanation").as_string(), "path");  // default: exact values come later, via the cache
    ASSERT_EQ(o.at("reasons").as_array().size(), 1u);
    EXPECT_EQ(observed_, 1);

    auto short_url = json::parse(post("/api/v1/check", R"({"url":"a.com"})").body).as_object();
    EXPECT_EQ(short_url.at("verdict").as_string(), "benign");
    EXPECT_EQ(short_url.at("explanation").as_string(), "path");
}

TEST_F(CheckRoutesTest, ValidationErrors) {
    EXPECT_EQ(post("/api/v1/check", "{").status, 400u);
    EXPECT_EQ(post("/api/v1/check", "[]").status, 400u);
    EXPECT_EQ(post("/api/v1/check", "{}").status, 400u);
    EXPECT_EQ(post("/api/v1/check", R"({"url":1})").status, 400u);
    EXPECT_EQ(post("/api/v1/check", R"({"url":""})").status, 400u);
    EXPECT_EQ(post("/api/v1/check", R"({"url":"a.com","x":1})").status, 400u);
    EXPECT_EQ(post("/api/v1/check", R"({"url":"a.com","explain":"maybe"})").status, 400u);
    EXPECT_EQ(post("/api/v1/check", R"({"url":"a.com"})", "text/plain").status, 415u);
    EXPECT_EQ(post("/api/v1/check", R"({"url":"http://a.com/)" + std::string(9000, 'x') + "\"}").status, 413u);
    EXPECT_EQ(post("/api/v1/check", R"({"url":[[[[[[[[[[[[1]]]]]]]]]]]]})").status, 400u);
    EXPECT_EQ(observed_, 0);
}

TEST_F(CheckRoutesTest, BatchKeepsOrderAndReportsBadEntries) {
    auto r = post("/api/v1/check/batch", R"({"urls":["a.com","http://","b.com"]})");
    ASSERT_EQ(r.status, 200u) << r.body;
    auto results = json::parse(r.body).at("results").as_array();
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].at("url").as_string(), "a.com");
    EXPECT_TRUE(results[1].as_object().contains("error"));
    EXPECT_EQ(results[2].at("url").as_string(), "b.com");
    EXPECT_EQ(observed_, 2);
    EXPECT_EQ(post("/api/v1/check/batch", R"({"urls":[]})").status, 400u);
    EXPECT_EQ(post("/api/v1/check/batch", R"({"urls":"a.com"})").status, 400u);
}

TEST_F(CheckRoutesTest, CacheServesRepeatsAndExactBypassesIt) {
    ASSERT_EQ(post("/api/v1/check", R"({"url":"repeat.example/x"})").status, 200u);
    auto again = json::parse(post("/api/v1/check", R"({"url":"REPEAT.example/x"})").body).as_object();
    EXPECT_TRUE(again.at("cached").as_bool());
    auto exact = json::parse(post("/api/v1/check", R"({"url":"repeat.example/x","explain":"exact"})").body).as_object();
    EXPECT_FALSE(exact.at("cached").as_bool());
    EXPECT_EQ(exact.at("explanation").as_string(), "treeshap");
}

}  // namespace
}  // namespace vigil::api
