// vigil: one binary, subcommands. Components are created explicitly here and in each command;
// nothing registers itself.
#include <cstring>
#include <iostream>
#include <string_view>

#include "vigil/cli/brand_command.hpp"
#include "vigil/cli/commands.hpp"
#include "vigil/cli/intel_commands.hpp"
#include "vigil/cli/local_commands.hpp"
#include "vigil/cli/pcap_commands.hpp"

namespace {

constexpr std::string_view kUsage = R"(vigil — real-time phishing and network-threat detection

usage: vigil <command> [options]

commands:
  serve    run the HTTP API server (vigil serve --help)
  check    score URLs offline with the bundled model, one JSON verdict per line
  train    train a model: vigil train url --data FILE ... --out DIR
           vigil train traffic --data FILE --format nsl-kdd|unsw-nb15|csv --out DIR
  eval     evaluate a model: vigil eval url --model DIR --data FILE [--json]
           vigil eval traffic [--model DIR] --data FILE --format nsl-kdd [--json]
  pcap     connections and verdicts from a packet capture: vigil pcap FILE [--json]
  intel    threat feeds: vigil intel import FILE --format phishtank|openphish|urlhaus|plain
  lookup   check URLs against a server's threat lists by hash prefix: vigil lookup URL... --server URL
  brand    brand lookalikes: vigil brand permute DOMAIN [--json], vigil brand check HOST...
  version  print the version, features version and build information

Run 'vigil <command> --help' for the options of a command.
)";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
        std::strcmp(argv[1], "help") == 0) {
        std::cout << kUsage;
        return argc < 2 ? 2 : 0;
    }
    const std::string_view command = argv[1];
    // Subcommands see argv[0] == their own name.
    int sub_argc = argc - 1;
    char** sub_argv = argv + 1;
    if (command == "serve") return vigil::cli::run_serve(sub_argc, sub_argv);
    if (command == "check") return vigil::cli::run_check(sub_argc, sub_argv);
    if (command == "train") return vigil::cli::run_train(sub_argc, sub_argv);
    if (command == "eval") return vigil::cli::run_eval(sub_argc, sub_argv);
    if (command == "brand") return vigil::cli::run_brand(sub_argc, sub_argv);
    if (command == "pcap") return vigil::cli::run_pcap(sub_argc, sub_argv);
    if (command == "intel") return vigil::cli::run_intel(sub_argc, sub_argv);
    if (command == "lookup") return vigil::cli::run_lookup(sub_argc, sub_argv);
    if (command == "version" || command == "--version") return vigil::cli::run_version(sub_argc, sub_argv);
    std::cerr << "vigil: unknown command '" << command << "'\n\n" << kUsage;
    return 2;
}
