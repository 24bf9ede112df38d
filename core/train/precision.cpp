// The bf16 decision (see precision.h).
#include "precision.h"

#include <oneapi/dnnl/dnnl.hpp>

namespace tcw::train {

namespace {
std::string isaName(dnnl::cpu_isa isa) {
    switch (isa) {
    case dnnl::cpu_isa::sse41:
        return "sse41";
    case dnnl::cpu_isa::avx:
        return "avx";
    case dnnl::cpu_isa::avx2:
        return "avx2";
    case dnnl::cpu_isa::avx2_vnni:
        return "avx2_vnni";
    case dnnl::cpu_isa::avx512_mic:
        return "avx512_mic";
    case dnnl::cpu_isa::avx512_mic_4ops:
        return "avx512_mic_4ops";
    case dnnl::cpu_isa::avx512_core:
        return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni:
        return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16:
        return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx:
        return "avx512_core_amx";
    default:
        return "unknown";
    }
}
} // namespace

CpuIsa detectCpuIsa() {
    const dnnl::cpu_isa isa = dnnl::get_effective_cpu_isa();
    // oneDNN's ISA values are bit masks: each one contains the flags of those below it.
    const auto bits = static_cast<unsigned>(isa);
    const bool bf16 = (bits & static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16)) ==
                      static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
    return {isaName(isa), bf16};
}

PrecisionChoice choosePrecision(bool requested, bool forced, const CpuIsa& cpu) {
    if (!requested && !forced)
        return {false, {}};
    if (cpu.bf16Hardware)
        return {true, {}};
    if (forced)
        return {true, "this CPU (" + cpu.name +
                          ") has no bf16 hardware (AVX512_BF16 or AMX): bf16 runs emulated, slower than f32, "
                          "as forced"};
    return {false, "this CPU (" + cpu.name +
                       ") has no bf16 hardware (AVX512_BF16 or AMX): running f32, which is faster here "
                       "(--force-bf16 runs bf16 anyway)"};
}

} // namespace tcw::train
