// The fpga side of tcw simulate (commands_fpga.cpp).
#pragma once

#include "design/transformer_spec.h"

#include <filesystem>
#include <string>

namespace tcw::cli {

// `tcw simulate --target fpga:NAME|FILE --model M`: the model's encoder weight matrices on an
// fpga target (core/sim/fpga_model.h) at the model's precision, for one sequence of `tokens`
// with the weights at `weightSparsity`. NAME is a target under <data>/targets (zcu104, u200).
// Exit 0 feasible, 1 infeasible (the reasons are printed), 2 bad input.
int simulateOnFpga(const TransformerSpec& model, const std::string& target, int tokens, double weightSparsity,
                   const std::filesystem::path& dataDir, bool json);

} // namespace tcw::cli
