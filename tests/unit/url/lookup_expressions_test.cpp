// for_each_lookup_expression against the straightforward implementation it replaced (kept here as the
// oracle): same expressions in the same order, for canonical URLs from the data and for hand-made
// non-canonical ones, with the default options, Google's 7 host components and options past the
// visitor's on-stack scratch.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/url/url.hpp"

namespace {

using vigil::url::LookupOptions;

std::vector<std::string> oracle(std::string_view canonical_url, const LookupOptions& options) {
    std::vector<std::string> out;
    std::string_view rest = canonical_url;
    if (const size_t sep = rest.find("://"); sep != std::string_view::npos) rest.remove_prefix(sep + 3);
    const size_t slash = rest.find('/');
    const std::string_view host = rest.substr(0, slash);
    if (host.empty()) return out;
    std::string_view path_query = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    const size_t qmark = path_query.find('?');
    const std::string_view path = path_query.substr(0, qmark);
    const std::string_view query = qmark == std::string_view::npos ? std::string_view{} : path_query.substr(qmark + 1);
    std::vector<std::string_view> hosts{host};
    if (!(host.front() == '[' || vigil::url::normalize_ipv4(host).has_value())) {
        std::vector<size_t> label_starts{0};
        for (size_t i = 0; i < host.size(); ++i)
            if (host[i] == '.') label_starts.push_back(i + 1);
        const size_t labels = label_starts.size();
        const size_t longest = std::min(labels - 1, options.max_host_components);
        for (size_t k = longest; k >= 2; --k) hosts.push_back(host.substr(label_starts[labels - k]));
    }
    std::vector<std::string> paths{"/"};
    std::vector<std::string_view> components;
    size_t start = 0;
    while (start < path.size()) {
        size_t next = path.find('/', start);
        if (next == std::string_view::npos) next = path.size();
        if (next > start) components.push_back(path.substr(start, next - start));
        start = next + 1;
    }
    const size_t prefixes = std::min(components.size(), options.max_path_components);
    std::string prefix = "/";
    for (size_t i = 1; i < prefixes; ++i) {
        prefix.append(components[i - 1]);
        prefix.push_back('/');
        paths.push_back(prefix);
    }
    if (path != "/") paths.emplace_back(path);
    if (!query.empty()) paths.push_back(std::string(path) + "?" + std::string(query));
    for (std::string_view h : hosts) {
        for (const std::string& p : paths) {
            std::string expr(h);
            expr += p;
            bool dup = false;
            for (const std::string& e : out) dup = dup || e == expr;
            if (!dup) out.push_back(std::move(expr));
        }
    }
    return out;
}

std::vector<std::string> visited(std::string_view url, const LookupOptions& options) {
    std::vector<std::string> out;
    vigil::url::for_each_lookup_expression(url, [&](std::string_view e) { out.emplace_back(e); }, options);
    return out;
}

std::vector<LookupOptions> option_sets() { return {LookupOptions{}, LookupOptions{7, 4}, LookupOptions{1, 1}, LookupOptions{40, 30}}; }

TEST(LookupExpressionVisitor, MatchesTheOracleOnHandMadeUrls) {
    const char* urls[] = {
        "http://a.b.c.d.e.f.g/1/2/3/4/5/6.html?x=1", "http://a.b/x//y//", "http://a.b", "http://a.b?q=1",
        "http://1.2.3.4/a/b?c", "http://[::1]/a/", "http://example.com/a/b/", "http://example.com/a/b//",
        "https://x.y.z/a/b/c/d/e/f/g/h/i/j/k", "a.b.c/1/2", "http://host/", "http://h.i/a?",
        "http://w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/21/22",
        "http:///nohost", "http://a..b/c"};
    for (const auto& options : option_sets()) {
        for (const char* url : urls) {
            EXPECT_EQ(visited(url, options), oracle(url, options))
                << url << " hosts " << options.max_host_components << " paths " << options.max_path_components;
            EXPECT_EQ(vigil::url::lookup_expressions(url, options), oracle(url, options)) << url;
        }
    }
}

TEST(LookupExpressionVisitor, MatchesTheOracleOnRealCanonicalUrlsWithoutCopying) {
    const auto path = vigil::data_dir(VIGIL_SOURCE_DIR) / "url" / "phishstorm" / "urls.csv.gz";
    auto text = vigil::read_file(path);
    ASSERT_TRUE(text.ok()) << text.error().message;
    size_t checked = 0, views = 0, total = 0;
    std::string_view all = *text;
    for (size_t line = 0, pos = 0; pos < all.size() && checked < 20000; ++line) {
        size_t end = all.find('\n', pos);
        if (end == std::string_view::npos) end = all.size();
        std::string_view row = all.substr(pos, end - pos);
        pos = end + 1;
        if (line == 0 || line % 5 != 0) continue;
        auto canonical = vigil::url::canonicalize(row.substr(0, row.rfind(',')));
        if (!canonical.ok()) continue;
        ++checked;
        for (const auto& options : option_sets()) ASSERT_EQ(visited(*canonical, options), oracle(*canonical, options)) << *canonical;
        vigil::url::for_each_lookup_expression(*canonical, [&](std::string_view e) {
            ++total;
            views += e.data() >= canonical->data() && e.data() + e.size() <= canonical->data() + canonical->size();
        });
    }
    EXPECT_GT(checked, 15000u);
    EXPECT_EQ(views, total) << "every expression of a canonical URL is a view into it";
}

}  // namespace
