#include "vigil/domain/permutations.hpp"

#include <array>
#include <set>
#include <utility>

#include "vigil/domain/idn.hpp"

namespace vigil::domain {
namespace {

// QWERTY neighbours (dnstwist's keyboard map) for insertion and replacement.
std::string_view keyboard_neighbours(char c) {
    switch (c) {
        case '1': return "2q";     case '2': return "3wq1";   case '3': return "4ew2";   case '4': return "5re3";
        case '5': return "6tr4";   case '6': return "7yt5";   case '7': return "8uy6";   case '8': return "9iu7";
        case '9': return "0oi8";   case '0': return "po9";    case 'q': return "12wa";   case 'w': return "3esaq2";
        case 'e': return "4rdsw3"; case 'r': return "5tfde4"; case 't': return "6ygfr5"; case 'y': return "7uhgt6";
        case 'u': return "8ijhy7"; case 'i': return "9okju8"; case 'o': return "0plki9"; case 'p': return "lo0";
        case 'a': return "qwsz";   case 's': return "edxzaw"; case 'd': return "rfcxse"; case 'f': return "tgvcdr";
        case 'g': return "yhbvft"; case 'h': return "ujnbgy"; case 'j': return "ikmnhu"; case 'k': return "olmji";
        case 'l': return "kop";    case 'z': return "asx";    case 'x': return "zsdc";   case 'c': return "xdfv";
        case 'v': return "cfgb";   case 'b': return "vghn";   case 'n': return "bhjm";   case 'm': return "njk";
        default: return "";
    }
}

// Look-alike replacements per letter (a subset of dnstwist's glyph table: Cyrillic, Greek and
// Latin letters with marks, and ASCII sequences). UTF-8.
std::vector<std::string_view> glyphs(char c) {
    switch (c) {
        case 'a': return {"à", "á", "â", "ã", "ä", "å", "ɑ", "а", "ạ"};
        case 'b': return {"lb", "ɓ", "ḃ", "ḅ"};
        case 'c': return {"ϲ", "с", "ƈ", "ċ", "ć", "ç"};
        case 'd': return {"cl", "ɗ", "đ", "ď", "ḋ", "ḍ"};
        case 'e': return {"é", "ê", "ë", "ē", "ĕ", "ě", "ė", "е", "ẹ", "ę"};
        case 'g': return {"ɡ", "ġ", "ğ", "ǵ", "ģ", "ĝ"};
        case 'h': return {"һ", "ḣ", "ḥ"};
        case 'i': return {"1", "í", "ï", "ı", "ɩ", "і", "ǐ", "ĭ"};
        case 'j': return {"ј", "ʝ"};
        case 'k': return {"ķ", "ḳ", "ĸ"};
        case 'l': return {"1", "ɫ", "ł", "ĺ", "ļ"};
        case 'm': return {"rn", "ṃ", "ɱ"};
        case 'n': return {"ń", "ñ", "ņ", "ň"};
        case 'o': return {"0", "ο", "о", "ȯ", "ọ", "ỏ", "ơ", "ó", "ö"};
        case 'p': return {"р", "ρ", "ṗ"};
        case 'q': return {"ԛ"};
        case 'r': return {"ŕ", "ř", "ɼ"};
        case 's': return {"ѕ", "ś", "ş", "š", "ʂ"};
        case 't': return {"ţ", "ť", "ƭ"};
        case 'u': return {"ս", "ú", "ü", "ǔ", "ŭ", "ụ"};
        case 'v': return {"ѵ", "ν"};
        case 'w': return {"vv", "ѡ", "ԝ", "ẉ"};
        case 'x': return {"х", "ẋ"};
        case 'y': return {"у", "ý", "ÿ", "ỵ"};
        case 'z': return {"ż", "ź", "ž", "ẓ"};
        default: return {};
    }
}

constexpr std::array<std::string_view, 24> kTlds = {"com", "net", "org", "info", "biz",  "co",  "io",   "app",
                                                     "xyz", "top", "online", "site", "shop", "live", "club", "us",
                                                     "ru",  "cn",  "de",  "uk",  "co.uk", "com.br", "in", "tk"};

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool is_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

class Collector {
public:
    Collector(std::string original, std::string_view suffix) : original_(std::move(original)), suffix_(suffix) {}
    // Adds label + "." + suffix (ASCII label; or UTF-8 then converted to punycode).
    void add(LookalikeTechnique t, std::string_view label, std::string_view suffix = {}) {
        if (label.empty() || label.front() == '-' || label.back() == '-' || label.size() > 63) return;
        std::string unicode(label);
        unicode += '.';
        unicode += suffix.empty() ? suffix_ : suffix;
        auto ascii = to_ascii(unicode);
        if (!ascii.ok() || ascii.value() == original_ || !seen_.insert(ascii.value()).second) return;
        out_.push_back(Permutation{t, std::move(ascii.value()), std::move(unicode)});
    }
    std::vector<Permutation> take() { return std::move(out_); }

private:
    std::string original_;
    std::string_view suffix_;
    std::set<std::string> seen_;
    std::vector<Permutation> out_;
};

}  // namespace

const std::vector<std::string_view>& permutation_words() {
    // Words phishing domains attach to a brand (from dnstwist's dictionary use and phishing
    // reports); the combo and dictionary techniques only fire when every extra part is one.
    static const std::vector<std::string_view> kWords = {
        "login",    "signin",   "secure",    "account",  "verify",   "support",  "update",   "online",
        "service",  "help",     "mail",      "app",      "pay",      "payment",  "billing",  "wallet",
        "auth",     "my",       "web",       "portal",   "center",   "official", "security", "confirm",
        "access",   "customer", "team",      "logon",    "signon",   "accounts", "verification", "validate",
        "services", "helpdesk", "apps",      "payments", "bill",     "invoice",  "centre",   "id",
        "recovery", "recover",  "unlock",    "alert",    "alerts",   "notice",   "info",     "user",
        "client",   "member",   "members",   "banking",  "check",    "safe",     "protect",  "review",
        "updates",  "customers", "care",     "desk",     "claim",    "refund",   "reset",    "activate"};
    return kWords;
}

Result<std::vector<Permutation>> permute(std::string_view domain_in, const PublicSuffixList& psl) {
    while (!domain_in.empty() && domain_in.back() == '.') domain_in.remove_suffix(1);
    if (domain_in.empty()) return make_error(ErrorCode::kInvalidArgument, "empty domain");
    auto ascii = to_ascii(domain_in);
    if (!ascii.ok()) return ascii.error();
    std::string domain = std::move(ascii.value());
    if (domain.substr(0, 4) == "www.") domain.erase(0, 4);
    const auto parts = psl.split(domain);
    if (parts.suffix.empty() || parts.suffix.size() + 1 >= parts.registrable.size()) {
        return make_error(ErrorCode::kInvalidArgument, "'" + domain + "' has no registrable label");
    }
    const std::string suffix(parts.suffix);
    const std::string label(parts.registrable.substr(0, parts.registrable.size() - suffix.size() - 1));
    for (char c : label) {
        if (!is_label_char(c)) {
            return make_error(ErrorCode::kInvalidArgument, "label '" + label + "' is not plain ASCII letters/digits");
        }
    }
    Collector out(std::string(parts.registrable), suffix);
    const size_t n = label.size();
    using T = LookalikeTechnique;

    for (char c = 'a'; c <= 'z'; ++c) out.add(T::kAddition, label + c);
    for (char c = '0'; c <= '9'; ++c) out.add(T::kAddition, label + c);
    for (size_t i = 0; i < n; ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            const char flipped = static_cast<char>(static_cast<unsigned char>(label[i]) ^ (1u << bit));
            if (!is_label_char(flipped) || flipped == '-') continue;
            std::string s = label;
            s[i] = flipped;
            out.add(T::kBitsquatting, s);
        }
    }
    for (size_t i = 0; i < n; ++i) {
        for (std::string_view g : glyphs(label[i])) out.add(T::kHomoglyph, label.substr(0, i) + std::string(g) + label.substr(i + 1));
    }
    for (size_t i = 1; i < n; ++i) {
        if (label[i] != '-' && label[i - 1] != '-') out.add(T::kHyphenation, label.substr(0, i) + "-" + label.substr(i));
    }
    for (size_t i = 1; i + 1 < n; ++i) {
        for (char k : keyboard_neighbours(label[i])) {
            out.add(T::kInsertion, label.substr(0, i) + k + label.substr(i));
            out.add(T::kInsertion, label.substr(0, i + 1) + k + label.substr(i + 1));
        }
    }
    for (size_t i = 0; i < n; ++i) out.add(T::kOmission, label.substr(0, i) + label.substr(i + 1));
    for (size_t i = 0; i < n; ++i) {
        if (label[i] >= 'a' && label[i] <= 'z') out.add(T::kRepetition, label.substr(0, i + 1) + label.substr(i));
    }
    for (size_t i = 0; i < n; ++i) {
        for (char k : keyboard_neighbours(label[i])) {
            std::string s = label;
            s[i] = k;
            out.add(T::kReplacement, s);
        }
    }
    for (size_t i = 1; i < n; ++i) {
        if (label[i] != '-' && label[i - 1] != '-') out.add(T::kSubdomain, label.substr(0, i) + "." + label.substr(i));
    }
    for (size_t i = 0; i + 1 < n; ++i) {
        if (label[i] == label[i + 1]) continue;
        std::string s = label;
        std::swap(s[i], s[i + 1]);
        out.add(T::kTransposition, s);
    }
    for (size_t i = 0; i < n; ++i) {
        if (!is_vowel(label[i])) continue;
        for (char v : std::string_view("aeiou")) {
            if (v == label[i]) continue;
            std::string s = label;
            s[i] = v;
            out.add(T::kVowelSwap, s);
        }
    }
    for (std::string_view tld : kTlds) {
        if (tld != suffix) out.add(T::kTldSwap, label, tld);
    }
    for (std::string_view w : permutation_words()) {
        const std::string word(w);
        out.add(T::kDictionary, label + word);
        out.add(T::kDictionary, label + "-" + word);
        out.add(T::kDictionary, word + label);
        out.add(T::kDictionary, word + "-" + label);
    }
    const auto& words = permutation_words();
    for (size_t a = 0; a < 8; ++a) {
        for (size_t b = 0; b < 8; ++b) {
            if (a == b) continue;
            out.add(T::kCombo, label + "-" + std::string(words[a]) + "-" + std::string(words[b]));
            if (b == a + 1) out.add(T::kCombo, std::string(words[a]) + "-" + label + "-" + std::string(words[b]));
        }
    }
    return out.take();
}

}  // namespace vigil::domain
