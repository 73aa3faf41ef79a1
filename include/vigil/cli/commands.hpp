#pragma once
// Training-side subcommands, called by main.cpp. argv[0] is the subcommand name ("train",
// "eval"); the return value is the process exit code (0 ok, 1 failure, 2 usage error).
namespace vigil::cli {

int run_train(int argc, char** argv);
int run_eval(int argc, char** argv);

}  // namespace vigil::cli
