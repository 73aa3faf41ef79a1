// vigil intel import FILE --format F [--source NAME] [--db PATH]: stores a feed snapshot so that
// `vigil serve` starts with it.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "vigil/cli/intel_commands.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/intel/feed_store.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kIntelUsage = R"(usage: vigil intel import FILE --format phishtank|openphish|urlhaus|plain [--source NAME] [--db PATH]

Reads a threat feed (plain or .gz; PhishTank as CSV or JSON) and stores its entries as Safe Browsing
full hashes of their canonical expressions in the database, so that `vigil serve` loads them at start.
Importing the same source again replaces its entries: those the feed no longer lists are removed,
first-seen times of the others are kept.

options:
  --format F     feed format (required)
  --source NAME  source name, shown in verdict reasons as feed:NAME (default: the format's name)
  --db PATH      SQLite database (default var/vigil.db, as vigil serve)
  --quiet        no progress output
  --help
)";

// Steps of an import on one line on a terminal, one line per step otherwise.
class StepReporter {
public:
    explicit StepReporter(bool quiet) : quiet_(quiet), tty_(isatty(fileno(stderr)) == 1) {}
    void step(int n, int of, const std::string& what) {
        if (quiet_) return;
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        if (tty_) {
            std::string bar(static_cast<size_t>(n * 20 / of), '#');
            bar.resize(20, '.');
            std::fprintf(stderr, "\r  [%s] %d/%d %-40s %.1fs", bar.c_str(), n, of, what.c_str(), secs);
            if (n == of) std::fputc('\n', stderr);
            std::fflush(stderr);
        } else {
            std::fprintf(stderr, "  %d/%d %s (%.1fs)\n", n, of, what.c_str(), secs);
        }
    }

private:
    bool quiet_, tty_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

int run_import(int argc, char** argv) {
    std::string file, source;
    std::optional<intel::FeedFormat> format;
    std::filesystem::path db_path = ServerConfig{}.db_path;
    bool quiet = false;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--help" || a == "-h") {
            std::cout << kIntelUsage;
            return 0;
        } else if (a == "--format" || a == "--source" || a == "--db") {
            const char* v = value();
            if (v == nullptr) return std::cerr << "vigil intel import: " << a << " needs a value\n", 2;
            if (a == "--format") {
                auto f = intel::feed_format_from_string(v);
                if (!f) return std::cerr << "vigil intel import: " << f.error().message << "\n", 2;
                format = *f;
            } else if (a == "--source") {
                source = v;
            } else {
                db_path = v;
            }
        } else if (a == "--quiet") {
            quiet = true;
        } else if (a.starts_with("-")) {
            return std::cerr << "vigil intel import: unknown option '" << a << "'\n\n" << kIntelUsage, 2;
        } else if (file.empty()) {
            file = std::string(a);
        } else {
            return std::cerr << "vigil intel import: one FILE at a time\n", 2;
        }
    }
    if (file.empty() || !format) return std::cerr << kIntelUsage, 2;
    if (source.empty()) source = std::string(intel::to_string(*format));
    if (!intel::valid_source_name(source)) {
        return std::cerr << "vigil intel import: --source must be 1-32 characters of a-z, 0-9, '_' and '-'\n", 2;
    }

    StepReporter progress(quiet);
    progress.step(1, 4, "reading " + std::filesystem::path(file).filename().string());
    auto text = read_file(file);
    if (!text) return std::cerr << "vigil intel import: " << file << ": " << text.error().message << "\n", 1;
    progress.step(2, 4, "opening the database");
    auto db = store::Database::open(db_path);
    if (!db) return std::cerr << "vigil intel import: " << db_path.string() << ": " << db.error().message << "\n", 1;
    intel::IntelState state;
    if (Status s = intel::load_stored_feeds(*db, state); !s) {
        return std::cerr << "vigil intel import: " << s.error().message << "\n", 1;
    }
    const intel::FeedSpec spec{source, *format, std::filesystem::absolute(file).string()};
    progress.step(3, 4, "parsing, hashing, storing");
    auto status = intel::apply_feed_text(spec, *text, state, &*db, intel::unix_now_ms());
    if (!status) return std::cerr << "vigil intel import: " << file << ": " << status.error().message << "\n", 1;
    progress.step(4, 4, "done");
    size_t entries = 0;
    for (const auto& s : state.stats().sources) {
        if (s.name == source) entries = s.entries;
    }
    std::cout << "imported " << source << " (" << intel::to_string(*format) << ") into " << db_path.string() << ": "
              << entries << " entries (" << status->added << " new, " << status->removed << " removed); "
              << status->records << " records, " << status->malformed << " malformed, " << status->skipped
              << " inactive, " << status->invalid_urls << " invalid URLs, " << status->duplicates << " duplicates\n";
    return 0;
}

}  // namespace

int run_intel(int argc, char** argv) {
    if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") {
        (argc < 2 ? std::cerr : std::cout) << kIntelUsage;
        return argc < 2 ? 2 : 0;
    }
    if (std::string_view(argv[1]) == "import") return run_import(argc, argv);
    std::cerr << "vigil intel: unknown subcommand '" << argv[1] << "' (import)\n";
    return 2;
}

}  // namespace vigil::cli
