// The measured cost model as device selection's latency of a `device` target (issue 16,
// search::DeviceLatencyFn): the device's row for the model when it was measured there, else
// its surrogate's prediction (MeasuredCostModel), per sequence, times the batch.
//
// Our modelling, labelled in each cell's provenance: a device's profile was measured at its
// own sequence length (EdgeTran: 128 tokens); for a task of another length the per-sequence
// latency is scaled by the model's forward FLOPs per sequence at the task's length over those
// at the profile's. A device runs the dense model whatever the pruning setting
// (search::SelectionInput::deviceLatency).
#pragma once

#include "device_surrogate.h"

#include "search/device_selection.h"

#include <cstdint>
#include <vector>

namespace tcw::devices {

// profiles: the devices a catalogue names (by DeviceProfile::deviceName = DeviceTarget::device).
// Fits every device's surrogates once (seed fixes them), so the function is deterministic.
// A device id not among the profiles, or a model the device has neither a row nor a latency
// surrogate for, gives an error naming it.
search::DeviceLatencyFn measuredDeviceLatency(const std::vector<DeviceProfile>& profiles, std::uint64_t seed = 14);

// The per-sequence latency of the estimate scaled to `batch` sequences of `sequenceLength`
// tokens (the formula above); exposed for tests.
double scaledDeviceLatency(const DeviceEstimate& estimate, const TransformerSpec& model, int profileSequenceLength,
                           int sequenceLength, int batch);

} // namespace tcw::devices
