// Starts the executable again with OMP_WAIT_POLICY=PASSIVE before libgomp initialises (see
// omp_wait_policy.h). Linked as an object into each executable: .preinit_array is honoured
// only in the executable itself.
#include "omp_wait_policy.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace {
// Added next to OMP_WAIT_POLICY so the second start knows the value is ours, not the user's.
constexpr char kOurs[] = "TCW_OMP_WAIT_POLICY_SET=1";
constexpr char kPassive[] = "OMP_WAIT_POLICY=PASSIVE";

bool startsWith(const char* s, const char* prefix) {
    return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

// Runs before any shared library's initialiser, so only system calls and plain loops here
// (no allocation: the C library is not initialised yet).
void restartWithPassiveWaiting(int, char** argv, char** env) {
    if (!env || !argv || !argv[0])
        return;
    std::size_t n = 0;
    for (; env[n]; ++n)
        if (startsWith(env[n], "OMP_WAIT_POLICY="))
            return; // the user's (or ours, already restarted)
    auto** next = static_cast<char**>(__builtin_alloca((n + 3) * sizeof(char*))); // on the stack
    for (std::size_t i = 0; i < n; ++i)
        next[i] = env[i];
    next[n] = const_cast<char*>(kPassive);
    next[n + 1] = const_cast<char*>(kOurs);
    next[n + 2] = nullptr;
    execve("/proc/self/exe", argv, next); // returns only on failure: run on as we are
}
} // namespace

__attribute__((section(".preinit_array"), used)) static void (*const g_preinit)(int, char**,
                                                                                char**) = &restartWithPassiveWaiting;

namespace tcw::app {

const char* ompWaitPolicy() {
    const char* policy = std::getenv("OMP_WAIT_POLICY");
    return policy ? policy : "default (spin, then sleep)";
}

bool ompWaitPolicyFromUser() {
    return std::getenv("OMP_WAIT_POLICY") && !std::getenv("TCW_OMP_WAIT_POLICY_SET");
}

} // namespace tcw::app
