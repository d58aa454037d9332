//! Pre-signed requests for the signed-request load test (bench/signed-auth.sh): wrk cannot
//! sign, and every request needs its own nonce, so the signatures are made before the run.
//!
//! `sign_requests key <dir>` writes a fresh Ed25519 key: `<dir>/seed` (private) and prints
//! the public key as a JWK. `sign_requests sign <dir> <key id> <url> <count> <out>` writes
//! `count` lines `Signature-Input<TAB>Signature` for `GET <url>`, each with its own nonce.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use rand::RngCore;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["key", dir] => {
            let mut seed = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut seed);
            std::fs::write(format!("{dir}/seed"), seed).expect("write the seed");
            let public = SigningKey::from_bytes(&seed).verifying_key();
            println!(
                r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#,
                URL_SAFE_NO_PAD.encode(public.as_bytes())
            );
        }
        ["sign", dir, key_id, url, count, out] => {
            let seed: [u8; 32] = std::fs::read(format!("{dir}/seed"))
                .expect("read the seed")
                .try_into()
                .expect("a 32-byte seed");
            let key = SigningKey::from_bytes(&seed);
            let count: usize = count.parse().expect("a count");
            let created = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("after 1970")
                .as_secs();
            // Nonces unique across files too: a warm-up's file and the run's share a window.
            let run = rand::rngs::OsRng.next_u64();
            let mut file = std::io::BufWriter::new(std::fs::File::create(out).expect("create"));
            for n in 0..count {
                let params = format!(
                    r#"("@method" "@target-uri");created={created};keyid="{key_id}";nonce="{run:x}-{n}";alg="ed25519""#
                );
                let base = format!(
                    "\"@method\": GET\n\"@target-uri\": {url}\n\"@signature-params\": {params}"
                );
                let signature = STANDARD.encode(key.sign(base.as_bytes()).to_bytes());
                writeln!(file, "sig={params}\tsig=:{signature}:").expect("write");
            }
        }
        _ => {
            eprintln!("usage: sign_requests key <dir> | sign <dir> <key id> <url> <count> <out>");
            std::process::exit(2);
        }
    }
}
