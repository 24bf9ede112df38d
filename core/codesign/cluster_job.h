// A Slurm batch script that runs a search on a cluster: `mpirun tcw search` with the search's
// settings, the workspace path and the threads per rank. The GUI's Search panel writes it
// ("Write Cluster Job Script…"); the same request on the command line would start the same
// search. The script resumes the workspace's unfinished search when there is one (a job
// requeued after a node failure or a time limit), so resubmitting it continues the work.
#pragma once

#include "search_request.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tcw::codesign {

struct ClusterJob {
    std::filesystem::path workspace; // absolute: the job runs in another folder
    SearchRequest request;
    int nodes = 1;
    int ranks = 4;          // MPI ranks in all: rank 0 + workers
    int threadsPerRank = 1; // evaluations each worker runs at once (tcw search --threads)
    std::string timeLimit = "04:00:00";
    std::string jobName = "tcw-search";
    std::string tcw = "tcw"; // the command or its full path on the cluster
    bool sync = false;
};

// `tcw search` options for every setting of the request that differs from the defaults
// (--workspace, --threads and --sync not included).
std::vector<std::string> searchArguments(const SearchRequest& request);

// Text quoted for a POSIX shell (single quotes; a quote inside becomes '\'').
std::string shellQuoted(const std::string& text);

// The script's text. Its mpirun line starts with "mpirun " and runs as written.
std::string slurmJobScript(const ClusterJob& job);

} // namespace tcw::codesign
