// libFuzzer target: the JSON the co-design search reads back (search configurations, the
// accuracy tables, stored proposals and integer encodings from a workspace's trials).
#include "fuzz_support.h"
#include "io/search_json.h"
#include "search/optimizer.h"

using namespace tcw::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = tcw::fuzz::text(data, size);
    if (const auto config = parseSearchConfig(input, "fuzz.json"))
        (void)searchConfigJson(*config);
    if (const auto table = parseAccuracyTable(input, "fuzz.json"))
        (void)table->entries.size();
    tcw::search::Proposal proposal;
    if (readProposalJson(input, proposal))
        (void)proposalJson(proposal);
    if (const auto list = parseIntListJson(input))
        (void)intListJson(*list);
    return 0;
}
