// Payload signatures: classic attack requests match, ordinary requests (real legitimate URLs) do not.
#include <gtest/gtest.h>

#include <string>

#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/traffic/connection_rules.hpp"
#include "vigil/traffic/payload_signatures.hpp"

namespace vigil::traffic {
namespace {

namespace sig = payload_signature;

std::string get(std::string_view target) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: x\r\n\r\n";
}

TEST(PayloadSignatures, ClassicSqlInjectionsMatch) {
    for (const char* target : {
             "/dvwa/vulnerabilities/sqli/?id=%25%27+or+%270%27%3D%270&Submit=Submit",  // the DVWA capture's form
             "/item.php?id=1%20UNION%20SELECT%20null,version()--",
             "/item.php?id=1/**/UnIoN/**/SeLeCt/**/1,2,3",
             "/login?user=admin%27--&pass=x",
             "/search?q=%2527%2520or%25201%253D1",  // double-encoded ' or 1=1
             "/p?id=1;waitfor%20delay%20%270:0:5%27",
             "/p?id=1%20and%20sleep(5)",
             "/p?name=x%27%20or%20%27a%27=%27a",
         }) {
        EXPECT_EQ(web_attack_signatures(get(target)) & sig::kSqlInjection, sig::kSqlInjection) << target;
    }
    const std::string post =
        "POST /login HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
        "user=admin%27+or+1%3D1--&pw=x";
    EXPECT_NE(web_attack_signatures(post) & sig::kSqlInjection, 0);
}

TEST(PayloadSignatures, TraversalAndCommandInjectionMatch) {
    EXPECT_EQ(web_attack_signatures(get("/download?file=..%2F..%2F..%2Fetc%2Fpasswd")), sig::kPathTraversal);
    EXPECT_NE(web_attack_signatures(get("/ping?host=127.0.0.1%3Bcat%20%2Fetc%2Fshadow")) & sig::kCommandInjection, 0);
    EXPECT_EQ(payload_signature_name(sig::kSqlInjection | sig::kPathTraversal), "sql-injection");
    EXPECT_EQ(payload_signature_name(0), "");
}

TEST(PayloadSignatures, OrdinaryRequestsAndNonHttpDoNotMatch) {
    for (const char* target : {"/", "/index.html", "/search?q=union+station+selection", "/news/select-committee",
                               "/api?order=asc&sort=name", "/q?text=rock+%27n%27+roll+or+blues",
                               "/p?name=O%27Brien&city=Dublin", "/doc/../img/logo.png"}) {
        EXPECT_EQ(web_attack_signatures(get(target)), 0) << target;
    }
    EXPECT_EQ(web_attack_signatures("SSH-2.0-OpenSSH_9.2 ' or 1=1"), 0);  // only HTTP requests are read
    EXPECT_EQ(web_attack_signatures("HTTP/1.1 200 OK\r\n\r\nunion select"), 0);
    EXPECT_EQ(web_attack_signatures(""), 0);
}

// False matches on real legitimate URLs sent as request targets (the labelled sets' legitimate rows).
TEST(PayloadSignatures, RareOnRealLegitimateUrls) {
    const auto file = data_dir(VIGIL_SOURCE_DIR) / "url" / "phishstorm" / "urls.csv.gz";
    size_t n = 0, matched = 0;
    std::string examples;
    auto status = for_each_line(file, [&](std::string_view line) {
        const auto fields = split_csv_record(line);
        if (fields.size() < 2 || fields[1] != "0") return;
        const std::string& url = fields[0];
        const size_t slash = url.find('/');
        const std::string target = slash == std::string::npos ? "/" : url.substr(slash);
        ++n;
        if (web_attack_signatures(get(target)) != 0) {
            if (++matched <= 5) examples += target + "\n";
        }
    });
    if (!status.ok()) GTEST_SKIP() << file << ": " << status.error().message;
    ASSERT_GT(n, 10000u);
    EXPECT_LT(static_cast<double>(matched) / static_cast<double>(n), 0.001) << matched << " of " << n << "\n"
                                                                            << examples;
    std::printf("payload signatures on %zu legitimate request targets: %zu matched\n%s", n, matched,
                examples.c_str());
}

TEST(PayloadRule, FlagsTheConnectionAsR2LWithTheSignatureName) {
    ConnectionRules rules;
    Connection c;
    c.protocol = 6;
    c.payload_signatures = sig::kSqlInjection;
    TrafficVerdict v;
    v.probability = 0.1;
    ASSERT_TRUE(rules.apply(c, v));
    EXPECT_TRUE(v.attack);
    EXPECT_EQ(v.family, "R2L");
    EXPECT_GE(v.probability, 0.8);
    ASSERT_FALSE(v.reasons.empty());
    EXPECT_EQ(v.reasons.front().name, "rule:sql-injection");

    ConnectionRulesConfig off;
    off.payload.enabled = false;
    ConnectionRules disabled(off);
    TrafficVerdict w;
    EXPECT_FALSE(disabled.apply(c, w));
    EXPECT_FALSE(w.attack);
}

}  // namespace
}  // namespace vigil::traffic
