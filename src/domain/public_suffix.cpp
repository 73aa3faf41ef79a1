#include "vigil/domain/public_suffix.hpp"

#include <libpsl.h>

#include <array>
#include <cstring>
#include <system_error>
#include <vector>

#include "vigil/core/text_file.hpp"
#include "vigil/domain/flat_string_map.hpp"
#include "vigil/domain/idn.hpp"

namespace vigil::domain {
namespace {

constexpr const char* kDebianDat = "/usr/share/publicsuffix/public_suffix_list.dat";
constexpr const char* kDebianDafsa = "/usr/share/publicsuffix/public_suffix_list.dafsa";

// libpsl wants NUL-terminated input; hosts are short, so copy into a stack buffer (no heap on the
// hot path) and fall back to a std::string only for absurdly long names.
class CString {
public:
    explicit CString(std::string_view s) {
        if (s.size() < buf_.size()) {
            std::memcpy(buf_.data(), s.data(), s.size());
            buf_[s.size()] = '\0';
            ptr_ = buf_.data();
        } else {
            heap_.assign(s);
            ptr_ = heap_.c_str();
        }
    }
    const char* c_str() const { return ptr_; }

private:
    std::array<char, 256> buf_;
    std::string heap_;
    const char* ptr_ = nullptr;
};

bool looks_like_ip(std::string_view host) {
    if (host.empty()) return false;
    if (host.front() == '[') return true;
    for (char c : host) {
        if ((c < '0' || c > '9') && c != '.') return false;
    }
    return true;
}

// PSL rules by name, with flags: the name is a rule, "*.name" is a rule, "!name" is a rule.
struct RuleIndex {
    // kHasChildren: some longer rule ends with this name, so a walk from the right must go on.
    enum : uint8_t { kRule = 1, kWildcardChildren = 2, kException = 4, kHasChildren = 8 };
    void add(std::string_view name, uint8_t flag) { map.insert(name, flag, /*merge_or=*/true); }
    uint8_t flags(std::string_view name) const { return static_cast<uint8_t>(map.find(name)); }
    uint8_t flags(std::string_view name, uint64_t reverse_hash) const {
        return static_cast<uint8_t>(map.find_prehashed(name, reverse_hash));
    }
    FlatStringMap map{FlatStringMap::KeyHash::kReverse};
    size_t max_labels = 1;
};

Result<RuleIndex> load_rules(const std::filesystem::path& path) {
    RuleIndex index;
    size_t rules = 0;
    auto lines = for_each_line(path, [&](std::string_view line) {
        const size_t end = line.find_first_of(" \t\r");
        line = line.substr(0, end);
        if (line.empty() || line.substr(0, 2) == "//") return;
        uint8_t flag = RuleIndex::kRule;
        if (line.front() == '!') {
            flag = RuleIndex::kException;
            line.remove_prefix(1);
        } else if (line.substr(0, 2) == "*.") {
            flag = RuleIndex::kWildcardChildren;
            line.remove_prefix(2);
        }
        auto ascii = to_ascii(line);  // IDN rules are written in Unicode
        if (!ascii.ok() || ascii->empty()) return;
        size_t labels = 1;
        for (char c : ascii.value()) labels += c == '.';
        if (flag == RuleIndex::kWildcardChildren) ++labels;
        index.max_labels = std::max(index.max_labels, labels);
        index.add(ascii.value(), flag);
        for (size_t dot = ascii->find('.'); dot != std::string::npos; dot = ascii->find('.', dot + 1)) {
            index.add(std::string_view(ascii.value()).substr(dot + 1), RuleIndex::kHasChildren);
        }
        ++rules;
    });
    if (!lines.ok()) return lines.error();
    if (rules < 100) return make_error(ErrorCode::kFormat, "not a public suffix list: " + path.string());
    return index;
}

}  // namespace

struct PublicSuffixList::Impl {
    // Owned unless it is libpsl's static built-in context (which must not be freed).
    psl_ctx_t* owned = nullptr;
    const psl_ctx_t* ctx = nullptr;
    std::string source;
    PslEngine engine = PslEngine::kLibpsl;
    RuleIndex index;
    ~Impl() {
        if (owned != nullptr) psl_free(owned);
    }

    // Length of the public suffix at the end of `host` (PSL algorithm: exception rules win,
    // else the longest matching rule, else the implicit "*" rule = last label).
    size_t suffix_length(std::string_view host) const {
        size_t best = 0;
        uint8_t parent_flags = 0;
        size_t labels = 0;
        size_t start = host.size();
        uint64_t h = FlatStringMap::kHashSeed;  // reverse hash of the current suffix, extended per label
        while (start > 0 && labels < index.max_labels) {
            const size_t dot = host.rfind('.', start - 1);
            const size_t label_start = dot == std::string_view::npos ? 0 : dot + 1;
            const std::string_view suffix = host.substr(label_start);
            h = FlatStringMap::prepend_reverse(h, host.substr(label_start, start - label_start + (start < host.size())));
            ++labels;
            const uint8_t flags = index.flags(suffix, h);
            if (flags & RuleIndex::kException) {
                return start < host.size() ? host.size() - start - 1 : 0;  // the exception's parent
            }
            // As libpsl does, "*.name" makes "name" itself a suffix too.
            if ((flags & (RuleIndex::kRule | RuleIndex::kWildcardChildren)) ||
                (parent_flags & RuleIndex::kWildcardChildren)) {
                best = suffix.size();
            }
            if (labels == 1 && best == 0) best = suffix.size();  // implicit "*" rule
            parent_flags = flags;
            // No rule is longer than this suffix, and a wildcard covers exactly one more label.
            if (!(flags & (RuleIndex::kHasChildren | RuleIndex::kWildcardChildren))) break;
            if (dot == std::string_view::npos) break;
            start = dot;
        }
        return best;
    }
};

PublicSuffixList::PublicSuffixList(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PublicSuffixList::PublicSuffixList(PublicSuffixList&&) noexcept = default;
PublicSuffixList& PublicSuffixList::operator=(PublicSuffixList&&) noexcept = default;
PublicSuffixList::~PublicSuffixList() = default;

Result<PublicSuffixList> PublicSuffixList::load_file(const std::filesystem::path& path, PslEngine engine) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return make_error(ErrorCode::kNotFound, "public suffix list not found: " + path.string());
    }
    psl_ctx_t* ctx = psl_load_file(path.c_str());
    if (ctx == nullptr) {
        return make_error(ErrorCode::kFormat, "cannot load public suffix list: " + path.string());
    }
    auto impl = std::make_unique<Impl>();
    impl->owned = ctx;
    impl->ctx = ctx;
    impl->source = path.string();
    if (engine == PslEngine::kIndexed && path.extension() != ".dafsa") {
        auto index = load_rules(path);
        if (!index.ok()) return index.error();
        impl->index = std::move(index.value());
        impl->engine = PslEngine::kIndexed;
    }
    return PublicSuffixList(std::move(impl));
}

Result<PublicSuffixList> PublicSuffixList::load_default(PslEngine engine) {
    for (const char* candidate : {kDebianDat, kDebianDafsa}) {
        auto loaded = load_file(candidate, engine);
        if (loaded.ok()) return loaded;
    }
    const psl_ctx_t* builtin = psl_builtin();
    if (builtin == nullptr) {
        return make_error(ErrorCode::kNotFound, "no public suffix list: install Debian package 'publicsuffix'");
    }
    auto impl = std::make_unique<Impl>();
    impl->ctx = builtin;
    impl->source = "builtin";
    return PublicSuffixList(std::move(impl));
}

std::string_view PublicSuffixList::registrable_domain(std::string_view host) const {
    if (host.empty() || looks_like_ip(host)) return host;
    if (impl_->engine == PslEngine::kIndexed) {
        const size_t suffix = impl_->suffix_length(host);
        if (suffix >= host.size()) return host;  // a bare suffix
        const size_t dot = host.rfind('.', host.size() - suffix - 2);
        return dot == std::string_view::npos ? host : host.substr(dot + 1);
    }
    CString c(host);
    const char* reg = psl_registrable_domain(impl_->ctx, c.c_str());
    if (reg == nullptr) return host;
    return host.substr(static_cast<size_t>(reg - c.c_str()));
}

std::string_view PublicSuffixList::public_suffix(std::string_view host) const {
    if (host.empty() || looks_like_ip(host)) return {};
    if (impl_->engine == PslEngine::kIndexed) return host.substr(host.size() - impl_->suffix_length(host));
    CString c(host);
    const char* suffix = psl_unregistrable_domain(impl_->ctx, c.c_str());
    if (suffix == nullptr) return {};
    return host.substr(static_cast<size_t>(suffix - c.c_str()));
}

bool PublicSuffixList::is_public_suffix(std::string_view host) const {
    if (host.empty()) return false;
    if (impl_->engine == PslEngine::kIndexed) return !looks_like_ip(host) && impl_->suffix_length(host) == host.size();
    CString c(host);
    return psl_is_public_suffix2(impl_->ctx, c.c_str(), PSL_TYPE_ANY) != 0;
}

PublicSuffixList::Parts PublicSuffixList::split(std::string_view host) const {
    if (host.empty() || looks_like_ip(host)) return {host, {}};
    if (impl_->engine != PslEngine::kIndexed) return {registrable_domain(host), public_suffix(host)};
    const size_t suffix = impl_->suffix_length(host);
    const std::string_view suffix_view = host.substr(host.size() - suffix);
    if (suffix >= host.size()) return {host, suffix_view};
    const size_t dot = host.rfind('.', host.size() - suffix - 2);
    return {dot == std::string_view::npos ? host : host.substr(dot + 1), suffix_view};
}

const std::string& PublicSuffixList::source() const { return impl_->source; }
PslEngine PublicSuffixList::engine() const { return impl_->engine; }

}  // namespace vigil::domain
