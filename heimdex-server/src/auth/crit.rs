//! The JOSE header's `crit` parameter (RFC 7515 §4.1.11), which `jsonwebtoken` does not read.
//!
//! `crit` lists header extensions the recipient must understand or else reject the token.
//! Heimdex understands none, so any token whose header carries `crit` is refused.

/// Whether the token's header (its first, base64url-encoded segment) has a `crit` parameter.
/// A header that does not decode says no: the signature check refuses such a token anyway.
pub(crate) fn has_crit(token: &str) -> bool {
    let Some(encoded) = token.split('.').next() else {
        return false;
    };
    let Some(bytes) = base64url_decode(encoded) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes)
        .is_ok_and(|header| header.contains_key("crit"))
}

/// Decodes unpadded base64url (RFC 4648 §5); `None` on any other character or a bad length.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let sextet = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    };
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= sextet(*c)? << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        // "{}" -> e30, "abc" -> YWJj, "ab" -> YWI, "a" -> YQ, with - and _ for 62 and 63.
        assert_eq!(base64url_decode("e30").unwrap(), b"{}");
        assert_eq!(base64url_decode("YWJj").unwrap(), b"abc");
        assert_eq!(base64url_decode("YWI").unwrap(), b"ab");
        assert_eq!(base64url_decode("YQ").unwrap(), b"a");
        assert_eq!(base64url_decode("-_8").unwrap(), [0xfb, 0xff]);
        assert!(base64url_decode("Y").is_none());
        assert!(base64url_decode("YW+j").is_none());
    }

    #[test]
    fn only_a_header_with_crit_is_flagged() {
        // {"alg":"HS256","crit":["exp"]} and {"alg":"HS256"}
        assert!(has_crit("eyJhbGciOiJIUzI1NiIsImNyaXQiOlsiZXhwIl19.e30.x"));
        assert!(!has_crit("eyJhbGciOiJIUzI1NiJ9.e30.x"));
        assert!(!has_crit("not base64!.e30.x"));
    }
}
