// Tokenizers for the text data sets (see tokenizer.h).
#include "tokenizer.h"

#include "io/safe_file.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace tcw::train {

std::vector<std::string> basicTokenize(std::string_view text) {
    std::vector<std::string> words;
    std::string current;
    auto flush = [&] {
        if (!current.empty())
            words.push_back(std::move(current));
        current.clear();
    };
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isspace(c)) {
            flush();
        } else if (c < 128 && std::ispunct(c)) {
            flush();
            words.emplace_back(1, ch);
        } else {
            current.push_back(c < 128 ? static_cast<char>(std::tolower(c)) : ch);
        }
    }
    flush();
    return words;
}

std::vector<std::string> utf8Characters(std::string_view text) {
    std::vector<std::string> chars;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
        if (i + len > text.size())
            len = 1;
        chars.emplace_back(text.substr(i, len));
        i += len;
    }
    return chars;
}

void Tokenizer::add(const std::string& token) {
    if (m_ids.contains(token))
        return;
    m_ids.emplace(token, static_cast<std::int32_t>(m_tokens.size()));
    m_tokens.push_back(token);
}

std::int32_t Tokenizer::idOf(const std::string& token) const {
    const auto it = m_ids.find(token);
    return it == m_ids.end() ? kUnknownId : it->second;
}

Tokenizer Tokenizer::fromWordPieceFile(const std::string& path) {
    const io::ReadResult file = io::readFileBounded(path, io::kMaxTextDataBytes, "a vocabulary");
    if (!file.ok())
        throw std::runtime_error(path + ": " + file.error + " (the WordPiece vocabulary)");
    std::istringstream in(file.bytes);
    Tokenizer t;
    t.m_kind = Kind::WordPiece;
    t.add("[PAD]");
    t.add("[UNK]");
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.empty())
            t.add(line);
    }
    if (t.m_tokens.size() <= 2)
        throw std::runtime_error(path + ": the WordPiece vocabulary is empty");
    return t;
}

namespace {
std::vector<std::pair<std::string, int>> byFrequency(const std::map<std::string, int>& counts, int maxSize,
                                                     int minCount) {
    std::vector<std::pair<std::string, int>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::pair<std::string, int>> kept;
    for (const auto& entry : sorted)
        if (entry.second >= minCount && static_cast<int>(kept.size()) + 2 < maxSize)
            kept.push_back(entry);
    return kept;
}
} // namespace

Tokenizer Tokenizer::buildWordVocabulary(const std::vector<std::string>& texts, int maxSize, int minCount) {
    std::map<std::string, int> counts;
    for (const auto& text : texts)
        for (auto& w : basicTokenize(text))
            ++counts[w];
    Tokenizer t;
    t.m_kind = Kind::Word;
    t.add("[PAD]");
    t.add("[UNK]");
    for (const auto& [w, n] : byFrequency(counts, maxSize, minCount))
        t.add(w);
    return t;
}

Tokenizer Tokenizer::buildCharacterVocabulary(const std::vector<std::string>& texts, int maxSize, int minCount) {
    std::map<std::string, int> counts;
    for (const auto& text : texts)
        for (auto& c : utf8Characters(text))
            ++counts[c];
    Tokenizer t;
    t.m_kind = Kind::Character;
    t.add("[PAD]");
    t.add("[UNK]");
    for (const auto& [c, n] : byFrequency(counts, maxSize, minCount))
        t.add(c);
    return t;
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text) const {
    std::vector<std::int32_t> ids;
    if (m_kind == Kind::Character) {
        for (const auto& c : utf8Characters(text))
            ids.push_back(idOf(c));
        return ids;
    }
    for (const auto& word : basicTokenize(text)) {
        if (m_kind == Kind::Word) {
            ids.push_back(idOf(word));
            continue;
        }
        // WordPiece: greedy longest match from the left; a word with no match is [UNK].
        std::vector<std::int32_t> pieces;
        std::size_t start = 0;
        bool bad = false;
        while (start < word.size()) {
            std::size_t end = word.size();
            std::int32_t found = -1;
            while (end > start) {
                std::string piece = word.substr(start, end - start);
                if (start > 0)
                    piece = "##" + piece;
                const auto it = m_ids.find(piece);
                if (it != m_ids.end()) {
                    found = it->second;
                    break;
                }
                --end;
            }
            if (found < 0) {
                bad = true;
                break;
            }
            pieces.push_back(found);
            start = end;
        }
        if (bad)
            ids.push_back(kUnknownId);
        else
            ids.insert(ids.end(), pieces.begin(), pieces.end());
    }
    return ids;
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text, int length) const {
    auto ids = encode(text);
    ids.resize(static_cast<std::size_t>(length), kPadId);
    return ids;
}

} // namespace tcw::train
