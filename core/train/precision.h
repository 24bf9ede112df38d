// Which precision the trainer's matmuls run in: --bf16 asks for bf16 operands with f32
// accumulation, which pays only where the CPU multiplies bf16 in hardware (AVX512_BF16 or
// AMX). Elsewhere oneDNN emulates it with conversions and runs slower than f32, so the
// request is declined with a note unless the user forces it. The decision is one function of
// the request and the CPU, so it can be tested with a CPU described by hand.
#pragma once

#include <string>

namespace tcw::train {

// What the trainer needs to know about the CPU oneDNN runs on.
struct CpuIsa {
    std::string name;          // oneDNN's effective ISA, e.g. "avx512_core_vnni"
    bool bf16Hardware = false; // bf16 dot products in hardware (AVX512_BF16 or AMX)
};

// oneDNN's view of this machine (dnnl::get_effective_cpu_isa: the highest ISA it will use,
// after ONEDNN_MAX_CPU_ISA).
CpuIsa detectCpuIsa();

struct PrecisionChoice {
    bool bf16 = false; // bf16 matmul operands (else f32)
    std::string note;  // for the user; empty when the request was taken as it stands
};

// requested: --bf16; forced: --force-bf16 (run bf16 even without hardware support).
PrecisionChoice choosePrecision(bool requested, bool forced, const CpuIsa& cpu);

} // namespace tcw::train
