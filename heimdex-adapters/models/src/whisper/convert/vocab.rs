//! The vocabulary: CTranslate2's `vocabulary.txt` (GPT-2 byte-level tokens, one a line) turned
//! into the raw bytes whisper.cpp expects.

use super::ImportError;

/// GPT-2's `bytes_to_unicode` inverted: for each char a token may hold, the byte it stands for.
fn char_to_byte() -> std::collections::HashMap<char, u8> {
    let printable = |b: u8| (b'!'..=b'~').contains(&b) || (0xA1..=0xAC).contains(&b) || b >= 0xAE;
    let mut map = std::collections::HashMap::with_capacity(256);
    let mut shifted = 0u32;
    for b in 0..=255u8 {
        let c = if printable(b) {
            char::from(b)
        } else {
            shifted += 1;
            char::from_u32(255 + shifted).unwrap_or('\u{0}')
        };
        map.insert(c, b);
    }
    map
}

/// The bytes a GPT-2 byte-level token stands for (`Ġthe` → ` the`).
pub(crate) fn decode_token(token: &str, map: &std::collections::HashMap<char, u8>) -> Vec<u8> {
    match token.chars().map(|c| map.get(&c).copied()).collect() {
        Some(bytes) => bytes,
        // Not byte-level (a special token such as `<|endoftext|>`): its own UTF-8.
        None => token.as_bytes().to_vec(),
    }
}

/// The regular tokens of `vocabulary.txt` as bytes: every line before the first special token
/// (`<|endoftext|>`), which whisper.cpp adds itself (50256 for English-only models, 50257 for
/// multilingual ones).
pub(crate) fn regular_tokens(text: &str) -> Result<Vec<Vec<u8>>, ImportError> {
    let map = char_to_byte();
    let lines = text.strip_suffix('\n').unwrap_or(text).split('\n');
    let tokens: Vec<Vec<u8>> = lines
        .take_while(|line| *line != "<|endoftext|>")
        .map(|line| decode_token(line, &map))
        .collect();
    if tokens.len() < 256 {
        return Err(ImportError::Format(format!(
            "vocabulary.txt has {} tokens before <|endoftext|>: not a Whisper vocabulary",
            tokens.len()
        )));
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_level_tokens_decode_to_their_bytes() {
        let map = char_to_byte();
        assert_eq!(map.len(), 256);
        assert_eq!(decode_token("Ġthe", &map), b" the");
        assert_eq!(decode_token("Ċ", &map), b"\n");
        assert_eq!(decode_token("hello", &map), b"hello");
        // "é" in UTF-8 is C3 A9, which GPT-2 writes as "Ã©".
        assert_eq!(decode_token("Ã©", &map), "é".as_bytes());
    }
}
