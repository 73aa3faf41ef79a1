// Safe Browsing v4 lookup expressions: host suffixes x path prefixes of a canonical URL.
// https://developers.google.com/safe-browsing/v4/urls-hashing#suffixprefix-expressions
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/url/url.hpp"

namespace vigil::url {
namespace {

// Scratch on the stack for the default options (and Google's 7 host components); larger options
// use the heap.
constexpr size_t kInline = 16;

template <class T>
struct Scratch {
    std::array<T, kInline> inline_storage{};
    std::vector<T> heap;
    std::span<T> get(size_t n) {
        if (n <= kInline) return std::span<T>(inline_storage.data(), n);
        heap.resize(n);
        return heap;
    }
};

}  // namespace

// Every expression is a host suffix followed by a path candidate. In a canonical URL the host suffix
// ends where the path starts and each candidate ("/", "/a/", "/a/b", "/a/b?q") is a prefix of the text
// after the host, so the expression is a substring of the URL and is visited without being built.
void for_each_lookup_expression(std::string_view canonical_url, const ExpressionVisitor& visit,
                                const LookupOptions& options) {
    std::string_view rest = canonical_url;
    if (const size_t sep = rest.find("://"); sep != std::string_view::npos) rest.remove_prefix(sep + 3);
    const size_t slash = rest.find('/');
    const std::string_view host = rest.substr(0, slash);
    if (host.empty()) return;
    const std::string_view after_host = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    const std::string_view path_query = after_host.empty() ? std::string_view("/") : after_host;
    const size_t qmark = path_query.find('?');
    const std::string_view path = path_query.substr(0, qmark);
    const std::string_view query = qmark == std::string_view::npos ? std::string_view{} : path_query.substr(qmark + 1);

    // The full host, then its suffixes of max..2 components, longest first. The suffix of k
    // components starts after the k-th dot from the right.
    Scratch<std::string_view> host_scratch;
    Scratch<size_t> dot_scratch;
    const std::span<std::string_view> hosts = host_scratch.get(options.max_host_components + 1);
    size_t num_hosts = 0;
    hosts[num_hosts++] = host;
    if (host.front() != '[' && !normalize_ipv4(host).has_value()) {
        const std::span<size_t> after_dot = dot_scratch.get(options.max_host_components);
        size_t dots = 0;
        for (size_t i = host.size(); i-- > 0 && dots < after_dot.size();) {
            if (host[i] == '.') after_dot[dots++] = i + 1;
        }
        for (size_t k = dots; k >= 2; --k) hosts[num_hosts++] = host.substr(after_dot[k - 1]);
    }

    // Path candidates, each a view of the URL text after the host when it is one (always, for a
    // canonical URL), else a string of its own. Duplicates are skipped.
    const size_t max_paths = options.max_path_components + 2;
    Scratch<std::string_view> path_scratch;
    Scratch<std::string> owned_scratch;
    const std::span<std::string_view> paths = path_scratch.get(max_paths);
    const std::span<std::string> owned = owned_scratch.get(max_paths);
    size_t num_paths = 0;
    auto add_path = [&](std::string_view candidate) {
        for (size_t i = 0; i < num_paths; ++i)
            if (paths[i] == candidate) return;
        if (after_host.substr(0, candidate.size()) == candidate) {
            paths[num_paths++] = after_host.substr(0, candidate.size());
        } else {
            owned[num_paths] = std::string(candidate);
            paths[num_paths] = owned[num_paths];
            ++num_paths;
        }
    };
    add_path("/");
    // Prefix i (i >= 1) holds the first i non-empty path components, each followed by '/'; it exists
    // when i < max_path_components and another non-empty component follows.
    std::string prefix = "/";
    std::string_view previous;
    size_t seen = 0;
    for (size_t start = 0; start < path.size() && seen < options.max_path_components;) {
        size_t next = path.find('/', start);
        if (next == std::string_view::npos) next = path.size();
        if (next > start) {
            if (seen >= 1) {
                prefix.append(previous);
                prefix.push_back('/');
                add_path(prefix);
            }
            previous = path.substr(start, next - start);
            ++seen;
        }
        start = next + 1;
    }
    if (path != "/") add_path(path);
    if (!query.empty()) add_path(path_query);

    std::string built;  // only for a URL not in canonical form
    for (size_t h = 0; h < num_hosts; ++h) {
        const std::string_view hs = hosts[h];
        for (size_t p = 0; p < num_paths; ++p) {
            const std::string_view ps = paths[p];
            if (hs.data() + hs.size() == ps.data()) {
                visit(std::string_view(hs.data(), hs.size() + ps.size()));
            } else {
                built.assign(hs);
                built.append(ps);
                visit(built);
            }
        }
    }
}

std::vector<std::string> lookup_expressions(std::string_view canonical_url, const LookupOptions& options) {
    std::vector<std::string> out;
    for_each_lookup_expression(canonical_url, [&out](std::string_view e) { out.emplace_back(e); }, options);
    return out;
}

}  // namespace vigil::url
