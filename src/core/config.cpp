#include "vigil/core/config.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

// toml++ is large and header-only: only this file includes it.
#include <toml++/toml.h>

namespace vigil {
namespace {

enum class Kind { kString, kInteger, kNumber };

// Where a value came from, for error messages: "server.listen in vigil.toml", "VIGIL_LISTEN", "--listen".
using Setter = Status (*)(ServerConfig&, std::string_view value, const std::string& where);
using Getter = std::string (*)(const ServerConfig&);

struct Setting {
    std::string_view section;  // TOML table
    std::string_view key;      // key inside it
    std::string_view env;      // environment variable
    std::string_view flag;     // command-line flag, without "--"
    std::string_view metavar;  // for help: --flag METAVAR
    Kind kind;
    Setter set;
    Getter get;
    std::string_view help;
};

Error bad_value(const std::string& where, std::string_view value, std::string_view expected) {
    std::string m = "invalid value for ";
    m += where;
    m += ": expected ";
    m += expected;
    m += ", got \"";
    m += value;
    m += "\"";
    return make_error(ErrorCode::kInvalidArgument, std::move(m));
}

Result<uint64_t> parse_uint(const std::string& where, std::string_view value, uint64_t min, uint64_t max) {
    std::string expected = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    uint64_t v = 0;
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, v);
    if (value.empty() || ec != std::errc() || ptr != end || v < min || v > max) {
        return bad_value(where, value, expected);
    }
    return v;
}

Result<double> parse_double(const std::string& where, std::string_view value, double min, double max) {
    std::ostringstream expected;
    expected << "a number in [" << min << ", " << max << "]";
    double v = 0;
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, v);
    if (value.empty() || ec != std::errc() || ptr != end || !(v >= min && v <= max)) {
        return bad_value(where, value, expected.str());
    }
    return v;
}

std::string format_double(double v) {
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, ec == std::errc() ? ptr : buf);
    // Keep it a TOML float, not an integer, so that to_toml() output reads back with the same type.
    if (s.find_first_of(".eE") == std::string::npos) s += ".0";
    return s;
}

// Integer settings are declared through this template so that range and field live on one line.
template <class T, T ServerConfig::*Field, uint64_t Min, uint64_t Max>
Status set_uint(ServerConfig& c, std::string_view value, const std::string& where) {
    auto v = parse_uint(where, value, Min, Max);
    if (!v.ok()) return v.error();
    c.*Field = static_cast<T>(*v);
    return Status::success();
}
template <class T, T ServerConfig::*Field>
std::string get_uint(const ServerConfig& c) {
    return std::to_string(c.*Field);
}

template <std::string ServerConfig::*Field>
std::string get_string(const ServerConfig& c) {
    return c.*Field;
}

template <std::filesystem::path ServerConfig::*Field, bool AllowEmpty>
Status set_path(ServerConfig& c, std::string_view value, const std::string& where) {
    if (!AllowEmpty && value.empty()) return bad_value(where, value, "a non-empty path");
    if (value.find('\0') != std::string_view::npos) return bad_value(where, "<contains NUL>", "a path");
    c.*Field = std::filesystem::path(std::string(value));
    return Status::success();
}
template <std::filesystem::path ServerConfig::*Field>
std::string get_path(const ServerConfig& c) {
    return (c.*Field).string();
}

Status set_listen(ServerConfig& c, std::string_view value, const std::string& where) {
    constexpr std::string_view kExpected = "HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), port in [0, 65535]";
    std::string_view host;
    std::string_view port;
    if (!value.empty() && value.front() == '[') {
        const auto close = value.find(']');
        if (close == std::string_view::npos || close + 1 >= value.size() || value[close + 1] != ':') {
            return bad_value(where, value, kExpected);
        }
        host = value.substr(1, close - 1);
        port = value.substr(close + 2);
    } else {
        const auto colon = value.rfind(':');
        if (colon == std::string_view::npos) return bad_value(where, value, kExpected);
        host = value.substr(0, colon);
        port = value.substr(colon + 1);
        // An unbracketed host with a colon would be an ambiguous IPv6 address.
        if (host.find(':') != std::string_view::npos) return bad_value(where, value, kExpected);
    }
    if (host.empty() || host.find_first_of(" \t/[]") != std::string_view::npos) {
        return bad_value(where, value, kExpected);
    }
    auto p = parse_uint(where, port, 0, 65535);
    if (!p.ok()) return bad_value(where, value, kExpected);
    c.listen_host = std::string(host);
    c.listen_port = static_cast<uint16_t>(*p);
    return Status::success();
}
std::string get_listen(const ServerConfig& c) { return c.listen_address(); }

Status set_margin(ServerConfig& c, std::string_view value, const std::string& where) {
    auto v = parse_double(where, value, 0.0, 1.0);
    if (!v.ok()) return v.error();
    c.suspicious_margin = *v;
    return Status::success();
}
std::string get_margin(const ServerConfig& c) { return format_double(c.suspicious_margin); }

Status set_explanations(ServerConfig& c, std::string_view value, const std::string& where) {
    if (value != "background" && value != "flagged" && value != "always" && value != "never") {
        return bad_value(where, value, "one of background, flagged, always, never");
    }
    c.exact_explanations = std::string(value);
    return Status::success();
}

constexpr std::array<std::string_view, 7> kLogLevels = {"trace", "debug", "info", "warn", "error", "critical", "off"};

Status set_log_level(ServerConfig& c, std::string_view value, const std::string& where) {
    if (std::find(kLogLevels.begin(), kLogLevels.end(), value) == kLogLevels.end()) {
        return bad_value(where, value, "one of trace, debug, info, warn, error, critical, off");
    }
    c.log_level = std::string(value);
    return Status::success();
}

Status set_alert_severity(ServerConfig& c, std::string_view value, const std::string& where) {
    std::string up;
    for (char ch : value) up.push_back(ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 32) : ch);
    if (up != "INFO" && up != "LOW" && up != "MEDIUM" && up != "HIGH") {
        return bad_value(where, value, "one of INFO, LOW, MEDIUM, HIGH");
    }
    c.alert_min_severity = up;
    return Status::success();
}

// NAME=FORMAT:LOCATION, checked for shape here; the intel module knows the formats and checks them again.
Status add_feeds(ServerConfig& c, std::string_view value, const std::string& where) {
    constexpr std::string_view kExpected = "NAME=FORMAT:LOCATION (e.g. phishtank=phishtank:/data/verified_online.csv)";
    std::string added;
    size_t i = 0;
    while (i < value.size()) {
        while (i < value.size() && (value[i] == ' ' || value[i] == '\t' || value[i] == '\n')) ++i;
        size_t j = i;
        while (j < value.size() && !(value[j] == ' ' || value[j] == '\t' || value[j] == '\n')) ++j;
        if (j > i) {
            const std::string_view spec = value.substr(i, j - i);
            const size_t eq = spec.find('=');
            const size_t colon = eq == std::string_view::npos ? eq : spec.find(':', eq + 1);
            if (eq == 0 || colon == std::string_view::npos || colon + 1 == spec.size() ||
                spec.find('\0') != std::string_view::npos) {
                return bad_value(where, spec, kExpected);
            }
            if (!added.empty()) added += ' ';
            added += spec;
        }
        i = j;
    }
    if (added.empty()) return Status::success();
    if (!c.feeds.empty()) c.feeds += ' ';
    c.feeds += added;
    return Status::success();
}

using SC = ServerConfig;
constexpr uint64_t kGiB = uint64_t{1} << 30;

// The one declaration of every setting.
const std::array kSettings = {
    Setting{"server", "listen", "VIGIL_LISTEN", "listen", "HOST:PORT", Kind::kString, set_listen, get_listen,
            "Address to listen on; [::1]:8080 for IPv6, port 0 picks a free port."},
    Setting{"server", "threads", "VIGIL_THREADS", "threads", "N", Kind::kInteger,
            set_uint<unsigned, &SC::threads, 0, 1024>, get_uint<unsigned, &SC::threads>,
            "Worker threads; 0 = one per hardware core."},
    Setting{"server", "max_body_bytes", "VIGIL_MAX_BODY_BYTES", "max-body-bytes", "BYTES", Kind::kInteger,
            set_uint<std::size_t, &SC::max_body_bytes, 1, kGiB>, get_uint<std::size_t, &SC::max_body_bytes>,
            "Largest request body accepted (larger: 413)."},
    Setting{"server", "max_url_bytes", "VIGIL_MAX_URL_BYTES", "max-url-bytes", "BYTES", Kind::kInteger,
            set_uint<std::size_t, &SC::max_url_bytes, 1, 1 << 20>, get_uint<std::size_t, &SC::max_url_bytes>,
            "Longest URL accepted for checking (longer: 413)."},
    Setting{"server", "max_predict_batch", "VIGIL_MAX_PREDICT_BATCH", "max-predict-batch", "RECORDS", Kind::kInteger,
            set_uint<std::size_t, &SC::max_predict_batch, 1, 1'000'000>, get_uint<std::size_t, &SC::max_predict_batch>,
            "Most connection records per /api/v1/predict/batch (more: 413); the body limit applies too."},
    Setting{"server", "scheduler_slice_us", "VIGIL_SCHEDULER_SLICE_US", "scheduler-slice-us", "US", Kind::kInteger,
            set_uint<uint32_t, &SC::scheduler_slice_us, 0, 100'000>, get_uint<uint32_t, &SC::scheduler_slice_us>,
            "Scheduler time slice the request threads ask for (Linux 6.6+); shorter: they preempt other work "
            "sooner. 0 = the kernel's default."},
    Setting{"server", "read_timeout_ms", "VIGIL_READ_TIMEOUT_MS", "read-timeout-ms", "MS", Kind::kInteger,
            set_uint<uint32_t, &SC::read_timeout_ms, 1, 3'600'000>, get_uint<uint32_t, &SC::read_timeout_ms>,
            "Time allowed to receive one request, headers and body."},
    Setting{"storage", "db_path", "VIGIL_DB", "db", "PATH", Kind::kString, set_path<&SC::db_path, false>,
            get_path<&SC::db_path>, "SQLite database file; parent directories are created."},
    Setting{"storage", "write_queue_capacity", "VIGIL_WRITE_QUEUE_CAPACITY", "write-queue-capacity", "ROWS",
            Kind::kInteger, set_uint<std::size_t, &SC::write_queue_capacity, 1, 10'000'000>,
            get_uint<std::size_t, &SC::write_queue_capacity>,
            "Rows waiting for the database writer; when full, new rows are dropped and counted."},
    Setting{"storage", "write_batch", "VIGIL_WRITE_BATCH", "write-batch", "ROWS", Kind::kInteger,
            set_uint<std::size_t, &SC::write_batch, 1, 100'000>, get_uint<std::size_t, &SC::write_batch>,
            "Rows per database transaction."},
    Setting{"storage", "writer_nice", "VIGIL_WRITER_NICE", "writer-nice", "N", Kind::kInteger,
            set_uint<unsigned, &SC::writer_nice, 0, 19>, get_uint<unsigned, &SC::writer_nice>,
            "Nice increment of the database writer thread (0-19): request threads preempt its batch writes "
            "(about +10 % cache-miss throughput at 10 on 2 cores; docs/benchmarks.md). 0 = same priority."},
    Setting{"model", "dir", "VIGIL_MODEL", "model", "DIR", Kind::kString, set_path<&SC::model_dir, false>,
            get_path<&SC::model_dir>, "URL model directory."},
    Setting{"model", "brands_path", "VIGIL_BRANDS", "brands", "FILE", Kind::kString,
            set_path<&SC::brands_path, true>, get_path<&SC::brands_path>,
            "Brand domain list for lookalike checks; empty = <data dir>/domains/top-10000.csv.gz."},
    Setting{"model", "suspicious_margin", "VIGIL_SUSPICIOUS_MARGIN", "suspicious-margin", "X", Kind::kNumber,
            set_margin, get_margin,
            "Scores in [threshold - X, threshold) are 'suspicious' rather than 'benign'; 0..1."},
    Setting{"model", "exact_explanations", "VIGIL_EXPLANATIONS", "explanations", "MODE", Kind::kString,
            set_explanations, get_string<&SC::exact_explanations>,
            "When verdicts carry exact TreeSHAP contributions: background (answer with path attribution, compute "
            "exact values for phishing/suspicious verdicts on an idle thread and cache them) | flagged (exact for "
            "those on the request path) | always | never."},
    Setting{"model", "traffic_dir", "VIGIL_TRAFFIC_MODEL", "traffic-model", "DIR", Kind::kString,
            set_path<&SC::traffic_model_dir, false>, get_path<&SC::traffic_model_dir>,
            "Traffic model directory; when missing, /api/v1/predict answers 503 and URL checks still run."},
    Setting{"cache", "capacity", "VIGIL_CACHE_CAPACITY", "cache-capacity", "ENTRIES", Kind::kInteger,
            set_uint<std::size_t, &SC::cache_capacity, 0, 100'000'000>, get_uint<std::size_t, &SC::cache_capacity>,
            "Verdicts kept in memory; 0 disables the cache."},
    Setting{"cache", "ttl_s", "VIGIL_CACHE_TTL_S", "cache-ttl-s", "SECONDS", Kind::kInteger,
            set_uint<uint32_t, &SC::cache_ttl_s, 0, 31'536'000>, get_uint<uint32_t, &SC::cache_ttl_s>,
            "How long a cached verdict stays valid; 0 = until evicted."},
    Setting{"alerts", "min_severity", "VIGIL_ALERT_MIN_SEVERITY", "alert-min-severity", "LEVEL", Kind::kString,
            set_alert_severity, get_string<&SC::alert_min_severity>,
            "Traffic predictions at or above this severity raise an alert: INFO | LOW | MEDIUM | HIGH."},
    Setting{"alerts", "fold_window_s", "VIGIL_ALERT_FOLD_WINDOW_S", "alert-fold-window-s", "SECONDS", Kind::kInteger,
            set_uint<uint32_t, &SC::alert_fold_window_s, 0, 86'400>, get_uint<uint32_t, &SC::alert_fold_window_s>,
            "Alerts with the same source and family within this many seconds fold into one with a count; 0 = never."},
    Setting{"intel", "feeds", "VIGIL_FEEDS", "feed", "NAME=FORMAT:LOCATION", Kind::kString, add_feeds,
            get_string<&SC::feeds>,
            "Threat feed to load and refresh (repeatable; space-separated in TOML/env; adds to other sources). "
            "FORMAT: phishtank | openphish | urlhaus | plain; LOCATION: a file (.gz ok) or an http(s) URL."},
    Setting{"intel", "feed_refresh_s", "VIGIL_FEED_REFRESH_S", "feed-refresh-s", "SECONDS", Kind::kInteger,
            set_uint<uint32_t, &SC::feed_refresh_s, 1, 604'800>, get_uint<uint32_t, &SC::feed_refresh_s>,
            "Seconds between feed refreshes."},
    Setting{"intel", "feed_ca_file", "VIGIL_FEED_CA_FILE", "feed-ca-file", "FILE", Kind::kString,
            set_path<&SC::feed_ca_file, true>, get_path<&SC::feed_ca_file>,
            "PEM file of CA certificates trusted for https feeds besides the system's (a private feed server's CA)."},
    Setting{"intel", "allow_list", "VIGIL_ALLOW_LIST", "allow-list", "FILE", Kind::kString,
            set_path<&SC::allow_list, true>, get_path<&SC::allow_list>,
            "Domains (one per line) whose URLs are benign unless a feed lists them."},
    Setting{"intel", "deny_list", "VIGIL_DENY_LIST", "deny-list", "FILE", Kind::kString,
            set_path<&SC::deny_list, true>, get_path<&SC::deny_list>,
            "Domains (one per line) whose URLs are phishing."},
    Setting{"intel", "popular_domains", "VIGIL_POPULAR_DOMAINS", "popular-domains", "FILE", Kind::kString,
            set_path<&SC::popular_domains, true>, get_path<&SC::popular_domains>,
            "Popular registrable domains: the model alone calls them at most suspicious; "
            "empty = <data dir>/domains/top-10000.csv.gz, none = off."},
    Setting{"log", "level", "VIGIL_LOG_LEVEL", "log-level", "LEVEL", Kind::kString, set_log_level,
            get_string<&SC::log_level>, "trace | debug | info | warn | error | critical | off."},
};

std::string toml_key(const Setting& s) {
    std::string k(s.section);
    k += '.';
    k += s.key;
    return k;
}

std::string_view strip_dashes(std::string_view name) {
    if (name.starts_with("--")) name.remove_prefix(2);
    return name;
}

const Setting* find_flag(std::string_view name) {
    name = strip_dashes(name);
    for (const Setting& s : kSettings) {
        if (s.flag == name) return &s;
    }
    return nullptr;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

// " (did you mean 'server.listen'?)" when a known key is close to the unknown one.
std::string suggestion(std::string_view unknown) {
    std::string best;
    std::size_t best_d = 3;  // suggest only near misses
    for (const Setting& s : kSettings) {
        const std::string k = toml_key(s);
        const std::size_t d = edit_distance(unknown, k);
        if (d < best_d) {
            best_d = d;
            best = k;
        }
    }
    return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

std::string line_suffix(const toml::node& node) {
    const auto& src = node.source();
    if (src.begin.line == 0) return {};
    return " (line " + std::to_string(src.begin.line) + ")";
}

// A TOML value as the text a flag or environment variable would carry, after checking its TOML type.
Result<std::string> toml_value_text(const Setting& s, const toml::node& node, const std::string& where) {
    switch (s.kind) {
        case Kind::kString:
            if (auto v = node.value<std::string>(); v && node.is_string()) return *v;
            return make_error(ErrorCode::kInvalidArgument, "invalid value for " + where + ": expected a string");
        case Kind::kInteger:
            if (node.is_integer()) return std::to_string(*node.value<int64_t>());
            return make_error(ErrorCode::kInvalidArgument, "invalid value for " + where + ": expected an integer");
        case Kind::kNumber:
            if (node.is_integer()) return std::to_string(*node.value<int64_t>());
            if (node.is_floating_point()) return format_double(*node.value<double>());
            return make_error(ErrorCode::kInvalidArgument, "invalid value for " + where + ": expected a number");
    }
    return make_error(ErrorCode::kInternal, "unhandled setting kind");
}

}  // namespace

unsigned ServerConfig::effective_threads() const {
    if (threads != 0) return threads;
    return std::max(1u, std::thread::hardware_concurrency());
}

std::string ServerConfig::listen_address() const {
    if (listen_host.find(':') != std::string::npos) return "[" + listen_host + "]:" + std::to_string(listen_port);
    return listen_host + ":" + std::to_string(listen_port);
}

EnvGetter process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const std::string key(name);
        if (const char* v = std::getenv(key.c_str())) return std::string(v);
        return std::nullopt;
    };
}

Status apply_toml(ServerConfig& config, std::string_view toml_text, std::string_view source) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        return make_error(ErrorCode::kFormat, std::string(source) + ":" + std::to_string(e.source().begin.line) + ":" +
                                                  std::to_string(e.source().begin.column) +
                                                  ": TOML syntax error: " + std::string(e.description()));
    }
    ServerConfig next = config;  // all or nothing: a bad key leaves config untouched
    for (auto&& [section_key, section_node] : root) {
        const std::string section(section_key.str());
        const bool known_section = std::any_of(kSettings.begin(), kSettings.end(),
                                               [&](const Setting& s) { return s.section == section; });
        if (!known_section || !section_node.is_table()) {
            return make_error(ErrorCode::kInvalidArgument, "unknown key '" + section + "' in " + std::string(source) +
                                                               line_suffix(section_node) + suggestion(section) +
                                                               "; settings live in the tables [server], [storage], "
                                                               "[model], [cache], [alerts], [intel], [log]");
        }
        for (auto&& [key, node] : *section_node.as_table()) {
            const std::string full = section + "." + std::string(key.str());
            const auto it = std::find_if(kSettings.begin(), kSettings.end(),
                                         [&](const Setting& s) { return toml_key(s) == full; });
            if (it == kSettings.end()) {
                return make_error(ErrorCode::kInvalidArgument, "unknown key '" + full + "' in " +
                                                                   std::string(source) + line_suffix(node) +
                                                                   suggestion(full));
            }
            const std::string where = full + " in " + std::string(source) + line_suffix(node);
            auto text = toml_value_text(*it, node, where);
            if (!text.ok()) return text.error();
            if (Status s = it->set(next, *text, where); !s.ok()) return s;
        }
    }
    config = std::move(next);
    return Status::success();
}

Status apply_env(ServerConfig& config, const EnvGetter& env) {
    if (!env) return Status::success();
    ServerConfig next = config;
    for (const Setting& s : kSettings) {
        const auto value = env(s.env);
        if (!value || value->empty()) continue;
        if (Status st = s.set(next, *value, "environment variable " + std::string(s.env)); !st.ok()) return st;
    }
    config = std::move(next);
    return Status::success();
}

bool is_config_flag(std::string_view name) { return find_flag(name) != nullptr; }

Status apply_flag(ServerConfig& config, std::string_view name, std::string_view value) {
    const Setting* s = find_flag(name);
    if (s == nullptr) {
        return make_error(ErrorCode::kInvalidArgument, "unknown option --" + std::string(strip_dashes(name)));
    }
    return s->set(config, value, "--" + std::string(s->flag));
}

Status validate(const ServerConfig& c) {
    if (c.write_batch > c.write_queue_capacity) {
        return make_error(ErrorCode::kInvalidArgument,
                          "storage.write_batch (" + std::to_string(c.write_batch) +
                              ") must not exceed storage.write_queue_capacity (" +
                              std::to_string(c.write_queue_capacity) + ")");
    }
    if (c.max_url_bytes > c.max_body_bytes) {
        return make_error(ErrorCode::kInvalidArgument,
                          "server.max_url_bytes (" + std::to_string(c.max_url_bytes) +
                              ") must not exceed server.max_body_bytes (" + std::to_string(c.max_body_bytes) + ")");
    }
    return Status::success();
}

Result<ServerConfig> load_config(const std::optional<std::filesystem::path>& file, const EnvGetter& env) {
    ServerConfig config;
    std::optional<std::filesystem::path> path = file;
    if (!path && env) {
        if (auto from_env = env("VIGIL_CONFIG"); from_env && !from_env->empty()) path = *from_env;
    }
    if (path) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(*path, ec)) {
            return make_error(ErrorCode::kNotFound, "config file " + path->string() + " does not exist or is not a file");
        }
        std::ifstream in(*path, std::ios::binary);
        if (!in) return make_error(ErrorCode::kIo, "cannot read config file " + path->string());
        std::ostringstream text;
        text << in.rdbuf();
        if (Status s = apply_toml(config, text.str(), path->string()); !s.ok()) return s.error();
    }
    if (Status s = apply_env(config, env); !s.ok()) return s.error();
    if (Status s = validate(config); !s.ok()) return s.error();
    return config;
}

std::string config_help() {
    std::ostringstream out;
    out << "Settings (later sources win: default < config file < VIGIL_* environment < flag).\n"
           "The config file is --config FILE, else $VIGIL_CONFIG; see config/vigil.example.toml.\n\n";
    const ServerConfig defaults;
    for (const Setting& s : kSettings) {
        std::string flag = "--" + std::string(s.flag) + " " + std::string(s.metavar);
        std::string value = s.get(defaults);
        if (value.empty()) value = "\"\"";
        out << "  " << flag << std::string(flag.size() < 32 ? 32 - flag.size() : 1, ' ') << s.help << "\n"
            << "  " << std::string(32, ' ') << "toml " << toml_key(s) << ", env " << s.env << ", default " << value
            << "\n";
    }
    return out.str();
}

std::string to_toml(const ServerConfig& config) {
    std::ostringstream out;
    std::string_view section;
    for (const Setting& s : kSettings) {
        if (s.section != section) {
            out << (section.empty() ? "" : "\n") << "[" << s.section << "]\n";
            section = s.section;
        }
        out << s.key << " = ";
        const std::string value = s.get(config);
        if (s.kind == Kind::kString) {
            // toml++ writes a correctly escaped string literal.
            out << toml::value<std::string>(value);
        } else {
            out << value;
        }
        out << "\n";
    }
    return out.str();
}

}  // namespace vigil
