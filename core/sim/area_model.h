// Chip area from the technology table (docs/acceltran-fast.md §5): MAC lanes with their FIFO
// and sparsity modules (and stochastic rounding when built for training), softmax units,
// one layer-norm unit, a dataflow module and a DMA per PE, plus the three buffers.
#pragma once

#include "design/accelerator_spec.h"
#include "design/technology_library.h"
#include "sim_types.h"

#include <array>

namespace tcw {

// Area in mm² by ModuleClass; main memory is off chip (0). A training accelerator carries
// the stochastic-rounding modules. Variants missing from the table contribute 0 (validate
// the accelerator against the table first).
std::array<double, kModuleClassCount> acceleratorAreaMM2(const AcceleratorSpec& accelerator,
                                                         const TechnologyLibrary& technology, SimMode mode);

} // namespace tcw
