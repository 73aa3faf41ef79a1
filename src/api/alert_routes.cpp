#include <charconv>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include "vigil/api/json_writer.hpp"
#include "vigil/api/problem.hpp"
#include "vigil/api/traffic_routes.hpp"
#include "vigil/core/hex.hpp"

namespace vigil::api {
namespace {

constexpr std::size_t kMaxLimit = 1000;
constexpr std::string_view kAlertsPrefix = "/api/v1/alerts/";

// application/x-www-form-urlencoded decoding; false on a broken escape.
bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out.push_back(' ');
        } else if (in[i] == '%') {
            if (i + 2 >= in.size()) return false;
            const int hi = hex_digit_value(in[i + 1]);
            const int lo = hex_digit_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
    return true;
}

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 64)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    return out;
}

Error bad_param(std::string_view name, std::string_view value, std::string_view expected) {
    return make_error(ErrorCode::kInvalidArgument, "query parameter '" + printable(name) + "': expected " +
                                                       std::string(expected) + ", got \"" + printable(value) + "\"");
}

std::optional<int64_t> parse_int(std::string_view s, int64_t min, int64_t max) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < min || v > max) return std::nullopt;
    return v;
}

std::optional<Severity> parse_severity(std::string_view s) {
    std::string up;
    for (char c : s) up.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
    for (Severity sev : {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh}) {
        if (to_string(sev) == up) return sev;
    }
    return std::nullopt;
}

void append_alert_json(JsonWriter& w, const store::AlertRow& a) {
    w.begin_object();
    w.field("id", a.id).field("time", format_time_ms(a.ts_ms)).field("ts_ms", a.ts_ms);
    w.field("last_ts_ms", a.last_ts_ms).field("severity", a.severity).field("source", a.source);
    w.field("family", a.family).field("summary", a.summary).field("score", a.score).field("count", a.count);
    w.key("record_id");
    if (a.traffic_record_id) w.value(*a.traffic_record_id); else w.null();
    w.field("acknowledged", a.acknowledged);
    w.key("acked_ts_ms");
    if (a.acked_ts_ms) w.value(*a.acked_ts_ms); else w.null();
    w.end_object();
}

HttpResponse list_alerts(const AlertServices& s, const HttpRequest& req) {
    auto query = parse_alert_query(req.query);
    if (!query) return problem(400, "invalid-request", "Invalid request", query.error().message);
    auto rows = s.list(*query);
    if (!rows) return problem(500, "internal", "Internal error", rows.error().message);
    HttpResponse r;
    r.body.reserve(rows->size() * 300 + 64);
    JsonWriter w(r.body);
    w.begin_object().key("alerts").begin_array();
    for (const auto& a : *rows) append_alert_json(w, a);
    w.end_array().key("next_cursor");
    if (!rows->empty() && rows->size() == query->limit) {
        w.value(std::to_string(rows->back().id));
    } else {
        w.null();
    }
    w.end_object();
    return r;
}

HttpResponse ack_alert(const AlertServices& s, const HttpRequest& req) {
    std::string_view rest = req.path.substr(kAlertsPrefix.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || rest.substr(slash) != "/ack") {
        return problem(404, "not-found", "Not found", "no such resource");
    }
    auto id = parse_int(rest.substr(0, slash), 1, INT64_MAX);
    if (!id) {
        return problem(404, "alert-not-found", "Alert not found",
                       "no alert with id '" + printable(rest.substr(0, slash)) + "'");
    }
    auto row = s.acknowledge(*id);
    if (!row) {
        if (row.error().code == ErrorCode::kNotFound) {
            return problem(404, "alert-not-found", "Alert not found", row.error().message);
        }
        return problem(500, "internal", "Internal error", row.error().message);
    }
    HttpResponse r;
    JsonWriter w(r.body);
    append_alert_json(w, *row);
    return r;
}

}  // namespace

std::optional<int64_t> parse_time_ms(std::string_view text) {
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
        return parse_int(text, 0, int64_t{253402300799999});  // up to year 9999
    }
    // YYYY-MM-DDTHH:MM:SS[.fff]Z
    if (text.size() < 20 || text.back() != 'Z') return std::nullopt;
    auto num = [&](std::size_t pos, std::size_t len, int64_t min, int64_t max) -> std::optional<int64_t> {
        return parse_int(text.substr(pos, len), min, max);
    };
    if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
        text[16] != ':') {
        return std::nullopt;
    }
    auto year = num(0, 4, 1970, 9999);
    auto month = num(5, 2, 1, 12);
    auto day = num(8, 2, 1, 31);
    auto hour = num(11, 2, 0, 23);
    auto minute = num(14, 2, 0, 59);
    auto second = num(17, 2, 0, 60);
    if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
    int64_t millis = 0;
    const std::string_view frac = text.substr(19, text.size() - 20);
    if (!frac.empty()) {
        if (frac[0] != '.' || frac.size() < 2 || frac.size() > 10) return std::nullopt;
        auto digits = parse_int(frac.substr(1), 0, 999999999);
        if (!digits) return std::nullopt;
        std::string ms(frac.substr(1, 3));
        while (ms.size() < 3) ms.push_back('0');
        millis = *parse_int(ms, 0, 999);
    }
    // Days from civil (Howard Hinnant's algorithm): no time zone state, no locale.
    const int64_t y = *year - (*month <= 2 ? 1 : 0);
    const int64_t era = y / 400;
    const int64_t yoe = y - era * 400;
    const int64_t mp = (*month + 9) % 12;
    const int64_t doy = (153 * mp + 2) / 5 + *day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const int64_t days = era * 146097 + doe - 719468;
    return ((days * 24 + *hour) * 60 + *minute) * 60000 + *second * 1000 + millis;
}

std::string format_time_ms(int64_t ms) {
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

Result<store::AlertQuery> parse_alert_query(std::string_view query) {
    store::AlertQuery q;
    bool seen[6] = {};
    constexpr std::string_view kNames[6] = {"severity", "since", "until", "acknowledged", "limit", "cursor"};
    std::string name, value;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        if (!percent_decode(pair.substr(0, eq), name) ||
            !percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), value)) {
            return make_error(ErrorCode::kInvalidArgument, "query string has a broken %-escape");
        }
        std::size_t which = 6;
        for (std::size_t i = 0; i < 6; ++i) {
            if (kNames[i] == name) which = i;
        }
        if (which == 6) {
            return make_error(ErrorCode::kInvalidArgument,
                              "unknown query parameter '" + printable(name) +
                                  "' (known: severity, since, until, acknowledged, limit, cursor)");
        }
        if (seen[which]) {
            return make_error(ErrorCode::kInvalidArgument, "query parameter '" + name + "' given more than once");
        }
        seen[which] = true;
        switch (which) {
            case 0: {
                auto sev = parse_severity(value);
                if (!sev) return bad_param(name, value, "one of INFO, LOW, MEDIUM, HIGH (the minimum severity)");
                for (Severity s : {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh}) {
                    if (s >= *sev) q.severities.emplace_back(to_string(s));
                }
                break;
            }
            case 1:
            case 2: {
                auto t = parse_time_ms(value);
                if (!t) {
                    return bad_param(name, value, "Unix milliseconds or an RFC 3339 UTC time like 2026-01-02T03:04:05Z");
                }
                (which == 1 ? q.since_ms : q.until_ms) = *t;
                break;
            }
            case 3:
                if (value != "true" && value != "false") return bad_param(name, value, "true or false");
                q.acknowledged = value == "true";
                break;
            case 4: {
                auto l = parse_int(value, 1, kMaxLimit);
                if (!l) return bad_param(name, value, "an integer in [1, 1000]");
                q.limit = static_cast<std::size_t>(*l);
                break;
            }
            case 5: {
                auto c = parse_int(value, 1, INT64_MAX);
                if (!c) return bad_param(name, value, "the next_cursor of a previous page");
                q.before_id = *c;
                break;
            }
        }
    }
    if (q.since_ms && q.until_ms && *q.since_ms >= *q.until_ms) {
        return make_error(ErrorCode::kInvalidArgument, "query parameter 'since' must be before 'until'");
    }
    return q;
}

void add_alert_routes(Router& router, AlertServices services) {
    router.add(Method::kGet, "/api/v1/alerts", "/api/v1/alerts",
               [services](const HttpRequest& req) { return list_alerts(services, req); });
    router.add(Method::kPost, std::string(kAlertsPrefix) + "*", "/api/v1/alerts/{id}/ack",
               [services](const HttpRequest& req) { return ack_alert(services, req); });
}

}  // namespace vigil::api
