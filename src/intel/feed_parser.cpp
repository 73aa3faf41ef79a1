#include "vigil/intel/feed_parser.hpp"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "vigil/core/text_file.hpp"

namespace vigil::intel {
namespace {

constexpr size_t kMaxKeptErrors = 5;

void note_malformed(ParsedFeed& feed, std::string message) {
    ++feed.malformed;
    if (feed.errors.size() < kMaxKeptErrors) feed.errors.push_back(std::move(message));
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

// Strips a UTF-8 byte-order mark that some exports start with.
std::string_view strip_bom(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    return text;
}

std::string_view record_excerpt(std::string_view s) { return s.substr(0, 80); }

void parse_url_lines(std::string_view text, ParsedFeed& feed) {
    for (std::string_view line : split_lines(text)) {
        line = trim(line);
        if (line.empty() || line.front() == '#') continue;
        ++feed.records;
        if (line.find_first_of(" \t") != std::string_view::npos) {
            note_malformed(feed, "line with spaces: " + std::string(record_excerpt(line)));
            continue;
        }
        feed.items.push_back(FeedItem{std::string(line), ThreatType::kPhishing});
    }
}

bool no(std::string_view v) { return v == "no" || v == "false" || v == "0"; }

// PhishTank lists only verified phish; a dump may still carry "verified"/"online" flags set to no.
void add_phishtank_record(ParsedFeed& feed, std::string_view url, std::string_view verified, std::string_view online) {
    url = trim(url);
    if (url.empty()) {
        note_malformed(feed, "record without a url");
        return;
    }
    if (no(verified) || no(online)) {
        ++feed.skipped;
        return;
    }
    feed.items.push_back(FeedItem{std::string(url), ThreatType::kPhishing});
    // PhishTank HTML-escapes some URLs ("?a=1&amp;b=2"); the browser visits the unescaped one.
    if (url.find("&amp;") != std::string_view::npos) {
        std::string plain(url);
        for (size_t pos = plain.find("&amp;"); pos != std::string::npos; pos = plain.find("&amp;", pos + 1)) {
            plain.erase(pos + 1, 4);
        }
        feed.items.push_back(FeedItem{std::move(plain), ThreatType::kPhishing});
    }
}

Result<ParsedFeed> parse_phishtank_csv(std::string_view text) {
    ParsedFeed feed;
    CsvReader reader(text);
    std::vector<std::string> fields;
    if (!reader.next(fields)) return feed;
    auto column = [&](std::string_view name) -> std::ptrdiff_t {
        auto it = std::find(fields.begin(), fields.end(), name);
        return it == fields.end() ? -1 : it - fields.begin();
    };
    const std::ptrdiff_t url_col = column("url");
    if (url_col < 0) {
        return make_error(ErrorCode::kFormat, "PhishTank CSV needs a header with a 'url' column (phish_id,url,...)");
    }
    const std::ptrdiff_t verified_col = column("verified");
    const std::ptrdiff_t online_col = column("online");
    const size_t width = fields.size();
    while (reader.next(fields)) {
        if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // blank line
        ++feed.records;
        if (fields.size() != width) {
            note_malformed(feed, "record with " + std::to_string(fields.size()) + " fields instead of " +
                                     std::to_string(width) + ": " + std::string(record_excerpt(fields[0])));
            continue;
        }
        add_phishtank_record(feed, fields[static_cast<size_t>(url_col)],
                             verified_col < 0 ? "" : fields[static_cast<size_t>(verified_col)],
                             online_col < 0 ? "" : fields[static_cast<size_t>(online_col)]);
    }
    return feed;
}

std::string_view json_string_field(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return {};
    return std::string_view(v->get_string().data(), v->get_string().size());
}

Result<ParsedFeed> parse_phishtank_json(std::string_view text) {
    boost::json::parse_options options;
    options.max_depth = 16;
    boost::json::error_code ec;
    const boost::json::value doc = boost::json::parse(text, ec, boost::json::storage_ptr(), options);
    if (ec) return make_error(ErrorCode::kFormat, "PhishTank JSON: " + ec.message());
    if (!doc.is_array()) return make_error(ErrorCode::kFormat, "PhishTank JSON: expected an array of entries");
    ParsedFeed feed;
    for (const auto& v : doc.get_array()) {
        ++feed.records;
        if (!v.is_object()) {
            note_malformed(feed, "entry that is not an object");
            continue;
        }
        const auto& o = v.get_object();
        const auto* url = o.if_contains("url");
        if (url == nullptr || !url->is_string()) {
            note_malformed(feed, "entry without a string 'url'");
            continue;
        }
        add_phishtank_record(feed, json_string_field(o, "url"), json_string_field(o, "verified"),
                             json_string_field(o, "online"));
    }
    return feed;
}

// id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter
Result<ParsedFeed> parse_urlhaus(std::string_view text) {
    ParsedFeed feed;
    // Comment lines may contain quotes and commas; drop them before the CSV reader sees them.
    std::string body;
    body.reserve(text.size());
    for (std::string_view line : split_lines(text)) {
        if (trim(line).starts_with('#')) continue;
        body.append(line);
        body.push_back('\n');
    }
    CsvReader reader(body);
    std::vector<std::string> fields;
    while (reader.next(fields)) {
        if (fields.size() == 1 && trim(fields[0]).empty()) continue;
        ++feed.records;
        if (fields.size() < 6) {
            note_malformed(feed, "record with " + std::to_string(fields.size()) + " fields (URLhaus has 9): " +
                                     std::string(record_excerpt(fields[0])));
            continue;
        }
        const std::string_view url = trim(fields[2]);
        if (url.empty()) {
            note_malformed(feed, "record without a url");
            continue;
        }
        if (trim(fields[3]) == "offline") {
            ++feed.skipped;
            continue;
        }
        const std::string_view threat = trim(fields[5]);
        feed.items.push_back(FeedItem{std::string(url), threat == "phishing" ? ThreatType::kPhishing
                                                                             : ThreatType::kMalware});
    }
    return feed;
}

}  // namespace

std::string_view to_string(FeedFormat f) {
    switch (f) {
        case FeedFormat::kPhishTank: return "phishtank";
        case FeedFormat::kOpenPhish: return "openphish";
        case FeedFormat::kUrlhaus: return "urlhaus";
        case FeedFormat::kPlain: break;
    }
    return "plain";
}

std::string_view to_string(ThreatType t) { return t == ThreatType::kMalware ? "malware" : "phishing"; }

Result<FeedFormat> feed_format_from_string(std::string_view name) {
    constexpr std::array kAll = {FeedFormat::kPhishTank, FeedFormat::kOpenPhish, FeedFormat::kUrlhaus,
                                 FeedFormat::kPlain};
    for (FeedFormat f : kAll) {
        if (to_string(f) == name) return f;
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "unknown feed format '" + std::string(name) + "' (phishtank, openphish, urlhaus, plain)");
}

Result<ParsedFeed> parse_feed(std::string_view text, FeedFormat format) {
    text = strip_bom(text);
    switch (format) {
        case FeedFormat::kPhishTank: {
            const std::string_view t = trim(text);
            return !t.empty() && (t.front() == '[' || t.front() == '{') ? parse_phishtank_json(t)
                                                                       : parse_phishtank_csv(text);
        }
        case FeedFormat::kUrlhaus: return parse_urlhaus(text);
        case FeedFormat::kOpenPhish:
        case FeedFormat::kPlain: break;
    }
    ParsedFeed feed;
    parse_url_lines(text, feed);
    return feed;
}

}  // namespace vigil::intel
