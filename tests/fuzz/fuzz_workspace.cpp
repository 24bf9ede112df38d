// libFuzzer target: a workspace file (SQLite pages) opened as the workbench opens one (the
// read-only probe, then the connection that migrates and writes), and everything the
// explorer and the CLI list from it: designs, summaries, evaluations, training runs,
// searches and their trials, counts.
#include "fuzz_support.h"
#include "store/workspace.h"

using namespace tcw::store;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& dir = tcw::fuzz::scratch();
    dir.clear(); // no -wal or -shm file of the last input
    const auto path = dir.write("fuzz.tcw", tcw::fuzz::text(data, size));
    try {
        Workspace ws = Workspace::open(path);
        for (const DesignRecord& d : ws.designs())
            (void)ws.evaluations(d.id);
        (void)ws.designSummaries("inference");
        (void)ws.designSummaries("training");
        (void)ws.trainingRuns();
        for (const SearchRecord& s : ws.searches())
            (void)ws.trials(s.id);
        (void)ws.counts();
        (void)ws.property("description");
    } catch (const WorkspaceError&) {
    }
    return 0;
}
