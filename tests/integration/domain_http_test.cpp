// Integration tests of GET /api/v1/domain/{name} and of the lookalike rule reason in verdicts,
// against the real `vigil serve` process.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdio>
#include <string>

#include "shared_server_test.hpp"
#include "test_server.hpp"

namespace vigil::testing {
namespace {

namespace json = boost::json;

class DomainRouteTest : public SharedServerTest<DomainRouteTest> {
public:
    static std::vector<std::string> server_flags() { return {}; }

protected:
    static json::object get_report(const std::string& name) {
        const HttpResult r = server_->get("/api/v1/domain/" + name);
        EXPECT_EQ(r.status, 200) << name << ": " << r.body;
        json::error_code ec;
        auto v = json::parse(r.body, ec);
        EXPECT_FALSE(ec) << r.body;
        return ec || !v.is_object() ? json::object{} : v.as_object();
    }
    static void expect_invalid(const std::string& target, int status = 400) {
        const HttpResult r = server_->get(target);
        EXPECT_EQ(r.status, status) << target << ": " << r.body;
        auto it = r.headers.find("content-type");
        ASSERT_NE(it, r.headers.end()) << target;
        EXPECT_EQ(it->second, "application/problem+json") << target;
        json::error_code ec;
        auto v = json::parse(r.body, ec);
        ASSERT_FALSE(ec) << r.body;
        EXPECT_TRUE(v.as_object().contains("detail"));
        EXPECT_EQ(v.as_object().at("status").as_int64(), status);
    }
};

TEST_F(DomainRouteTest, ProtectedDomain) {
    auto o = get_report("www.paypal.com");
    EXPECT_EQ(o.at("domain").as_string(), "www.paypal.com");
    EXPECT_EQ(o.at("registrable_domain").as_string(), "paypal.com");
    EXPECT_EQ(o.at("public_suffix").as_string(), "com");
    EXPECT_TRUE(o.at("protected").as_bool());
    EXPECT_GT(o.at("protected_rank").as_int64(), 0);
    EXPECT_TRUE(o.at("lookalike_of").is_null());
    EXPECT_TRUE(o.at("technique").is_null());
    EXPECT_TRUE(o.at("distance").is_null());
    EXPECT_FALSE(o.contains("age"));  // enrichment is later work
}

TEST_F(DomainRouteTest, Lookalikes) {
    auto typo = get_report("paypall.com");
    EXPECT_FALSE(typo.at("protected").as_bool());
    EXPECT_TRUE(typo.at("protected_rank").is_null());
    EXPECT_EQ(typo.at("lookalike_of").as_string(), "paypal.com");
    EXPECT_EQ(typo.at("technique").as_string(), "repetition");
    EXPECT_EQ(typo.at("distance").as_int64(), 1);

    auto idn = get_report("xn--pypal-4ve.com");
    EXPECT_TRUE(idn.at("punycode").as_bool());
    EXPECT_EQ(idn.at("unicode").as_string(), "p\xD0\xB0ypal.com");
    EXPECT_EQ(idn.at("technique").as_string(), "homoglyph");
    EXPECT_EQ(idn.at("lookalike_of").as_string(), "paypal.com");

    // The same name in Unicode, percent-encoded in the path.
    auto encoded = get_report("p%D0%B0ypal.com");
    EXPECT_EQ(encoded.at("domain").as_string(), "xn--pypal-4ve.com");
    EXPECT_EQ(encoded.at("technique").as_string(), "homoglyph");

    auto sub = get_report("paypal.com.account-verify.ru");
    EXPECT_EQ(sub.at("registrable_domain").as_string(), "account-verify.ru");
    EXPECT_EQ(sub.at("public_suffix").as_string(), "ru");
    EXPECT_EQ(sub.at("technique").as_string(), "brand-in-subdomain");

    auto unrelated = get_report("example-bakery-in-lyon.fr");
    EXPECT_TRUE(unrelated.at("lookalike_of").is_null());
    auto bare_suffix = get_report("co.uk");
    EXPECT_TRUE(bare_suffix.at("registrable_domain").is_null());
}

TEST_F(DomainRouteTest, InvalidNames) {
    expect_invalid("/api/v1/domain/");
    expect_invalid("/api/v1/domain/" + std::string(254, 'a'));
    expect_invalid("/api/v1/domain/" + std::string(64, 'a') + ".com");   // label over 63 bytes
    expect_invalid("/api/v1/domain/" + std::string(5000, 'a'));          // long before decoding
    expect_invalid("/api/v1/domain/a..com");
    expect_invalid("/api/v1/domain/-bad.com");
    expect_invalid("/api/v1/domain/under_score.com");
    expect_invalid("/api/v1/domain/1.2.3.4");
    expect_invalid("/api/v1/domain/%5B::1%5D");
    expect_invalid("/api/v1/domain/a%2");          // truncated escape
    expect_invalid("/api/v1/domain/a%zz.com");     // not hex
    expect_invalid("/api/v1/domain/a%00.com");     // encoded NUL
    expect_invalid("/api/v1/domain/a%2Fb.com");    // encoded slash
    expect_invalid("/api/v1/domain/a/b.com");      // two segments
    expect_invalid("/api/v1/domain/%FF%FE.com");   // invalid UTF-8
    expect_invalid("/api/v1/domain/a%20b.com");
    const HttpResult post = server_->post_json("/api/v1/domain/paypal.com", "{}");
    EXPECT_EQ(post.status, 405);
}

TEST_F(DomainRouteTest, VerdictCarriesLookalikeRule) {
    const HttpResult r = server_->post_json("/api/v1/check", R"({"url":"http://paypal.com.account-verify.ru/webscr"})");
    ASSERT_EQ(r.status, 200) << r.body;
    const json::value verdict = json::parse(r.body);
    const auto& o = verdict.as_object();
    bool found = false;
    for (const auto& reason : o.at("reasons").as_array()) {
        const auto& ro = reason.as_object();
        if (ro.at("kind").as_string() != "rule") continue;
        EXPECT_EQ(ro.at("name").as_string(), "lookalike:brand-in-subdomain");
        EXPECT_EQ(ro.at("detail").as_string(), "paypal.com");
        found = true;
    }
    EXPECT_TRUE(found) << r.body;

    const HttpResult clean = server_->post_json("/api/v1/check", R"({"url":"https://www.paypal.com/signin"})");
    ASSERT_EQ(clean.status, 200);
    const json::value clean_verdict = json::parse(clean.body);
    // Other rules (the popular-domain guard) may name the real domain; no lookalike rule may.
    for (const auto& reason : clean_verdict.as_object().at("reasons").as_array()) {
        const std::string_view name = reason.as_object().at("name").as_string();
        EXPECT_NE(name.substr(0, 10), "lookalike:") << clean.body;
    }
}

// Runs `vigil <args>` (arguments are fixed strings without shell metacharacters) and captures stdout.
struct CommandResult {
    int status = -1;
    std::string out;
};
CommandResult run_vigil(const std::string& args) {
    CommandResult r;
    const std::string command = vigil_binary().string() + " " + args + " 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return r;
    char buffer[4096];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, n);
    const int status = ::pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(BrandCommand, PermuteJsonAndText) {
    const auto json_run = run_vigil("brand permute paypal.com --json");
    ASSERT_EQ(json_run.status, 0);
    const json::value doc = json::parse(json_run.out);
    const auto& o = doc.as_object();
    EXPECT_EQ(o.at("domain").as_string(), "paypal.com");
    const auto& perms = o.at("permutations").as_array();
    EXPECT_EQ(static_cast<size_t>(o.at("count").as_int64()), perms.size());
    bool idn = false;
    for (const auto& p : perms) {
        const auto& po = p.as_object();
        EXPECT_NE(po.at("domain").as_string(), "paypal.com");
        if (po.at("domain").as_string() == "xn--pypal-4ve.com") {
            idn = true;
            EXPECT_EQ(po.at("technique").as_string(), "homoglyph");
            EXPECT_EQ(po.at("unicode").as_string(), "p\xD0\xB0ypal.com");
        }
    }
    EXPECT_TRUE(idn);

    const auto text = run_vigil("brand permute paypal.com");
    ASSERT_EQ(text.status, 0);
    EXPECT_NE(text.out.find("omission\tpaypl.com\n"), std::string::npos);
    EXPECT_NE(text.out.find("combo\tpaypal-secure-login.com\n"), std::string::npos);

    EXPECT_EQ(run_vigil("brand permute com").status, 1);
    EXPECT_EQ(run_vigil("brand permute").status, 2);
    EXPECT_EQ(run_vigil("brand permute a.com b.com").status, 2);
    EXPECT_EQ(run_vigil("brand frobnicate").status, 2);
    EXPECT_EQ(run_vigil("brand --help").status, 0);
}

TEST(BrandCommand, CheckHosts) {
    const auto r = run_vigil("brand check paypa1.com paypal.com a_b.com");
    EXPECT_EQ(r.status, 1);  // one invalid host
    std::vector<json::object> lines;
    size_t start = 0;
    for (size_t nl = r.out.find('\n'); nl != std::string::npos; start = nl + 1, nl = r.out.find('\n', start)) {
        lines.push_back(json::parse(r.out.substr(start, nl - start)).as_object());
    }
    ASSERT_EQ(lines.size(), 3u) << r.out;
    EXPECT_EQ(lines[0].at("lookalike_of").as_string(), "paypal.com");
    EXPECT_EQ(lines[0].at("technique").as_string(), "homoglyph");
    EXPECT_TRUE(lines[1].at("protected").as_bool());
    EXPECT_TRUE(lines[1].at("lookalike_of").is_null());
    EXPECT_TRUE(lines[2].contains("error"));
    EXPECT_EQ(run_vigil("brand check").status, 2);
    EXPECT_EQ(run_vigil("brand check --top 0 x.com").status, 2);
}

}  // namespace
}  // namespace vigil::testing
