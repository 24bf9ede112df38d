// What the trainer's runtime is on this computer: oneDNN's version and the instruction set its
// kernels dispatch to, and the compute threads in force (for device profiles' descriptors).
#pragma once

#include <string>

namespace tcw::train {

std::string onednnVersion();      // "oneDNN 2.6.3"
std::string onednnEffectiveIsa(); // "avx512_core_vnni", …; "unknown (N)" for a value this build does not name
int computeThreads();             // OpenMP threads work started from the calling thread uses

} // namespace tcw::train
