// OpenMP threads that sleep when idle, in every executable that trains.
//
// oneDNN in Debian 12 runs on GNU OpenMP (libgomp), which reads OMP_WAIT_POLICY once, in its
// own initialiser, before main() starts; its default lets idle threads spin for a while, and
// on a machine whose cores other processes keep busy those spinning threads steal the time
// the working ones need (a training step tens of times slower instead of 2–4×). Setting the
// variable from main() is too late, and so is setting it from the executable's
// .preinit_array (glibc's own initialiser resets the environment afterwards). So
// omp_wait_policy.cpp, from .preinit_array (before any library is initialised), starts the
// executable again on itself with OMP_WAIT_POLICY=PASSIVE added to the environment when the
// user has not set the variable: one more exec at start-up, same process id. A value the
// user set is kept. If the exec fails the program runs on with OpenMP's default.
#pragma once

namespace tcw::app {

// The wait policy OpenMP started with: the user's OMP_WAIT_POLICY, "PASSIVE" (ours), or
// OpenMP's default when neither could be set.
const char* ompWaitPolicy();

// True when OMP_WAIT_POLICY came from the user's environment rather than from us.
bool ompWaitPolicyFromUser();

} // namespace tcw::app
