#pragma once
// Packet-capture subcommands, called by main.cpp (argv[0] is the subcommand name).
namespace vigil::cli {

int run_pcap(int argc, char** argv);

}  // namespace vigil::cli
