// The legacy-pair migration: JSON1 functions reshape the stored text, SHA-256 rehashes it.
#include "design_migration.h"

#include "sha256.h"

#include <string>
#include <utility>
#include <vector>

namespace tcw::store {

std::int64_t rewriteLegacyPairsAsTargets(Database& db) {
    // json_remove + json_set keep the other members in place and their text as stored;
    // json_set appends "target" after "transformer", and replaces "kind" where it stands.
    std::vector<std::pair<std::int64_t, std::string>> rewrites; // id → new text
    {
        Statement s = db.prepare(R"sql(
SELECT id, json_set(json_remove(spec_json, '$.accelerator'), '$.target',
                    json(json_set(json_remove(json_extract(spec_json, '$.accelerator'), '$.schemaVersion'),
                                  '$.kind', 'elector')))
FROM designs
WHERE kind = 'pair' AND json_type(spec_json, '$.accelerator') = 'object' AND json_type(spec_json, '$.target') IS NULL
ORDER BY id)sql");
        while (s.step())
            rewrites.emplace_back(s.int64(0), s.text(1));
    }
    Statement update = db.prepare("UPDATE designs SET spec_json = ?2, hash = ?3 WHERE id = ?1");
    for (const auto& [id, text] : rewrites)
        update.bind(1, id).bind(2, text).bind(3, sha256Hex(text)).run();
    return std::int64_t(rewrites.size());
}

} // namespace tcw::store
