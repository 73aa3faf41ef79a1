// The intel verdict rules (feeds, allow/deny/popular lists) on the URL checker, and the intel routes'
// pure cores (stats, hash-prefix list and find).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "vigil/api/intel_routes.hpp"
#include "vigil/api/intel_rules.hpp"
#include "vigil/api/url_checker.hpp"
#include "vigil/intel/hash_list.hpp"
#include "vigil/intel/hash_list_client.hpp"
#include "vigil/intel/hosting_platforms.hpp"

#include "../api/tiny_url_model.hpp"

namespace vigil::api {
namespace {

namespace json = boost::json;

using test_support::tiny_model_json;

std::vector<std::string> rule_names(const UrlVerdict& v) {
    std::vector<std::string> out;
    for (const auto& r : v.reasons) {
        if (r.kind == "rule") out.push_back(r.name);
    }
    return out;
}

class IntelRulesTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto psl = domain::PublicSuffixList::load_default();
        ASSERT_TRUE(psl.ok());
        psl_ = std::make_unique<domain::PublicSuffixList>(std::move(*psl));
        brands_ = domain::BrandList::from_domains({"paypal.com", "google.com"});
        auto forest = ml::Forest::parse_xgboost_json(tiny_model_json());
        ASSERT_TRUE(forest.ok());
        forest_ = std::make_unique<ml::Forest>(std::move(*forest));
        intel::RefreshStatus st;
        state_.replace_source("phishtank", "plain", "x",
                              intel::build_entries({{"http://evil.example/login/", intel::ThreatType::kPhishing},
                                                    {"https://sites.google.com/view/fake-login/", intel::ThreatType::kPhishing}},
                                                   1)
                                  .entries,
                              st);
        IntelRuleSet set;
        set.feeds = &state_;
        set.deny = intel::DomainList::from({"denied.example"});
        set.allow = intel::DomainList::from({"trusted-but-long-name-for-the-model.example", "denied.example"});
        set.popular = intel::DomainList::from({"google.com", "blogspot.com", "000webhostapp.com",
                                               "very-long-popular-domain-name.com"});
        UrlCheckerOptions options;
        options.rules = make_intel_rules(std::move(set));
        checker_ = std::make_unique<UrlChecker>(UrlModel{forest_.get(), 0.5, "tiny", "1"}, *psl_, brands_, options);
    }

    std::shared_ptr<const UrlVerdict> check(std::string_view url) {
        auto r = checker_->check(url);
        EXPECT_TRUE(r.ok()) << url;
        return r.ok() ? r->verdict : nullptr;
    }

    std::unique_ptr<domain::PublicSuffixList> psl_;
    domain::BrandList brands_;
    std::unique_ptr<ml::Forest> forest_;
    intel::IntelState state_;
    std::unique_ptr<UrlChecker> checker_;
};

TEST_F(IntelRulesTest, FeedHitIsPhishingWithSourceReason) {
    auto v = check("http://evil.example/login/x.php?session=1");  // short URL: the model says benign
    EXPECT_EQ(v->verdict, VerdictLabel::kPhishing);
    EXPECT_EQ(v->score, 1.0);
    EXPECT_EQ(v->severity, Severity::kHigh);
    EXPECT_EQ(rule_names(*v), std::vector<std::string>{"feed:phishtank"});
    EXPECT_TRUE(v->expression_keys.empty());  // the answer does not carry them
    EXPECT_EQ(check("http://evil.example/")->verdict, VerdictLabel::kBenign);
}

TEST_F(IntelRulesTest, FeedStateChangesApplyToCachedVerdicts) {
    const std::string url = "http://other.example/a";
    EXPECT_EQ(check(url)->verdict, VerdictLabel::kBenign);
    auto cached = checker_->check(url);
    ASSERT_TRUE(cached.ok());
    EXPECT_TRUE(cached->cached);
    intel::RefreshStatus st;
    state_.replace_source("openphish", "plain", "y",
                          intel::build_entries({{"http://other.example/", intel::ThreatType::kPhishing}}, 2).entries, st);
    auto now = checker_->check(url);
    ASSERT_TRUE(now.ok());
    EXPECT_TRUE(now->cached);
    EXPECT_EQ(now->verdict->verdict, VerdictLabel::kPhishing);
    EXPECT_EQ(rule_names(*now->verdict), std::vector<std::string>{"feed:openphish"});
    state_.replace_source("openphish", "plain", "y", {}, st);  // the feed dropped it
    EXPECT_EQ(check(url)->verdict, VerdictLabel::kBenign);
}

TEST_F(IntelRulesTest, PopularDomainCapsTheModelButNotUserSitesOrFeeds) {
    // Long URL on a popular domain: the model says phishing, the popular-domain rule caps it.
    auto v = check("https://www.very-long-popular-domain-name.com/");
    EXPECT_EQ(v->verdict, VerdictLabel::kSuspicious);
    EXPECT_LE(v->severity, Severity::kMedium);
    EXPECT_EQ(rule_names(*v), std::vector<std::string>{"popular-domain"});
    // blogspot.com is popular, but evil-login-page.blogspot.com is its own registrable domain (PSL private section).
    auto blog = check("https://evil-login-page-account.blogspot.com/");
    EXPECT_EQ(blog->verdict, VerdictLabel::kPhishing);
    EXPECT_TRUE(rule_names(*blog).empty());
    // 000webhostapp.com is not in the PSL: the hosting-platform list keeps users' sites out of the rule.
    auto host = check("https://paypal-login-verify.000webhostapp.com/");
    EXPECT_EQ(host->registrable_domain, "000webhostapp.com");
    EXPECT_EQ(host->verdict, VerdictLabel::kPhishing);
    // A feed hit on a popular domain (abused hosting) is still phishing.
    auto abused = check("https://sites.google.com/view/fake-login/");
    EXPECT_EQ(abused->verdict, VerdictLabel::kPhishing);
    EXPECT_EQ(rule_names(*abused)[0], "feed:phishtank");
}

TEST_F(IntelRulesTest, DenyBeatsAllowAndAllowMakesBenign) {
    auto denied = check("http://www.denied.example/");
    EXPECT_EQ(denied->verdict, VerdictLabel::kPhishing);
    auto names = rule_names(*denied);
    EXPECT_NE(std::find(names.begin(), names.end(), "deny-list"), names.end());
    auto allowed = check("https://trusted-but-long-name-for-the-model.example/some/long/path");
    EXPECT_EQ(allowed->verdict, VerdictLabel::kBenign);
    EXPECT_EQ(allowed->severity, Severity::kInfo);
    EXPECT_EQ(rule_names(*allowed), std::vector<std::string>{"allow-list"});
}

TEST(VerdictRules, PrecedenceAndLookalikeStyleRule) {
    auto model = std::make_shared<UrlVerdict>();
    model->verdict = VerdictLabel::kBenign;
    model->score = 0.1;
    model->reasons.push_back(Reason{"feature", "f", 1, -1, {}});
    const std::shared_ptr<const UrlVerdict> m = model;
    EXPECT_EQ(apply_rule_hits(m, {}), m);
    const RuleHit up[] = {{"lookalike:paypal.com", RuleEffect::kAtLeastSuspicious}};
    auto v = apply_rule_hits(m, up);
    EXPECT_EQ(v->verdict, VerdictLabel::kSuspicious);
    EXPECT_EQ(v->severity, Severity::kMedium);
    EXPECT_EQ(v->reasons.front().name, "lookalike:paypal.com");
    EXPECT_EQ(v->reasons.size(), 2u);
    const RuleHit both[] = {{"allow-list", RuleEffect::kBenign}, {"feed:x", RuleEffect::kPhishing}};
    EXPECT_EQ(apply_rule_hits(m, both)->verdict, VerdictLabel::kPhishing);
    EXPECT_EQ(canonical_host("http://a.b:8080/x"), "a.b");
    EXPECT_EQ(canonical_host("http://[::1]:80/"), "[::1]");
    EXPECT_EQ(canonical_host("http://a.b"), "a.b");
}

TEST(HostingPlatforms, UserContent) {
    EXPECT_TRUE(intel::is_user_content("x.000webhostapp.com", "/"));
    EXPECT_FALSE(intel::is_user_content("000webhostapp.com", "/"));
    EXPECT_TRUE(intel::is_user_content("docs.google.com", "/forms/d/e/x/viewform"));
    EXPECT_FALSE(intel::is_user_content("www.weebly.com", "/"));
    EXPECT_TRUE(intel::is_user_content("www.evernote.com", "/shard/s1/client/snv"));
    EXPECT_FALSE(intel::is_user_content("www.google.com", "/search"));
    EXPECT_FALSE(intel::is_user_content("notweebly.com", "/x"));
}

TEST(DomainList, LoadsRankedAndPlainLists) {
    auto l = intel::DomainList::from({"1,Google.com", "example.org.", " # not a comment here", ""});
    EXPECT_TRUE(l.contains("google.com"));
    EXPECT_TRUE(l.contains("example.org"));
    EXPECT_TRUE(l.matches("www.google.com", "google.com"));
    EXPECT_FALSE(l.matches("evil.blogspot.com", "evil.blogspot.com"));
    EXPECT_FALSE(intel::DomainList::load("/nonexistent/list.txt").ok());
}

class HashRoutesTest : public ::testing::Test {
protected:
    void load(std::vector<std::string> urls) {
        std::vector<intel::FeedItem> items;
        for (auto& u : urls) items.push_back({u, intel::ThreatType::kPhishing});
        state_.replace_source("pt", "plain", "x", intel::build_entries(items, 1).entries, intel::RefreshStatus{});
    }
    HttpResponse find(std::string body, std::string content_type = "application/json") {
        HttpRequest req;
        req.method = Method::kPost;
        req.content_type = content_type;
        req.body = body;
        return hashes_find_response(state_, req, options_);
    }
    intel::IntelState state_;
    IntelRoutesOptions options_;
};

TEST_F(HashRoutesTest, ListFullThenDiffThenUnknownState) {
    load({"http://a.example/", "http://b.example/"});
    auto full = hashes_list_response(state_, "", options_);
    ASSERT_EQ(full.status, 200u);
    auto u1 = intel::parse_list_update(full.body);
    ASSERT_TRUE(u1.ok()) << u1.error().message << full.body;
    EXPECT_TRUE(u1->full);
    auto list1 = intel::apply_update({}, *u1);
    ASSERT_TRUE(list1.ok());
    EXPECT_EQ(list1->size(), 2u);

    load({"http://b.example/", "http://c.example/", "http://d.example/"});
    auto diff = hashes_list_response(state_, "state=" + u1->new_state, options_);
    auto u2 = intel::parse_list_update(diff.body);
    ASSERT_TRUE(u2.ok());
    EXPECT_FALSE(u2->full);
    EXPECT_EQ(u2->additions.size(), 2u);
    EXPECT_EQ(u2->removal_indices.size(), 1u);
    auto list2 = intel::apply_update(*list1, *u2);
    ASSERT_TRUE(list2.ok()) << list2.error().message;
    EXPECT_EQ(*list2, state_.snapshot()->prefixes());
    EXPECT_NE(json::parse(diff.body).at("response_type").as_string(), "FULL_UPDATE");

    auto same = hashes_list_response(state_, "state=" + u2->new_state, options_);
    EXPECT_EQ(json::parse(same.body).at("response_type").as_string(), "NO_CHANGE");

    // A well-formed token this server does not know (another run): a full reset.
    auto unknown = hashes_list_response(state_, "state=12345-0123456789abcdef", options_);
    EXPECT_EQ(unknown.status, 200u);
    EXPECT_EQ(json::parse(unknown.body).at("response_type").as_string(), "FULL_UPDATE");
    EXPECT_EQ(hashes_list_response(state_, "state=garbage", options_).status, 400u);
    EXPECT_EQ(hashes_list_response(state_, "foo=1", options_).status, 400u);
    EXPECT_EQ(hashes_list_response(state_, "state=&&", options_).status, 200u);
}

TEST_F(HashRoutesTest, FindReturnsFullHashesForAPrefix) {
    load({"http://evil.example/login/"});
    const auto h = url::sha256("evil.example/login/");
    const std::string hex = url::to_hex(h.data(), 4);
    auto r = find(R"({"prefixes":[")" + hex + R"("]})");
    ASSERT_EQ(r.status, 200u) << r.body;
    const auto doc = json::parse(r.body);
    const auto& matches = doc.at("matches").as_array();
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(matches[0].at("hash").as_string(),
              intel::base64_encode(std::string_view(reinterpret_cast<const char*>(h.data()), 32)));
    EXPECT_EQ(matches[0].at("threat_type").as_string(), "phishing");
    EXPECT_EQ(matches[0].at("sources").as_array()[0].as_string(), "pt");
    EXPECT_EQ(matches[0].at("cache_duration").as_string(), "300s");
    EXPECT_EQ(doc.at("negative_cache_duration").as_string(), "300s");
    // Same prefix as base64, asked twice: one match.
    const std::string b64 = intel::base64_encode(std::string_view(reinterpret_cast<const char*>(h.data()), 4));
    auto twice = find(R"({"encoding":"base64","prefixes":[")" + b64 + R"(",")" + b64 + R"("]})");
    EXPECT_EQ(json::parse(twice.body).at("matches").as_array().size(), 1u);
    auto none = find(R"({"prefixes":["00000000"]})");
    EXPECT_TRUE(json::parse(none.body).at("matches").as_array().empty());
}

TEST_F(HashRoutesTest, FindValidatesEverything) {
    load({"http://a.example/"});
    EXPECT_EQ(find("{}", "text/plain").status, 415u);
    for (const char* bad : {"", "[]", "{", R"({"prefixes":"00000000"})", R"({"prefixes":[]})", R"({"prefixes":[1]})",
                            R"({"prefixes":["zz"]})", R"({"prefixes":["000000"]})", R"({"prefixes":["!!!!!!!!"]})",
                            R"({"prefixes":["00000000"],"x":1})", R"({"prefixes":["00000000"],"encoding":"b32"})",
                            R"({"encoding":"hex"})"}) {
        auto r = find(bad);
        EXPECT_EQ(r.status, 400u) << bad;
        EXPECT_EQ(r.content_type, "application/problem+json") << bad;
    }
    std::string many = R"({"prefixes":[)";
    for (int i = 0; i < 501; ++i) many += std::string(i ? "," : "") + "\"00000000\"";
    many += "]}";
    EXPECT_EQ(find(many).status, 413u);
}

TEST(IntelStatsJson, ListsSourcesAndIndex) {
    intel::IntelState state;
    state.declare_source("web", "openphish", "http://127.0.0.1/feed");
    intel::RefreshStatus st;
    st.time_ms = 1234;
    st.records = 3;
    state.replace_source("pt", "phishtank", "/f", intel::build_entries({{"http://a.example/", intel::ThreatType::kPhishing}}, 1).entries, st);
    state.record_failure("web", 999, "connection refused");
    const auto doc = json::parse(intel_stats_json(state.stats()));
    EXPECT_EQ(doc.at("entries").as_int64(), 1);
    EXPECT_EQ(doc.at("last_refresh_ms").as_int64(), 1234);
    EXPECT_EQ(doc.at("index").at("full_hashes").as_int64(), 1);
    const auto& sources = doc.at("sources").as_array();
    ASSERT_EQ(sources.size(), 2u);
    EXPECT_EQ(sources[0].at("last_refresh").at("status").as_string(), "error");
    EXPECT_EQ(sources[0].at("last_refresh").at("error").as_string(), "connection refused");
    EXPECT_EQ(sources[1].at("last_refresh").at("status").as_string(), "ok");
}

}  // namespace
}  // namespace vigil::api
