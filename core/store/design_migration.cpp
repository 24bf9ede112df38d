// Canonical-form migration of stored designs: read each with the io codecs (which still read
// every older form), write it back canonical, rehash.
#include "design_migration.h"

#include "sha256.h"

#include "io/formats.h"

#include <string>
#include <utility>
#include <vector>

namespace tcw::store {

std::int64_t rewriteDesignsInCanonicalForm(Database& db) {
    std::vector<std::pair<std::int64_t, std::string>> rewrites; // id → canonical text
    {
        Statement s = db.prepare("SELECT id, spec_json FROM designs ORDER BY id");
        while (s.step()) {
            const std::string text = s.text(1);
            const auto parsed = io::parseDocument(text, io::Syntax::Json, "design " + std::to_string(s.int64(0)));
            if (!parsed)
                continue; // not ours to judge here: opening and reading report damaged designs
            std::string canonical = io::canonicalJson(*parsed.value);
            if (canonical != text)
                rewrites.emplace_back(s.int64(0), std::move(canonical));
        }
    }
    Statement update = db.prepare("UPDATE designs SET spec_json = ?2, hash = ?3 WHERE id = ?1");
    for (const auto& [id, text] : rewrites) {
        update.bind(1, id).bind(2, text).bind(3, sha256Hex(text)).run();
    }
    return std::int64_t(rewrites.size());
}

} // namespace tcw::store
