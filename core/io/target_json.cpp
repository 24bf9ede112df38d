// A target on its own (target_json.h).
#include "target_json.h"

#include "format_trees.h"

namespace tcw::io {

ParsedTarget parseTargetJson(std::string_view text) {
    ParsedTarget out;
    detail::ParsedTree tree = detail::parseJsonText(text);
    if (!tree.tree) {
        out.errors = std::move(tree.errors);
        return out;
    }
    Target t = detail::readTargetJson(*tree.tree, out.errors);
    if (out.errors.empty())
        out.target = std::move(t);
    return out;
}

std::string targetJsonText(const Target& target) {
    return detail::targetJson(target).dump(2) + "\n";
}

} // namespace tcw::io
