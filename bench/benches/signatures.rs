//! The cost of checking one signed request (RFC 9421), in parts: reading the headers, the
//! Ed25519 verification alone (ed25519-dalek, and ring's for comparison: ring is already in
//! the build through rustls, and is not faster), and the whole check (parse, rebuild the
//! base, verify) — so the load test's figure (bench/script-auth.sh) can be told apart from
//! the door's own cost.
//!
//! Run: `cargo bench -p foxgate-bench --bench signatures`

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use criterion::{black_box, Criterion};
use ed25519_dalek::{Signer, SigningKey};
use foxgate_core::http_signature::{presented, Fields, Message, PublicKey};

struct NoFields;

impl Fields for NoFields {
    fn values(&self, _: &str) -> Vec<&str> {
        Vec::new()
    }
}

fn main() {
    let signing = SigningKey::from_bytes(&[7; 32]);
    let key = PublicKey::Ed25519(signing.verifying_key());
    let params = r#"("@method" "@target-uri");created=1700000000;keyid="k0123456789abcde";nonce="5f3c2a-1";alg="ed25519""#;
    let base = format!(
        "\"@method\": GET\n\"@target-uri\": http://127.0.0.1:3000/api/v1/auth/me\n\"@signature-params\": {params}"
    );
    let signature = signing.sign(base.as_bytes()).to_bytes();
    let input = format!("sig={params}");
    let header = format!("sig=:{}:", STANDARD.encode(signature));
    let message = Message {
        method: "GET",
        scheme: "http",
        authority: "127.0.0.1:3000",
        path: "/api/v1/auth/me",
        query: None,
        fields: &NoFields,
        has_body: false,
    };
    assert_eq!(
        presented(&input, &header)
            .unwrap()
            .check(&message, &key, 1_700_000_000),
        Ok(())
    );
    let mut c = Criterion::default().configure_from_args();
    c.bench_function("read Signature-Input and Signature", |b| {
        b.iter(|| presented(black_box(&input), black_box(&header)).unwrap())
    });
    c.bench_function("Ed25519 verification alone", |b| {
        b.iter(|| key.verifies(black_box(base.as_bytes()), black_box(&signature)))
    });
    let ring_key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::ED25519,
        signing.verifying_key().to_bytes(),
    );
    c.bench_function("ring Ed25519 verification", |b| {
        b.iter(|| {
            ring_key
                .verify(black_box(base.as_bytes()), black_box(&signature))
                .is_ok()
        })
    });
    c.bench_function("whole check of a signed request", |b| {
        b.iter(|| {
            presented(black_box(&input), black_box(&header))
                .unwrap()
                .check(&message, &key, 1_700_000_000)
        })
    });
    c.final_summary();
}
