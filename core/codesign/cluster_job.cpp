// Slurm job scripts for a search (see cluster_job.h).
#include "cluster_job.h"

#include <cctype>
#include <cstdio>
#include <sstream>
#include <string_view>

namespace tcw::codesign {

namespace {

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ",") + item;
    return out;
}

} // namespace

std::vector<std::string> searchArguments(const SearchRequest& r) {
    const SearchRequest d;
    std::vector<std::string> a;
    auto add = [&](const char* option, const std::string& value) {
        a.push_back(option);
        a.push_back(value);
    };
    auto text = [&](const char* option, const std::string& value, const std::string& defaultValue) {
        if (value != defaultValue)
            add(option, value);
    };
    auto integer = [&](const char* option, auto value, auto defaultValue) {
        if (value != defaultValue)
            add(option, std::to_string(value));
    };
    auto real = [&](const char* option, double value, double defaultValue) {
        if (value != defaultValue)
            add(option, number(value));
    };
    text("--algorithm", r.algorithm, d.algorithm);
    integer("--budget", r.budget, d.budget);
    integer("--seed", r.seed, d.seed);
    if (!r.objectives.empty())
        add("--objectives", joined(r.objectives));
    if (!r.weights.empty())
        add("--weights", joined(r.weights));
    if (!r.normalisers.empty()) {
        std::vector<std::string> values;
        for (double v : r.normalisers)
            values.push_back(number(v));
        add("--normalisers", joined(values));
    }
    for (const auto& c : r.constraints)
        add("--constraint", c);
    text("--mode", r.mode, d.mode);
    text("--accuracy", r.accuracy, d.accuracy);
    text("--accuracy-table", r.accuracyTable, d.accuracyTable);
    text("--model-space", r.modelSpace, d.modelSpace);
    text("--accelerator-space", r.acceleratorSpace, d.acceleratorSpace);
    text("--fix-model", r.fixModel, d.fixModel);
    text("--fix-accelerator", r.fixAccelerator, d.fixAccelerator);
    text("--cost-model", r.costModel, d.costModel);
    integer("--seq", r.sequenceLength, d.sequenceLength);
    integer("--vocab", r.vocabulary, d.vocabulary);
    integer("--classes", r.classes, d.classes);
    text("--data", r.data, d.data);
    text("--data-dir", r.dataDir, d.dataDir);
    integer("--patch", r.patch, d.patch);
    integer("--train-steps", r.trainSteps, d.trainSteps);
    integer("--train-batch", r.trainBatch, d.trainBatch);
    real("--train-lr", r.trainLearningRate, d.trainLearningRate);
    real("--tau-act", r.tauAct, d.tauAct);
    real("--tau-grad", r.tauGrad, d.tauGrad);
    integer("--train-seed", r.trainSeed, d.trainSeed);
    integer("--max-train", r.maxTrain, d.maxTrain);
    integer("--max-test", r.maxTest, d.maxTest);
    integer("--initial", r.initial, d.initial);
    integer("--queries", r.queries, d.queries);
    integer("--candidates", r.candidates, d.candidates);
    integer("--patience", r.patience, d.patience);
    integer("--population", r.population, d.population);
    // Issues 15 and 14: the target kinds (with measured devices, last), precisions, the bat space
    // and the robustness definition — without them a job ran an ELECTOR-only search.
    text("--targets", r.targets, d.targets);
    if (!r.precisions.empty())
        add("--precisions", joined(r.precisions));
    text("--bat-space", r.batSpace, d.batSpace);
    text("--robustness-kind", r.robustnessKind, d.robustnessKind);
    real("--robustness-rate", r.robustnessRate, d.robustnessRate);
    real("--robustness-sigma", r.robustnessSigma, d.robustnessSigma);
    integer("--robustness-seeds", r.robustnessSeeds, d.robustnessSeeds);
    return a;
}

std::string shellQuoted(const std::string& text) {
    bool plain = !text.empty();
    for (char c : text)
        if (!(std::isalnum(static_cast<unsigned char>(c)) ||
              std::string_view("-_./=:,+@%").find(c) != std::string_view::npos))
            plain = false;
    if (plain)
        return text;
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string slurmJobScript(const ClusterJob& job) {
    const std::string workspace = shellQuoted(job.workspace.string());
    std::string search;
    for (const auto& argument : searchArguments(job.request))
        search += " " + shellQuoted(argument);
    std::ostringstream s;
    s << "#!/bin/bash\n"
      << "# A co-design search on a cluster, written by TransCODE Workbench. Submit with: sbatch THIS_FILE\n"
      << "# Rank 0 runs the optimiser and is the only writer of the workspace; the other ranks\n"
      << "# evaluate. A killed or requeued job resumes the workspace's unfinished search.\n"
      << "#SBATCH --job-name=" << job.jobName << "\n"
      << "#SBATCH --nodes=" << job.nodes << "\n"
      << "#SBATCH --ntasks=" << job.ranks << "\n"
      << "#SBATCH --cpus-per-task=" << job.threadsPerRank << "\n"
      << "#SBATCH --time=" << job.timeLimit << "\n"
      << "#SBATCH --output=" << job.jobName << "-%j.log\n"
      << "#SBATCH --requeue\n"
      << "set -euo pipefail\n"
      << "export OMP_NUM_THREADS=" << job.threadsPerRank << " OMP_WAIT_POLICY=PASSIVE\n"
      << "# --resume-if-unfinished: a resubmitted or requeued job continues the search it began.\n"
      << "mpirun -n \"${SLURM_NTASKS:-" << job.ranks << "}\" " << shellQuoted(job.tcw) << " search --workspace "
      << workspace << search << " --threads " << job.threadsPerRank << (job.sync ? " --sync" : "")
      << " --resume-if-unfinished --quiet\n";
    return s.str();
}

} // namespace tcw::codesign
