// Text → token ids for the text-classification data sets: a WordPiece vocabulary file when
// one is given (greedy longest match, "##" continuations), else a word or character
// vocabulary built from the training split. Id 0 is padding, 1 unknown.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tcw::train {

class Tokenizer {
public:
    enum class Kind : std::uint8_t { WordPiece, Word, Character };

    static constexpr std::int32_t kPadId = 0;
    static constexpr std::int32_t kUnknownId = 1;

    // vocab.txt of a BERT checkpoint: one token per line; [PAD] and [UNK] must be present
    // (they are mapped to ids 0 and 1; other ids shift accordingly). Throws on I/O errors.
    static Tokenizer fromWordPieceFile(const std::string& path);
    // The most frequent words (lower-cased, punctuation split off) / characters of the texts.
    static Tokenizer buildWordVocabulary(const std::vector<std::string>& texts, int maxSize, int minCount = 1);
    static Tokenizer buildCharacterVocabulary(const std::vector<std::string>& texts, int maxSize, int minCount = 1);

    Kind kind() const { return m_kind; }
    int vocabularySize() const { return static_cast<int>(m_tokens.size()); }
    const std::string& token(std::int32_t id) const { return m_tokens.at(static_cast<std::size_t>(id)); }

    // Ids of the text, truncated or padded with kPadId to exactly `length`.
    std::vector<std::int32_t> encode(std::string_view text, int length) const;
    // Ids without padding or truncation.
    std::vector<std::int32_t> encode(std::string_view text) const;

private:
    std::int32_t idOf(const std::string& token) const;
    void add(const std::string& token);

    Kind m_kind = Kind::Word;
    std::vector<std::string> m_tokens;
    std::unordered_map<std::string, std::int32_t> m_ids;
};

// Lower-cased words with punctuation split off (BERT's basic tokenizer, ASCII rules).
std::vector<std::string> basicTokenize(std::string_view text);
// UTF-8 code points of the text, each as its byte string (invalid bytes are kept alone).
std::vector<std::string> utf8Characters(std::string_view text);

} // namespace tcw::train
