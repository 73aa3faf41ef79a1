#pragma once
// `vigil train traffic` and `vigil eval traffic` (owner: traffic-ml). argv[0] is "train"/"eval",
// argv[1] is "traffic".
namespace vigil::cli {

int run_train_traffic(int argc, char** argv);
int run_eval_traffic(int argc, char** argv);

}  // namespace vigil::cli
