#!/usr/bin/env python3
"""Profile FlexiBERT 2.0 / BERT-style inference on a CUDA GPU and write a workbench device profile.

The models are the workbench's own transformer JSON (data/presets/models/*.json, or any file
`tcw convert` writes from a FlexiBERT 2.0 model dict); the forward pass follows
docs/training.md ("The model") in PyTorch, eval mode, no gradients, random weights. Energy comes
from NVML's total-energy counter (nvmlDeviceGetTotalEnergyConsumption, mJ since the driver
loaded) read through ctypes, with a sampling thread that also reads the power
(nvmlDeviceGetPowerUsage, mW). The output is THE SAME format as `tcw profile`
(docs/formats.md#deviceprofile, definitions in docs/profiling.md).

Example:
  python3 tools/profile_cuda.py --models data/presets/models/bert-tiny.json \\
      data/presets/models/bert-mini.json --batch 128 --seq 128 --runs 20 --min-seconds 2 \\
      --idle 5 --device h100 --out h100.json
"""

import argparse
import ctypes
import json
import math
import os
import platform
import shlex
import sys
import tempfile
import threading
import time

ISA_FLAGS = ["sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512dq", "avx512bw", "avx512vl",
             "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx512_vpopcntdq", "amx_tile", "amx_bf16", "amx_int8"]
HEAD_TYPES = ["sa_sdp", "sa_wma", "l_dft", "l_dct", "c_5", "c_9", "c_13"]


# ------------------------------------------------------------------------------------- statistics

def quantile(values, q):
    """numpy's default 'linear' quantile: position q*(n-1) in the sorted values."""
    s = sorted(values)
    if not s:
        return 0.0
    pos = min(max(q, 0.0), 1.0) * (len(s) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])


def latency_stats(seconds):
    n = len(seconds)
    mean = sum(seconds) / n
    cv = 0.0
    if n > 1 and mean > 0:
        cv = math.sqrt(sum((v - mean) ** 2 for v in seconds) / (n - 1)) / mean
    return {"median": quantile(seconds, 0.5), "p5": quantile(seconds, 0.05), "p95": quantile(seconds, 0.95),
            "mean": mean, "cv": cv, "samples": n}


def trapezoid(t, p):
    return sum(0.5 * (p[i] + p[i - 1]) * (t[i] - t[i - 1]) for i in range(1, len(t)))


def value_at(samples, t):
    """Linear interpolation of (time, value) samples at t (samples cover t)."""
    for i in range(1, len(samples)):
        if samples[i][0] >= t:
            (t0, v0), (t1, v1) = samples[i - 1], samples[i]
            return v1 if t1 <= t0 else v0 + (t - t0) / (t1 - t0) * (v1 - v0)
    return samples[-1][1]


def window_joules(samples, counter, t0, t1):
    if len(samples) < 2 or t1 < t0 or t0 < samples[0][0] or t1 > samples[-1][0]:
        return None
    if counter:
        return value_at(samples, t1) - value_at(samples, t0)
    t = [t0] + [s[0] for s in samples if t0 < s[0] < t1] + [t1]
    p = [value_at(samples, t0)] + [s[1] for s in samples if t0 < s[0] < t1] + [value_at(samples, t1)]
    return trapezoid(t, p)


def power_trace(samples, counter, origin):
    """Counter: mean power of each interval at its end; instantaneous: the samples."""
    if not counter:
        return [s[0] - origin for s in samples], [s[1] for s in samples]
    t, p = [], []
    for i in range(1, len(samples)):
        dt = samples[i][0] - samples[i - 1][0]
        if dt > 0:
            t.append(samples[i][0] - origin)
            p.append((samples[i][1] - samples[i - 1][1]) / dt)
    return t, p


def peak_power(t, p, counter, window, w0, w1):
    """core/profile/power_math.cpp peakPowerW: the largest mean power over runs of consecutive
    intervals inside [w0, w1] spanning at least `window` seconds."""
    intervals = []
    for i in range(0 if counter else 1, len(t)):
        start = 0.0 if i == 0 else t[i - 1]
        end = t[i]
        if end <= start or start < w0 or end > w1:
            continue
        mean = p[i] if counter else 0.5 * (p[i] + p[i - 1])
        intervals.append((start, end, mean * (end - start)))
    if not intervals:
        return None
    peak, first, joules = None, 0, 0.0
    for j in range(len(intervals)):
        if j > 0 and intervals[j][0] != intervals[j - 1][1]:
            first, joules = j, 0.0
        joules += intervals[j][2]
        while first < j and intervals[j][1] - intervals[first + 1][0] >= window:
            joules -= intervals[first][2]
            first += 1
        span = intervals[j][1] - intervals[first][0]
        if span >= window * (1 - 1e-9):
            peak = joules / span if peak is None else max(peak, joules / span)
    if peak is None:
        peak = sum(x[2] for x in intervals) / (intervals[-1][1] - intervals[0][0])
    return peak


def unavailable(reason, remedy=""):
    m = {"unavailable": reason}
    if remedy:
        m["remedy"] = remedy
    return m


# ------------------------------------------------------------------------------------------ NVML

class Nvml:
    """The few NVML calls needed, through ctypes (no pynvml dependency)."""

    def __init__(self, index):
        self.lib = ctypes.CDLL("libnvidia-ml.so.1")
        self.lib.nvmlErrorString.restype = ctypes.c_char_p
        self._check(self.lib.nvmlInit_v2(), "nvmlInit_v2")
        self.handle = ctypes.c_void_p()
        self._check(self.lib.nvmlDeviceGetHandleByIndex_v2(index, ctypes.byref(self.handle)),
                    "nvmlDeviceGetHandleByIndex_v2")

    def _check(self, code, what):
        if code != 0:
            raise RuntimeError("%s: %s" % (what, self.lib.nvmlErrorString(code).decode()))

    def name(self):
        buf = ctypes.create_string_buffer(96)
        self._check(self.lib.nvmlDeviceGetName(self.handle, buf, 96), "nvmlDeviceGetName")
        return buf.value.decode()

    def driver(self):
        buf = ctypes.create_string_buffer(80)
        self._check(self.lib.nvmlSystemGetDriverVersion(buf, 80), "nvmlSystemGetDriverVersion")
        return buf.value.decode()

    def energy_joules(self):
        mj = ctypes.c_ulonglong()
        self._check(self.lib.nvmlDeviceGetTotalEnergyConsumption(self.handle, ctypes.byref(mj)),
                    "nvmlDeviceGetTotalEnergyConsumption")
        return mj.value / 1000.0

    def power_watts(self):
        mw = ctypes.c_uint()
        self._check(self.lib.nvmlDeviceGetPowerUsage(self.handle, ctypes.byref(mw)), "nvmlDeviceGetPowerUsage")
        return mw.value / 1000.0


class Recorder:
    """Samples (epoch time, cumulative J) from the energy counter and (time, W) from the power
    reading every period; mark() takes one sample at once."""

    def __init__(self, nvml, period):
        self.nvml, self.period = nvml, period
        self.energy, self.power = [], []
        self.error = ""
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def sample(self):
        with self.lock:
            try:
                e = self.nvml.energy_joules()
                t = time.time()
                self.energy.append((t, e))
                self.power.append((t, self.nvml.power_watts()))
            except RuntimeError as err:
                if not self.error:
                    self.error = str(err)
            return time.time()

    def mark(self):
        self.sample()
        with self.lock:
            return self.energy[-1][0] if self.energy else time.time()

    def start(self):
        self.sample()
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join()
        self.sample()

    def _loop(self):
        next_time = time.monotonic()
        while True:
            next_time += self.period
            if self.stopping.wait(max(0.0, next_time - time.monotonic())):
                return
            self.sample()


# ------------------------------------------------------------------------------------------ model

def build_model(spec, seq, vocab, classes, torch):
    """docs/training.md's FlexiBERT 2.0 forward, inference only (no padding: every token real)."""
    nn = torch.nn
    F = torch.nn.functional

    def dct_matrix(n):
        k = torch.arange(n, dtype=torch.float64).unsqueeze(1)
        i = torch.arange(n, dtype=torch.float64).unsqueeze(0)
        d = torch.cos(math.pi / n * (i + 0.5) * k) * math.sqrt(2.0 / n)
        d[0] /= math.sqrt(2.0)
        return d.float()

    class Head(nn.Module):
        def __init__(self, kind, d):
            super().__init__()
            self.kind, self.d = kind, d
            self.projections = 1 if kind.startswith("l_") else 3
            if kind == "sa_wma":
                self.w = nn.Parameter(torch.eye(d))
            if kind.startswith("c_"):
                k = int(kind[2:])
                self.k = k
                self.conv = nn.Conv1d(d, d, k, padding=k // 2, groups=d)
                self.gate = nn.Linear(d, k)
            if kind == "l_dct":
                self.register_buffer("ds", dct_matrix(seq))
                self.register_buffer("dd", dct_matrix(d))

        def forward(self, q, k, v):  # [B, S, d] each (q, k None for transforms)
            if self.kind == "sa_sdp":
                return F.scaled_dot_product_attention(q, k, v)
            if self.kind == "sa_wma":
                return F.scaled_dot_product_attention(q @ self.w, k, v)
            if self.kind == "l_dft":
                return torch.fft.fft2(v.float()).real.to(v.dtype) / math.sqrt(v.shape[1] * self.d)
            if self.kind == "l_dct":
                return self.ds @ v @ self.dd.t()
            ks = self.conv(k.transpose(1, 2)).transpose(1, 2)            # [B, S, d]
            kernel = torch.softmax(self.gate(q * ks), dim=-1)             # [B, S, k]
            pad = self.k // 2
            vp = F.pad(v, (0, 0, pad, pad))                               # [B, S + k - 1, d]
            windows = vp.unfold(1, self.k, 1)                             # [B, S, d, k]
            return torch.einsum("bsdk,bsk->bsd", windows, kernel)

    class Layer(nn.Module):
        def __init__(self, layer):
            super().__init__()
            h = layer["hiddenSize"]
            self.heads = nn.ModuleList(Head(x["type"], x["dim"]) for x in layer["heads"])
            width = sum(head.projections * head.d for head in self.heads)
            self.project = nn.Linear(h, width)
            self.out = nn.Linear(sum(head.d for head in self.heads), h)
            self.norm1 = nn.LayerNorm(h)
            sizes = [h] + list(layer.get("feedForward", [])) + [h]
            self.ff = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
            self.norm2 = nn.LayerNorm(h)

        def forward(self, x):
            p = self.project(x)
            outs, at = [], 0
            for head in self.heads:
                d = head.d
                if head.projections == 1:
                    outs.append(head(None, None, p[..., at:at + d]))
                else:
                    outs.append(head(p[..., at:at + d], p[..., at + d:at + 2 * d], p[..., at + 2 * d:at + 3 * d]))
                at += head.projections * d
            x = self.norm1(x + self.out(torch.cat(outs, dim=-1)))
            y = x
            for i, dense in enumerate(self.ff):
                y = dense(y)
                if i + 1 < len(self.ff):
                    y = act(y)
            return self.norm2(x + y)

    activation = spec.get("activation", "gelu")
    act = F.gelu if activation == "gelu" else F.relu

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            layers = spec["layers"]
            h0 = layers[0]["hiddenSize"]
            self.tokens = nn.Embedding(vocab, h0)
            self.positions = nn.Parameter(torch.zeros(seq, h0))
            self.norm = nn.LayerNorm(h0)
            self.layers = nn.ModuleList(Layer(l) for l in layers)
            self.between = nn.ModuleList(
                nn.Linear(a["hiddenSize"], b["hiddenSize"]) if a["hiddenSize"] != b["hiddenSize"] else nn.Identity()
                for a, b in zip(layers[:-1], layers[1:]))
            self.classifier = nn.Linear(layers[-1]["hiddenSize"], classes)

        def forward(self, ids):
            x = self.norm(self.tokens(ids) + self.positions)
            for i, layer in enumerate(self.layers):
                x = layer(x)
                if i < len(self.between):
                    x = self.between[i](x)
            return self.classifier(x.mean(dim=1))

    return Model()


def initialise(model, seed, torch):
    """BERT-style: N(0, 0.02) matrices and embeddings, zero biases, unit norms (sa_wma's W stays I)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".w"):
                continue
            if "norm" in name:
                p.fill_(1.0 if name.endswith("weight") else 0.0)
            elif name.endswith("bias"):
                p.zero_()
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)


# -------------------------------------------------------------------------------------- machine

def machine_descriptor(torch, nvml_info):
    cpu_model, flags, logical = "", set(), 0
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "processor":
                    logical += 1
                elif key == "model name" and not cpu_model:
                    cpu_model = value
                elif key == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    major, minor = torch.cuda.get_device_capability(0)
    return {"cpuModel": cpu_model, "logicalCpus": logical or (os.cpu_count() or 0),
            "threadsUsed": torch.get_num_threads(), "isaFlags": [f for f in ISA_FLAGS if f in flags],
            "runtime": "PyTorch %s + CUDA %s" % (torch.__version__, torch.version.cuda),
            "runtimeIsa": "sm_%d%d" % (major, minor), "kernel": platform.system() + " " + platform.release(),
            "hypervisor": "hypervisor" in flags, "accelerator": nvml_info.get("name", torch.cuda.get_device_name(0)),
            "acceleratorDriver": nvml_info.get("driver", ""), "loadAverageBefore": load_average(),
            "loadAverageAfter": None}


def load_average():
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def write_atomically(path, text, force):
    """The workbench's safe-writer rules: temporary file beside it, flush, fsync, rename; no clobbering."""
    if os.path.exists(path) and not force:
        sys.exit("profile_cuda.py: %s exists; pass --force to replace it" % path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".profile-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        dfd = os.open(folder, os.O_RDONLY)
        os.fsync(dfd)
        os.close(dfd)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ----------------------------------------------------------------------------------------- main

def recompute_peak(args):
    """Peak power again over --peak-window from the counter traces a profile holds (the intervals'
    energies are exact, so a longer window needs no new measurement)."""
    with open(args.recompute_peak) as f:
        profile = json.load(f)
    if profile.get("settings", {}).get("powerSource") != "nvml" or profile["settings"].get("protranCompat"):
        sys.exit("profile_cuda.py: --recompute-peak needs a profile of NVML counter traces (not --protran-compat)")
    window = args.peak_window / 1000.0
    for row in profile["rows"]:
        t = row.get("trace")
        if not t:
            continue
        peak = peak_power(t["timeSeconds"], t["powerW"], True, window, t["windowStartSeconds"], t["windowEndSeconds"])
        row["peakPowerW"] = peak if peak is not None else unavailable("no counter interval inside the window")
    old = profile["settings"]["peakWindowMs"]
    profile["settings"]["peakWindowMs"] = args.peak_window
    profile["device"]["description"] += ("; peak power recomputed over %g ms from the recorded counter traces "
                                         "(measured with %g ms)" % (args.peak_window, old))
    profile["command"] += " && " + " ".join(shlex.quote(a) for a in [os.path.basename(sys.executable)] + sys.argv)
    write_atomically(args.out, json.dumps(profile, indent=1) + "\n", args.force)
    print("Wrote %s" % args.out, file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", help="workbench transformer JSON files")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--runs", type=int, default=10, help="timed batches per model (at least)")
    ap.add_argument("--min-seconds", type=float, default=0.0,
                    help="keep timing batches until the timed window lasts this long (energy needs a few "
                         "counter updates)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--dtype", choices=["f32", "bf16", "f16"], default="f32")
    ap.add_argument("--vocab", type=int, default=30522)
    ap.add_argument("--classes", type=int, default=2)
    ap.add_argument("--idle", type=float, default=0.0, help="measure idle power for this many seconds first")
    ap.add_argument("--period", type=float, default=100.0, help="sampling period, ms")
    ap.add_argument("--peak-window", type=float, default=1000.0,
                    help="peak power = the largest mean power over a window this long, ms. NVML's energy counter "
                         "moves in steps (about every 100 ms on an H100), so windows much shorter than a second "
                         "alias: a 50 ms window read 1400 W peaks on a 700 W card")
    ap.add_argument("--recompute-peak", metavar="PROFILE",
                    help="no measuring: recompute peakPowerW of a profile this script wrote from its recorded "
                         "counter traces over --peak-window, write it to --out")
    ap.add_argument("--protran-compat", action="store_true",
                    help="ProTran's definitions: latency over model build + warm-up + runs; energy = trapezoid of "
                         "the sampled power (nvmlDeviceGetPowerUsage), no baseline; peak = largest sample")
    ap.add_argument("--gpu", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", default="cuda-gpu", help="the device's name in the profile")
    ap.add_argument("--out", required=True)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    if args.recompute_peak:
        recompute_peak(args)
        return
    if not args.models:
        ap.error("--models is required")
    if args.batch < 1 or args.seq < 1 or args.runs < 1 or args.warmup < 0 or args.period < 1 or args.idle < 0:
        ap.error("batch, seq and runs must be >= 1, warmup and idle >= 0, period >= 1 ms")
    if os.path.exists(args.out) and not args.force:
        ap.error("%s exists; pass --force to replace it" % args.out)

    import torch
    if not torch.cuda.is_available():
        sys.exit("profile_cuda.py: PyTorch sees no CUDA GPU")
    torch.cuda.set_device(args.gpu)
    dtype = {"f32": torch.float32, "bf16": torch.bfloat16, "f16": torch.float16}[args.dtype]
    torch.backends.cuda.matmul.allow_tf32 = False  # f32 means f32 (as the CPU profile's oneDNN path)
    torch.backends.cudnn.allow_tf32 = False

    models = []
    for path in args.models:
        with open(path) as f:
            spec = json.load(f)
        if spec.get("kind") != "transformer":
            sys.exit("profile_cuda.py: %s: kind must be \"transformer\" (convert a model dict with tcw convert)"
                     % path)
        for i, layer in enumerate(spec["layers"]):
            for j, head in enumerate(layer["heads"]):
                if head["type"] not in HEAD_TYPES:
                    sys.exit("%s: layers[%d].heads[%d].type: '%s' is not one of %s"
                             % (path, i, j, head["type"], ", ".join(HEAD_TYPES)))
        models.append((spec.get("name") or os.path.splitext(os.path.basename(path))[0], spec))

    nvml, reason, remedy, info = None, "", "", {}
    try:
        nvml = Nvml(args.gpu)
        info = {"name": nvml.name(), "driver": nvml.driver()}
        nvml.energy_joules()
    except (OSError, RuntimeError) as err:
        nvml = None
        reason = "NVML's energy counter is not readable: %s" % err
        remedy = "needs an NVIDIA driver with libnvidia-ml.so.1 and a Volta or newer GPU"
    machine = machine_descriptor(torch, info)
    period = args.period / 1000.0
    peak_window = args.peak_window / 1000.0

    recorder = Recorder(nvml, period) if nvml else None
    mark = recorder.mark if recorder else time.time
    ids = torch.randint(0, args.vocab, (args.batch, args.seq), generator=torch.Generator().manual_seed(args.seed))
    ids = ids.cuda()
    torch.cuda.synchronize()
    if recorder:
        recorder.start()
    idle = (0.0, 0.0)
    if recorder and args.idle > 0:
        i0 = mark()
        time.sleep(args.idle)
        idle = (i0, mark())

    windows = []
    for n, (name, spec) in enumerate(models):
        print("profiling %d/%d %s" % (n + 1, len(models), name), file=sys.stderr, flush=True)
        trace_start = mark()
        model = build_model(spec, args.seq, args.vocab, args.classes, torch)
        initialise(model, args.seed, torch)
        model = model.to(device="cuda", dtype=dtype).eval()
        batch_seconds = []
        with torch.inference_mode():
            for _ in range(args.warmup):
                model(ids)
            torch.cuda.synchronize()
            timed_start = mark()
            while len(batch_seconds) < args.runs or time.time() - timed_start < args.min_seconds:
                t0 = time.perf_counter()
                model(ids)
                torch.cuda.synchronize()
                batch_seconds.append(time.perf_counter() - t0)
            timed_end = mark()
        windows.append((name, spec, trace_start, timed_start, timed_end, batch_seconds))
        del model
        torch.cuda.empty_cache()
    if recorder:
        recorder.stop()
    machine["loadAverageAfter"] = load_average()

    energy = recorder.energy if recorder else []
    power = recorder.power if recorder else []
    if recorder and recorder.error:
        reason, remedy, energy, power = "an NVML reading failed: " + recorder.error, "", [], []
    have = len(energy) >= 2
    if not have:
        idle_w = unavailable(reason or "no power samples", remedy)
    elif args.idle <= 0:
        idle_w = unavailable("idle power not measured (--idle 0)", "pass --idle SECONDS")
    else:
        idle_w = window_joules(energy, True, idle[0], idle[1]) / (idle[1] - idle[0])

    rows = []
    for name, spec, trace_start, timed_start, timed_end, batch_seconds in windows:
        runs = len(batch_seconds)
        sequences = runs * args.batch
        row = {"modelName": name, "model": spec}
        if args.protran_compat:
            life = timed_end - trace_start
            row["latencySecondsPerSequence"] = latency_stats([life / sequences])
            row["batchLatencySeconds"] = [life]
        else:
            row["latencySecondsPerSequence"] = latency_stats([b / args.batch for b in batch_seconds])
            row["batchLatencySeconds"] = batch_seconds
        if have:
            w0 = trace_start if args.protran_compat else timed_start
            seconds = timed_end - w0
            if args.protran_compat:
                inside = [s for s in power if trace_start <= s[0] <= timed_end]
                t, p = power_trace(inside, False, trace_start)
                joules = trapezoid(t, p) if len(t) >= 2 else None
                peak = max(p) if p else None
            else:
                inside = [s for s in energy if trace_start <= s[0] <= timed_end]
                t, p = power_trace(inside, True, trace_start)
                joules = window_joules(energy, True, timed_start, timed_end)
                peak = peak_power(t, p, True, peak_window, timed_start - trace_start, timed_end - trace_start)
            few = unavailable("fewer than two power samples inside the measured window (%.1f ms)" % (seconds * 1e3),
                              "raise --runs or --min-seconds, or lower --period")
            if joules is not None and seconds > 0:
                row["energyJoulesPerSequence"] = joules / sequences
                row["dynamicEnergyJoulesPerSequence"] = (
                    (joules - idle_w * seconds) / sequences if isinstance(idle_w, float)
                    else unavailable("idle power not measured: " + idle_w["unavailable"], idle_w.get("remedy", "")))
                row["averagePowerW"] = joules / seconds
            else:
                row["energyJoulesPerSequence"] = row["dynamicEnergyJoulesPerSequence"] = row["averagePowerW"] = few
            row["peakPowerW"] = peak if peak is not None else few
            row["provenance"] = "measured"
            row["trace"] = {"windowStartSeconds": w0 - trace_start, "windowEndSeconds": timed_end - trace_start,
                            "timeSeconds": t, "powerW": p}
        else:
            m = unavailable(reason, remedy)
            row.update({"energyJoulesPerSequence": m, "dynamicEnergyJoulesPerSequence": m, "averagePowerW": m,
                        "peakPowerW": m, "provenance": "measured", "trace": None})
        rows.append(row)
        lat = row["latencySecondsPerSequence"]
        e = row["energyJoulesPerSequence"]
        print("%-34s latency median %.4f ms/seq p5 %.4f p95 %.4f CV %.1f %% (%d batches); energy %s J/seq; "
              "peak %s W" % (name, lat["median"] * 1e3, lat["p5"] * 1e3, lat["p95"] * 1e3, lat["cv"] * 100, runs,
                             "%.5f" % e if isinstance(e, float) else "unavailable",
                             "%.1f" % row["peakPowerW"] if isinstance(row["peakPowerW"], float) else "unavailable"))

    source = "nvml" if have else "none"
    profile = {
        "schemaVersion": 1, "kind": "deviceProfile",
        "device": {"name": args.device, "class": "gpu",
                   "description": "%s: PyTorch %s inference (tools/profile_cuda.py), random weights (seed %d), "
                                  "batch %d, %d tokens, at least %d timed batches%s after %d warm-up; energy from "
                                  "NVML's total-energy counter (whole GPU board)%s"
                                  % (machine["accelerator"], args.dtype, args.seed, args.batch, args.seq, args.runs,
                                     (" and %g s" % args.min_seconds) if args.min_seconds > 0 else "", args.warmup,
                                     "; ProTran's definitions" if args.protran_compat else "")},
        "machine": machine,
        "settings": {"batchSize": args.batch, "sequenceLength": args.seq, "runs": args.runs,
                     "warmupRuns": args.warmup, "threads": 0, "powerSource": source,
                     "powerSourceDetail": ("nvmlDeviceGetTotalEnergyConsumption (mJ) and nvmlDeviceGetPowerUsage "
                                           "(mW), GPU %d" % args.gpu) if have else "",
                     "samplePeriodMs": args.period, "idleSeconds": args.idle,
                     "peakWindowMs": peak_window * 1000.0, "protranCompat": args.protran_compat,
                     "precision": args.dtype, "weights": "random (seed %d)" % args.seed},
        "idlePowerW": idle_w,
        "command": " ".join(shlex.quote(a) for a in [os.path.basename(sys.executable)] + sys.argv),
        "measuredAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "rows": rows,
    }
    write_atomically(args.out, json.dumps(profile, indent=1) + "\n", args.force)
    print("Wrote %s" % args.out, file=sys.stderr)


if __name__ == "__main__":
    main()
