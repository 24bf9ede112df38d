// oneDNN and OpenMP facts for device profiles (runtime_info.h).
#include "runtime_info.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <string>

namespace tcw::train {

std::string onednnVersion() {
    const dnnl_version_t* v = dnnl_version();
    return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

std::string onednnEffectiveIsa() {
    switch (dnnl_get_effective_cpu_isa()) {
    case dnnl_cpu_isa_all:
        return "all";
    case dnnl_cpu_isa_sse41:
        return "sse41";
    case dnnl_cpu_isa_avx:
        return "avx";
    case dnnl_cpu_isa_avx2:
        return "avx2";
    case dnnl_cpu_isa_avx512_mic:
        return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops:
        return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core:
        return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni:
        return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16:
        return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx:
        return "avx512_core_amx";
    case dnnl_cpu_isa_avx2_vnni:
        return "avx2_vnni";
    }
    return "unknown (" + std::to_string(static_cast<unsigned>(dnnl_get_effective_cpu_isa())) + ")";
}

int computeThreads() {
    return omp_get_max_threads();
}

} // namespace tcw::train
