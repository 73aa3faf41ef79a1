#pragma once
// Server configuration: defaults, then a TOML file, then VIGIL_* environment variables, then command-line
// flags (each later source wins). Every setting is declared once in config.cpp with its TOML key,
// environment variable, flag, range and help text; config_help() prints that table.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "vigil/core/result.hpp"

namespace vigil {

struct ServerConfig {
    std::string listen_host = "127.0.0.1";
    uint16_t listen_port = 8080;      // 0 = any free port
    unsigned threads = 0;             // 0 = one per hardware core
    std::filesystem::path db_path = "var/vigil.db";
    std::filesystem::path model_dir = "models/url";
    std::filesystem::path brands_path;  // "" = <data dir>/domains/top-10000.csv.gz, resolved by the caller
    std::size_t max_body_bytes = std::size_t{1} << 20;
    std::size_t max_url_bytes = 8192;
    uint32_t read_timeout_ms = 10000;
    uint32_t scheduler_slice_us = 0;  // request threads' scheduler slice; 0 = kernel default
    std::size_t cache_capacity = 100000;  // 0 disables the verdict cache
    uint32_t cache_ttl_s = 3600;          // 0 = entries never expire
    std::size_t write_queue_capacity = 65536;
    std::size_t write_batch = 64;  // rows per transaction: short writer bursts keep the request tail short
    unsigned writer_nice = 10;  // added to the writer thread's nice value
    double suspicious_margin = 0.15;  // scores in [threshold - margin, threshold) are "suspicious"
    // When a verdict carries exact TreeSHAP contributions (they cost more than the score itself):
    // "flagged" (phishing/suspicious only) | "always" | "never". Validated on every set.
    std::string exact_explanations = "background";
    std::string log_level = "info";   // trace | debug | info | warn | error | critical | off
    // Traffic (issue 3): the model served by /api/v1/predict and when predictions raise alerts.
    std::filesystem::path traffic_model_dir = "models/traffic";
    std::size_t max_predict_batch = 10000;     // records per /api/v1/predict/batch (more: 413)
    std::string alert_min_severity = "MEDIUM";  // INFO | LOW | MEDIUM | HIGH
    uint32_t alert_fold_window_s = 60;          // identical alerts (source, family) within it fold; 0 = never

    // Threat intel (src/intel). Feeds: "NAME=FORMAT:LOCATION" separated by spaces; every source (file,
    // environment, each --feed flag) adds feeds rather than replacing them.
    std::string feeds;
    uint32_t feed_refresh_s = 3600;
    std::filesystem::path feed_ca_file;     // extra CA certificates (PEM) trusted for https feeds
    std::filesystem::path allow_list;       // deployment allow-list: domains whose URLs are benign
    std::filesystem::path deny_list;        // deployment deny-list: domains whose URLs are phishing
    // Popular registrable domains (at most "suspicious" on the model alone); "" = <data dir>/domains/
    // top-10000.csv.gz, "none" = no popular-domain rule.
    std::filesystem::path popular_domains;

    // threads, with 0 resolved to the number of hardware threads (at least 1).
    unsigned effective_threads() const;
    // "host:port", with an IPv6 host in brackets.
    std::string listen_address() const;

    bool operator==(const ServerConfig&) const = default;
};

// Looks up one environment variable; std::nullopt when unset. Injected so that tests are hermetic.
using EnvGetter = std::function<std::optional<std::string>(std::string_view name)>;
// The real process environment (getenv).
EnvGetter process_environment();

// Defaults, then the TOML file (when given; otherwise $VIGIL_CONFIG names one when set), then VIGIL_*
// variables from env. An empty environment variable counts as unset. The result passes validate().
Result<ServerConfig> load_config(const std::optional<std::filesystem::path>& file, const EnvGetter& env);

// Applies a TOML document on top of config. source names it in error messages (usually the file path).
Status apply_toml(ServerConfig& config, std::string_view toml_text, std::string_view source = "config");
// Applies every VIGIL_* variable that env knows.
Status apply_env(ServerConfig& config, const EnvGetter& env);
// Applies one command-line flag: name with or without the leading "--" ("listen" or "--listen").
Status apply_flag(ServerConfig& config, std::string_view name, std::string_view value);
// Whether name (with or without "--") is a flag that apply_flag knows.
bool is_config_flag(std::string_view name);
// Checks relations between settings (e.g. write_batch <= write_queue_capacity). Call after the last flag.
Status validate(const ServerConfig& config);

// Every setting with its TOML key, environment variable, flag, default and meaning.
std::string config_help();
// The configuration as a TOML document that apply_toml reads back to the same values.
std::string to_toml(const ServerConfig& config);

}  // namespace vigil
