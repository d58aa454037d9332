//! Property tests of the token parser: it never panics on any input, it accepts every token
//! it makes, and it refuses every single-character change (CRC-32 catches all of them).

use foxgate_core::token::{assemble, parse, TokenKind, TOKEN_LEN};
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = TokenKind> {
    prop::sample::select(TokenKind::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_anything(input in ".{0,80}") {
        let _ = parse(&input);
    }

    #[test]
    fn never_panics_on_near_misses(bytes in prop::collection::vec(any::<u8>(), TOKEN_LEN..=TOKEN_LEN)) {
        if let Ok(text) = String::from_utf8(bytes) {
            let _ = parse(&text);
        }
    }

    #[test]
    fn accepts_what_it_makes(k in kind(), id in any::<[u8; 10]>(), secret in any::<[u8; 20]>()) {
        let token = assemble(k, &id, &secret);
        let parsed = parse(token.expose()).expect("a fresh token parses");
        prop_assert_eq!(parsed.kind, k);
    }

    #[test]
    fn refuses_every_single_character_change(
        k in kind(), id in any::<[u8; 10]>(), secret in any::<[u8; 20]>(),
        at in 0..TOKEN_LEN, with in prop::sample::select(b"0123456789abcdefghjkmnpqrstvwxyz_".to_vec()),
    ) {
        let token = assemble(k, &id, &secret).expose().clone();
        let mut bytes = token.clone().into_bytes();
        prop_assume!(bytes[at] != with);
        bytes[at] = with;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(parse(&changed).is_err(), "{} accepted", changed);
    }
}
