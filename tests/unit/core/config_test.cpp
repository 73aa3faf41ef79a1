#include "vigil/core/config.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

namespace vigil {
namespace {

// A hermetic environment: only the variables a test puts in the map exist.
EnvGetter fake_env(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

class TempFile {
public:
    explicit TempFile(const std::string& content) {
        path_ = std::filesystem::temp_directory_path() /
                ("vigil-config-test-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) +
                 ".toml");
        std::ofstream(path_) << content;
    }
    ~TempFile() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

void expect_error_mentions(const Status& s, std::initializer_list<std::string_view> parts) {
    ASSERT_FALSE(s.ok());
    for (std::string_view p : parts) {
        EXPECT_NE(s.error().message.find(p), std::string::npos) << "'" << p << "' not in: " << s.error().message;
    }
}

TEST(Config, DefaultsMatchTheDocumentedValues) {
    auto c = load_config(std::nullopt, fake_env({}));
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->listen_host, "127.0.0.1");
    EXPECT_EQ(c->listen_port, 8080);
    EXPECT_EQ(c->threads, 0u);
    EXPECT_GE(c->effective_threads(), 1u);
    EXPECT_EQ(c->db_path, "var/vigil.db");
    EXPECT_EQ(c->model_dir, "models/url");
    EXPECT_EQ(c->brands_path, "");
    EXPECT_EQ(c->max_body_bytes, 1048576u);
    EXPECT_EQ(c->max_url_bytes, 8192u);
    EXPECT_EQ(c->read_timeout_ms, 10000u);
    EXPECT_EQ(c->cache_capacity, 100000u);
    EXPECT_EQ(c->cache_ttl_s, 3600u);
    EXPECT_EQ(c->write_queue_capacity, 65536u);
    EXPECT_EQ(c->write_batch, 64u);
    EXPECT_DOUBLE_EQ(c->suspicious_margin, 0.15);
    EXPECT_EQ(c->exact_explanations, "background");
    EXPECT_EQ(c->log_level, "info");
    EXPECT_EQ(*c, ServerConfig{});
}

TEST(Config, ParsesEveryTomlSetting) {
    ServerConfig c;
    Status s = apply_toml(c, R"(
[server]
listen = "0.0.0.0:9090"
threads = 4
max_body_bytes = 2_097_152
max_url_bytes = 4096
read_timeout_ms = 5000

[storage]
db_path = "/tmp/v.db"
write_queue_capacity = 1000
write_batch = 100

[model]
dir = "models/other"
brands_path = "brands.csv"
suspicious_margin = 0.2
exact_explanations = "always"

[cache]
capacity = 0
ttl_s = 60

[log]
level = "debug"
)");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(c.listen_host, "0.0.0.0");
    EXPECT_EQ(c.listen_port, 9090);
    EXPECT_EQ(c.threads, 4u);
    EXPECT_EQ(c.max_body_bytes, 2097152u);
    EXPECT_EQ(c.max_url_bytes, 4096u);
    EXPECT_EQ(c.read_timeout_ms, 5000u);
    EXPECT_EQ(c.db_path, "/tmp/v.db");
    EXPECT_EQ(c.write_queue_capacity, 1000u);
    EXPECT_EQ(c.write_batch, 100u);
    EXPECT_EQ(c.model_dir, "models/other");
    EXPECT_EQ(c.brands_path, "brands.csv");
    EXPECT_DOUBLE_EQ(c.suspicious_margin, 0.2);
    EXPECT_EQ(c.exact_explanations, "always");
    EXPECT_EQ(c.cache_capacity, 0u);
    EXPECT_EQ(c.cache_ttl_s, 60u);
    EXPECT_EQ(c.log_level, "debug");
}

TEST(Config, IntegerIsAcceptedWhereANumberIsExpected) {
    ServerConfig c;
    ASSERT_TRUE(apply_toml(c, "[model]\nsuspicious_margin = 0\n").ok());
    EXPECT_DOUBLE_EQ(c.suspicious_margin, 0.0);
}

TEST(Config, ListenAcceptsIpv6AndPortZero) {
    ServerConfig c;
    ASSERT_TRUE(apply_flag(c, "--listen", "[::1]:0").ok());
    EXPECT_EQ(c.listen_host, "::1");
    EXPECT_EQ(c.listen_port, 0);
    EXPECT_EQ(c.listen_address(), "[::1]:0");
    ASSERT_TRUE(apply_flag(c, "listen", "localhost:65535").ok());
    EXPECT_EQ(c.listen_address(), "localhost:65535");
    for (const char* bad : {"8080", ":8080", "host:", "host:65536", "host:-1", "::1:80", "[::1]80", "a b:1", "h:8x"}) {
        ServerConfig d;
        Status st = apply_flag(d, "--listen", bad);
        EXPECT_FALSE(st.ok()) << bad;
        if (!st.ok()) {
            EXPECT_NE(st.error().message.find("--listen"), std::string::npos) << st.error().message;
        }
        EXPECT_EQ(d, ServerConfig{}) << "a rejected value must not change the config: " << bad;
    }
}

TEST(Config, PrecedenceIsFlagOverEnvOverFileOverDefault) {
    TempFile file(
        "[server]\nlisten = \"10.0.0.1:7000\"\nthreads = 2\n"
        "[storage]\ndb_path = \"file.db\"\n"
        "[cache]\ncapacity = 5\n");
    auto env = fake_env({{"VIGIL_THREADS", "3"}, {"VIGIL_DB", "env.db"}, {"VIGIL_LOG_LEVEL", "warn"}});
    auto c = load_config(file.path(), env);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->listen_address(), "10.0.0.1:7000");  // file only
    EXPECT_EQ(c->threads, 3u);                          // env beats file
    EXPECT_EQ(c->db_path, "env.db");                    // env beats file
    EXPECT_EQ(c->cache_capacity, 5u);                   // file beats default
    EXPECT_EQ(c->log_level, "warn");                    // env beats default
    EXPECT_EQ(c->model_dir, "models/url");              // default
    ASSERT_TRUE(apply_flag(*c, "--db", "flag.db").ok());
    ASSERT_TRUE(apply_flag(*c, "--threads", "8").ok());
    EXPECT_EQ(c->db_path, "flag.db");  // flag beats env
    EXPECT_EQ(c->threads, 8u);
}

TEST(Config, EveryFieldHasAnEnvironmentVariable) {
    auto env = fake_env({
        {"VIGIL_LISTEN", "127.0.0.2:1"},
        {"VIGIL_THREADS", "1"},
        {"VIGIL_DB", "d.db"},
        {"VIGIL_MODEL", "m"},
        {"VIGIL_BRANDS", "b.csv"},
        {"VIGIL_MAX_BODY_BYTES", "100000"},
        {"VIGIL_MAX_URL_BYTES", "100"},
        {"VIGIL_READ_TIMEOUT_MS", "7"},
        {"VIGIL_CACHE_CAPACITY", "11"},
        {"VIGIL_CACHE_TTL_S", "12"},
        {"VIGIL_WRITE_QUEUE_CAPACITY", "13"},
        {"VIGIL_WRITE_BATCH", "13"},
        {"VIGIL_SUSPICIOUS_MARGIN", "0.05"},
        {"VIGIL_EXPLANATIONS", "never"},
        {"VIGIL_LOG_LEVEL", "error"},
    });
    auto c = load_config(std::nullopt, env);
    ASSERT_TRUE(c.ok()) << c.error().message;
    ServerConfig want;
    want.listen_host = "127.0.0.2";
    want.listen_port = 1;
    want.threads = 1;
    want.db_path = "d.db";
    want.model_dir = "m";
    want.brands_path = "b.csv";
    want.max_body_bytes = 100000;
    want.max_url_bytes = 100;
    want.read_timeout_ms = 7;
    want.cache_capacity = 11;
    want.cache_ttl_s = 12;
    want.write_queue_capacity = 13;
    want.write_batch = 13;
    want.suspicious_margin = 0.05;
    want.exact_explanations = "never";
    want.log_level = "error";
    EXPECT_EQ(*c, want);
}

TEST(Config, EmptyEnvironmentVariableCountsAsUnset) {
    auto c = load_config(std::nullopt, fake_env({{"VIGIL_DB", ""}}));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->db_path, "var/vigil.db");
}

TEST(Config, ConfigFileFromVigilConfigVariable) {
    TempFile file("[cache]\nttl_s = 9\n");
    auto c = load_config(std::nullopt, fake_env({{"VIGIL_CONFIG", file.path().string()}}));
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->cache_ttl_s, 9u);
}

TEST(Config, UnknownTomlKeysAreErrorsNamingTheKey) {
    ServerConfig c;
    expect_error_mentions(apply_toml(c, "[server]\nlisten = \"a:1\"\nlisen = \"b:2\"\n", "my.toml"),
                          {"server.lisen", "my.toml", "line 3", "did you mean 'server.listen'"});
    expect_error_mentions(apply_toml(c, "[servr]\nthreads = 1\n"), {"'servr'"});
    expect_error_mentions(apply_toml(c, "threads = 1\n"), {"'threads'", "[server]"});
    EXPECT_EQ(c, ServerConfig{}) << "a rejected file must not change the config";
}

TEST(Config, BadTomlValuesAreErrorsNamingTheKey) {
    struct Case {
        const char* toml;
        const char* key;
    };
    const Case cases[] = {
        {"[server]\nthreads = \"four\"\n", "server.threads"},
        {"[server]\nthreads = -1\n", "server.threads"},
        {"[server]\nthreads = 2.5\n", "server.threads"},
        {"[server]\nmax_body_bytes = 0\n", "server.max_body_bytes"},
        {"[server]\nlisten = 8080\n", "server.listen"},
        {"[storage]\ndb_path = \"\"\n", "storage.db_path"},
        {"[model]\nsuspicious_margin = 1.5\n", "model.suspicious_margin"},
        {"[model]\nsuspicious_margin = \"x\"\n", "model.suspicious_margin"},
        {"[model]\nexact_explanations = \"sometimes\"\n", "model.exact_explanations"},
        {"[cache]\ncapacity = true\n", "cache.capacity"},
        {"[log]\nlevel = \"loud\"\n", "log.level"},
    };
    for (const Case& tc : cases) {
        ServerConfig c;
        Status s = apply_toml(c, tc.toml, "test.toml");
        ASSERT_FALSE(s.ok()) << tc.toml;
        EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(s.error().message.find(tc.key), std::string::npos) << s.error().message;
        EXPECT_EQ(c, ServerConfig{});
    }
}

TEST(Config, TomlSyntaxErrorHasPosition) {
    ServerConfig c;
    Status s = apply_toml(c, "[server]\nthreads = = 3\n", "broken.toml");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kFormat);
    EXPECT_NE(s.error().message.find("broken.toml:2:"), std::string::npos) << s.error().message;
}

TEST(Config, BadEnvironmentValueNamesTheVariable) {
    auto c = load_config(std::nullopt, fake_env({{"VIGIL_CACHE_CAPACITY", "lots"}}));
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("VIGIL_CACHE_CAPACITY"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("lots"), std::string::npos) << c.error().message;
}

TEST(Config, BadFlagsAndUnknownFlags) {
    ServerConfig c;
    expect_error_mentions(apply_flag(c, "--threads", "1e3"), {"--threads", "1e3"});
    expect_error_mentions(apply_flag(c, "--threads", ""), {"--threads"});
    expect_error_mentions(apply_flag(c, "--cache-capacity", "-5"), {"--cache-capacity"});
    expect_error_mentions(apply_flag(c, "--frobnicate", "1"), {"unknown option --frobnicate"});
    EXPECT_TRUE(is_config_flag("--db"));
    EXPECT_TRUE(is_config_flag("model"));
    EXPECT_FALSE(is_config_flag("--config"));  // the CLI's own flag, not a setting
}

TEST(Config, MissingFileIsNotFound) {
    auto c = load_config(std::filesystem::path("/nonexistent/vigil.toml"), fake_env({}));
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
    EXPECT_NE(c.error().message.find("/nonexistent/vigil.toml"), std::string::npos);
}

TEST(Config, CrossFieldValidation) {
    auto c = load_config(std::nullopt, fake_env({{"VIGIL_WRITE_QUEUE_CAPACITY", "10"}}));  // batch 64 > 10
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("storage.write_batch"), std::string::npos) << c.error().message;
    ServerConfig d;
    ASSERT_TRUE(apply_flag(d, "--max-body-bytes", "100").ok());
    EXPECT_FALSE(validate(d).ok());  // max_url_bytes 8192 > body 100
}

TEST(Config, ToTomlRoundTrips) {
    ServerConfig c;
    c.listen_host = "::1";
    c.listen_port = 1234;
    c.db_path = "a \"quoted\" path\\with\\backslashes.db";
    c.suspicious_margin = 0.1;
    c.exact_explanations = "never";
    ServerConfig back;
    Status s = apply_toml(back, to_toml(c), "roundtrip");
    ASSERT_TRUE(s.ok()) << s.error().message << "\n" << to_toml(c);
    EXPECT_EQ(back, c);
    ServerConfig defaults;
    ASSERT_TRUE(apply_toml(defaults, to_toml(ServerConfig{})).ok());
    EXPECT_EQ(defaults, ServerConfig{});
}

TEST(Config, HelpListsEverySetting) {
    const std::string help = config_help();
    if (std::getenv("VIGIL_PRINT_HELP") != nullptr) std::cout << help << "\n" << to_toml(ServerConfig{});
    for (const char* needle :
         {"--listen", "VIGIL_LISTEN", "server.listen", "127.0.0.1:8080", "--db", "VIGIL_DB", "storage.db_path",
          "var/vigil.db", "--model", "VIGIL_MODEL", "model.dir", "--threads", "--brands", "--max-body-bytes",
          "--max-url-bytes", "--read-timeout-ms", "--cache-capacity", "--cache-ttl-s", "--write-queue-capacity",
          "--write-batch", "--suspicious-margin", "0.15", "--explanations", "flagged", "--log-level", "VIGIL_CONFIG"}) {
        EXPECT_NE(help.find(needle), std::string::npos) << needle;
    }
}

TEST(Config, ExampleConfigFileLoadsAndMatchesDefaults) {
    const auto path = std::filesystem::path(VIGIL_SOURCE_DIR) / "config" / "vigil.example.toml";
    auto c = load_config(path, fake_env({}));
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(*c, ServerConfig{}) << "the example documents the defaults; keep them in step";
}

}  // namespace
}  // namespace vigil
