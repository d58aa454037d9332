//! HTTP Message Signatures (RFC 9421) for secure-mode tokens, pure: reading a request's
//! `Signature-Input` and `Signature`, rebuilding the signature base from the request as
//! Foxgate received it, and the rules a signed request must meet — the components it must
//! cover, the age of `created`, a nonce, the key's algorithm. Nonce memory and token lookup
//! live in `service::signed_requests`.

pub mod digest;
pub mod key;

pub use key::{KeyAlgorithm, PublicKey};

use sfv::{BareItem, Dictionary, FieldType, List, ListEntry, Parser};

/// A signature whose `created` is older than this (seconds) is refused.
pub const MAX_AGE_SECS: i64 = 300;
/// How far ahead of Foxgate's clock `created` may be (seconds): clocks of well-run hosts
/// differ by less; more is a signature made for later.
pub const MAX_CLOCK_AHEAD_SECS: i64 = 5;
/// `Signature-Input` and `Signature` longer than this are refused unread.
pub const MAX_HEADER_LEN: usize = 8 * 1024;
const MAX_LABELS: usize = 8;
const MAX_COMPONENTS: usize = 32;
/// Nonces are remembered, so they are bounded.
pub const MAX_NONCE_LEN: usize = 128;

/// Why a signed request was refused. Callers answer every one with the same 401; the reason
/// goes to the audit log (`as_str`) and the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The headers are not valid structured fields of the expected shapes.
    Malformed,
    /// No `created`, `keyid` or `nonce` parameter.
    MissingParameter,
    /// A derived component or parameter Foxgate does not rebuild.
    UnsupportedComponent,
    /// A covered header field the request does not carry.
    MissingComponent,
    /// `@method`, the target, or (with a body) `content-digest` is not covered.
    Uncovered,
    Stale,
    FromTheFuture,
    Expired,
    WrongAlgorithm,
    BadSignature,
    DigestMismatch,
    DigestUnsupported,
    /// The nonce was seen within the signature window (decided by the service).
    Replayed,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed_signature",
            Self::MissingParameter => "missing_signature_parameter",
            Self::UnsupportedComponent => "unsupported_component",
            Self::MissingComponent => "missing_component",
            Self::Uncovered => "unsigned_components",
            Self::Stale => "stale_signature",
            Self::FromTheFuture => "future_signature",
            Self::Expired => "expired_signature",
            Self::WrongAlgorithm => "wrong_algorithm",
            Self::BadSignature => "bad_signature",
            Self::DigestMismatch => "digest_mismatch",
            Self::DigestUnsupported => "digest_unsupported",
            Self::Replayed => "replayed_nonce",
        }
    }
}

/// A covered component Foxgate knows how to rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Component {
    Method,
    TargetUri,
    Authority,
    Scheme,
    Path,
    Query,
    RequestTarget,
    /// A header field, by its lowercase name.
    Field(String),
}

impl Component {
    fn parse(name: &str) -> Result<Self, Refusal> {
        Ok(match name {
            "@method" => Self::Method,
            "@target-uri" => Self::TargetUri,
            "@authority" => Self::Authority,
            "@scheme" => Self::Scheme,
            "@path" => Self::Path,
            "@query" => Self::Query,
            "@request-target" => Self::RequestTarget,
            derived if derived.starts_with('@') => return Err(Refusal::UnsupportedComponent),
            field
                if !field.is_empty()
                    && field.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b)
                    }) =>
            {
                Self::Field(field.to_string())
            }
            _ => return Err(Refusal::Malformed),
        })
    }

    fn name(&self) -> &str {
        match self {
            Self::Method => "@method",
            Self::TargetUri => "@target-uri",
            Self::Authority => "@authority",
            Self::Scheme => "@scheme",
            Self::Path => "@path",
            Self::Query => "@query",
            Self::RequestTarget => "@request-target",
            Self::Field(name) => name,
        }
    }
}

/// A request's header fields, as the signature base reads them.
pub trait Fields {
    /// Every value of the field `name` (lowercase), in order; empty when absent.
    fn values(&self, name: &str) -> Vec<&str>;
}

/// The request as Foxgate received it. Scheme and authority are Foxgate's public URL's —
/// what a caller addressed — not the `Host` header, which a proxy may rewrite.
pub struct Message<'a, F: Fields> {
    pub method: &'a str,
    pub scheme: &'a str,
    pub authority: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fields: &'a F,
    /// Whether the request has a body (which `content-digest` must then cover).
    pub has_body: bool,
}

impl<F: Fields> Message<'_, F> {
    fn value(&self, component: &Component) -> Result<String, Refusal> {
        let path = if self.path.is_empty() { "/" } else { self.path };
        let query = self.query.map(|q| format!("?{q}")).unwrap_or_default();
        Ok(match component {
            Component::Method => self.method.to_string(),
            Component::TargetUri => format!("{}://{}{path}{query}", self.scheme, self.authority),
            Component::Authority => self.authority.to_string(),
            Component::Scheme => self.scheme.to_string(),
            Component::Path => path.to_string(),
            // RFC 9421 §2.2.7: an absent query is a lone "?".
            Component::Query => format!("?{}", self.query.unwrap_or_default()),
            Component::RequestTarget => format!("{path}{query}"),
            Component::Field(name) => {
                let values = self.fields.values(name);
                if values.is_empty() {
                    return Err(Refusal::MissingComponent);
                }
                values
                    .iter()
                    .map(|v| v.trim())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        })
    }
}

/// A signature as presented: its label, what it covers, its parameters and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    pub label: String,
    components: Vec<Component>,
    pub created: i64,
    pub expires: Option<i64>,
    pub keyid: String,
    pub nonce: String,
    alg: Option<String>,
    /// The serialized inner list with its parameters: the `@signature-params` value.
    params_line: String,
    signature: Vec<u8>,
}

fn integer(value: &BareItem) -> Result<i64, Refusal> {
    value.as_integer().map(i64::from).ok_or(Refusal::Malformed)
}

fn string(value: &BareItem) -> Result<String, Refusal> {
    value
        .as_string()
        .map(|s| s.as_str().to_string())
        .ok_or(Refusal::Malformed)
}

/// Reads `Signature-Input` and `Signature`: the first label present in both is the one
/// checked (RFC 9421 §3.2 leaves the choice to the verifier).
pub fn presented(signature_input: &str, signature: &str) -> Result<Presented, Refusal> {
    if signature_input.len() > MAX_HEADER_LEN || signature.len() > MAX_HEADER_LEN {
        return Err(Refusal::Malformed);
    }
    let inputs: Dictionary = Parser::new(signature_input)
        .parse()
        .map_err(|_| Refusal::Malformed)?;
    let signatures: Dictionary = Parser::new(signature)
        .parse()
        .map_err(|_| Refusal::Malformed)?;
    if inputs.len() > MAX_LABELS || signatures.len() > MAX_LABELS {
        return Err(Refusal::Malformed);
    }
    let (label, inner, bytes) = inputs
        .iter()
        .find_map(|(label, input)| {
            let ListEntry::InnerList(inner) = input else {
                return None;
            };
            let Some(ListEntry::Item(item)) = signatures.get(label.as_str()) else {
                return None;
            };
            Some((label, inner, item.bare_item.as_byte_sequence()?))
        })
        .ok_or(Refusal::Malformed)?;
    if inner.items.len() > MAX_COMPONENTS {
        return Err(Refusal::Malformed);
    }
    let mut components = Vec::with_capacity(inner.items.len());
    for item in &inner.items {
        let name = string(&item.bare_item)?;
        if !item.params.is_empty() {
            // `;sf`, `;key`, `;bs`, `;req`, `;tr`, `;name`: not rebuilt by Foxgate.
            return Err(Refusal::UnsupportedComponent);
        }
        let component = Component::parse(&name)?;
        if components.contains(&component) {
            return Err(Refusal::Malformed);
        }
        components.push(component);
    }
    let param = |name: &str| inner.params.get(name);
    let created = integer(param("created").ok_or(Refusal::MissingParameter)?)?;
    let expires = param("expires").map(integer).transpose()?;
    let keyid = string(param("keyid").ok_or(Refusal::MissingParameter)?)?;
    let nonce = string(param("nonce").ok_or(Refusal::MissingParameter)?)?;
    if nonce.is_empty() || nonce.len() > MAX_NONCE_LEN {
        return Err(Refusal::Malformed);
    }
    let alg = param("alg").map(string).transpose()?;
    let params_line = List::from([ListEntry::InnerList(inner.clone())])
        .serialize()
        .ok_or(Refusal::Malformed)?;
    Ok(Presented {
        label: label.as_str().to_string(),
        components,
        created,
        expires,
        keyid,
        nonce,
        alg,
        params_line,
        signature: bytes.to_vec(),
    })
}

impl Presented {
    fn covers(&self, component: &Component) -> bool {
        self.components.contains(component)
    }

    /// Whether the signature covers what Foxgate requires: the method, the whole target
    /// (the URI, or authority with path and query), and the body's digest when there is one.
    fn covers_required<F: Fields>(&self, m: &Message<'_, F>) -> bool {
        let query_covered = m.query.is_none() || self.covers(&Component::Query);
        let target = self.covers(&Component::TargetUri)
            || (self.covers(&Component::Authority)
                && (self.covers(&Component::RequestTarget)
                    || (self.covers(&Component::Path) && query_covered)));
        let body = !m.has_body || self.covers(&Component::Field("content-digest".into()));
        self.covers(&Component::Method) && target && body
    }

    /// RFC 9421 §2.5: one line per covered component, then `@signature-params`.
    pub fn base<F: Fields>(&self, m: &Message<'_, F>) -> Result<String, Refusal> {
        let mut base = String::with_capacity(256);
        for component in &self.components {
            let value = m.value(component)?;
            if value.contains('\n') {
                return Err(Refusal::Malformed);
            }
            base.push_str(&format!("\"{}\": {value}\n", component.name()));
        }
        base.push_str("\"@signature-params\": ");
        base.push_str(&self.params_line);
        Ok(base)
    }

    /// The signature's bytes, as presented.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// Every rule but the signature and the nonce's freshness, cheapest first; the
    /// signature base to verify when they pass.
    pub fn prepare<F: Fields>(
        &self,
        m: &Message<'_, F>,
        key: &PublicKey,
        now_secs: i64,
    ) -> Result<String, Refusal> {
        if self
            .alg
            .as_deref()
            .is_some_and(|alg| alg != key.algorithm().as_str())
        {
            return Err(Refusal::WrongAlgorithm);
        }
        if self.created > now_secs + MAX_CLOCK_AHEAD_SECS {
            return Err(Refusal::FromTheFuture);
        }
        if now_secs - self.created > MAX_AGE_SECS {
            return Err(Refusal::Stale);
        }
        if self.expires.is_some_and(|at| at <= now_secs) {
            return Err(Refusal::Expired);
        }
        if !self.covers_required(m) {
            return Err(Refusal::Uncovered);
        }
        self.base(m)
    }

    /// [`Self::prepare`], then the signature (the service batches Ed25519 verifications
    /// instead; this is the one-at-a-time form).
    pub fn check<F: Fields>(
        &self,
        m: &Message<'_, F>,
        key: &PublicKey,
        now_secs: i64,
    ) -> Result<(), Refusal> {
        let base = self.prepare(m, key, now_secs)?;
        if !key.verifies(base.as_bytes(), &self.signature) {
            return Err(Refusal::BadSignature);
        }
        Ok(())
    }
}

/// `@authority` per RFC 9421 §2.2.3: lowercase, without the scheme's default port.
pub fn authority_of(scheme: &str, authority: &str) -> String {
    let lower = authority.to_ascii_lowercase();
    let default = match scheme {
        "https" => ":443",
        "http" => ":80",
        _ => return lower,
    };
    lower
        .strip_suffix(default)
        .map(str::to_string)
        .unwrap_or(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Headers(Vec<(&'static str, &'static str)>);

    impl Fields for Headers {
        fn values(&self, name: &str) -> Vec<&str> {
            self.0
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
                .collect()
        }
    }

    /// RFC 9421 Appendix B.2's test request.
    fn rfc_headers() -> Headers {
        Headers(vec![
            ("Host", "example.com"),
            ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
            ("Content-Type", "application/json"),
            ("Content-Digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"),
            ("Content-Length", "18"),
        ])
    }

    fn rfc_message(fields: &Headers) -> Message<'_, Headers> {
        Message {
            method: "POST",
            scheme: "http",
            authority: "example.com",
            path: "/foo",
            query: Some("param=Value&Pet=dog"),
            fields,
            has_body: true,
        }
    }

    /// RFC 9421 Appendix B.2.6 (Ed25519), with the nonce Foxgate requires added to a
    /// copy where noted.
    const B26_INPUT: &str = r#"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#;
    const B26_SIGNATURE: &str = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";
    const RFC_ED25519_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----";

    #[test]
    fn the_rfc_ed25519_example_rebuilds_and_verifies() {
        // The RFC's example has no nonce, which Foxgate requires of a whole request; its
        // base and signature are still rebuilt exactly.
        assert_eq!(
            presented(B26_INPUT, B26_SIGNATURE),
            Err(Refusal::MissingParameter)
        );
        let with_nonce = B26_INPUT.replace(";keyid", ";nonce=\"n\";keyid");
        let p = presented(&with_nonce, B26_SIGNATURE).unwrap();
        let rfc = Presented {
            params_line: B26_INPUT.trim_start_matches("sig-b26=").to_string(),
            ..p
        };
        let fields = rfc_headers();
        let m = rfc_message(&fields);
        let base = rfc.base(&m).unwrap();
        assert_eq!(
            base,
            "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@authority\": example.com\n\"content-type\": application/json\n\"content-length\": 18\n\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\""
        );
        let key = PublicKey::parse(RFC_ED25519_PEM).unwrap();
        assert!(key.verifies(base.as_bytes(), &rfc.signature));
        assert!(!key.verifies(base.replace("POST", "PUT").as_bytes(), &rfc.signature));
    }

    #[test]
    fn requirements_are_checked_before_the_signature() {
        let fields = rfc_headers();
        let m = rfc_message(&fields);
        let key = PublicKey::parse(RFC_ED25519_PEM).unwrap();
        let with_nonce = B26_INPUT.replace(";keyid", ";nonce=\"n\";keyid");
        let p = presented(&with_nonce, B26_SIGNATURE).unwrap();
        let created = p.created;
        // The B.2.6 example covers neither the query nor the body's digest.
        assert_eq!(p.check(&m, &key, created), Err(Refusal::Uncovered));
        assert_eq!(
            p.check(&m, &key, created + MAX_AGE_SECS + 1),
            Err(Refusal::Stale)
        );
        assert_eq!(
            p.check(&m, &key, created - MAX_CLOCK_AHEAD_SECS - 1),
            Err(Refusal::FromTheFuture)
        );
        let ecdsa = with_nonce.replace(";keyid", ";alg=\"ecdsa-p256-sha256\";keyid");
        let p = presented(&ecdsa, B26_SIGNATURE).unwrap();
        assert_eq!(p.check(&m, &key, created), Err(Refusal::WrongAlgorithm));
    }

    #[test]
    fn a_full_signature_of_ours_passes_and_tampering_fails() {
        use ed25519_dalek::Signer as _;
        let signing = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let key = PublicKey::Ed25519(signing.verifying_key());
        let fields = rfc_headers();
        let m = rfc_message(&fields);
        let input = r#"s=("@method" "@target-uri" "content-digest");created=1700000000;nonce="abc";keyid="k1";alg="ed25519""#;
        let unsigned = presented(input, "s=:AA==:").unwrap();
        let base = unsigned.base(&m).unwrap();
        assert!(base.starts_with(
            "\"@method\": POST\n\"@target-uri\": http://example.com/foo?param=Value&Pet=dog\n"
        ));
        let sig = signing.sign(base.as_bytes());
        let header = format!("s=:{}:", {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(sig.to_bytes())
        });
        let p = presented(input, &header).unwrap();
        assert_eq!(p.check(&m, &key, 1_700_000_000), Ok(()));
        let put = Message {
            method: "PUT",
            ..rfc_message(&fields)
        };
        assert_eq!(
            p.check(&put, &key, 1_700_000_000),
            Err(Refusal::BadSignature)
        );
        let other_path = Message {
            path: "/bar",
            ..rfc_message(&fields)
        };
        assert_eq!(
            p.check(&other_path, &key, 1_700_000_000),
            Err(Refusal::BadSignature)
        );
        let no_digest = Headers(vec![("Host", "example.com")]);
        assert_eq!(
            p.check(&rfc_message(&no_digest), &key, 1_700_000_000),
            Err(Refusal::MissingComponent)
        );
    }

    #[test]
    fn malformed_and_unsupported_inputs_are_refused() {
        let sig = "s=:AA==:";
        for (input, want) in [
            ("s=(\"@method\")", Refusal::MissingParameter),
            (
                "s=(\"@query-param\";name=\"a\");created=1;nonce=\"n\";keyid=\"k\"",
                Refusal::UnsupportedComponent,
            ),
            (
                "s=(\"content-type\";sf);created=1;nonce=\"n\";keyid=\"k\"",
                Refusal::UnsupportedComponent,
            ),
            (
                "s=(\"Content-Type\");created=1;nonce=\"n\";keyid=\"k\"",
                Refusal::Malformed,
            ),
            (
                "s=(\"@method\" \"@method\");created=1;nonce=\"n\";keyid=\"k\"",
                Refusal::Malformed,
            ),
            (
                "s=(\"@method\");created=\"1\";nonce=\"n\";keyid=\"k\"",
                Refusal::Malformed,
            ),
            (
                "other=(\"@method\");created=1;nonce=\"n\";keyid=\"k\"",
                Refusal::Malformed,
            ),
            ("s=(\"@method\";created=1", Refusal::Malformed),
        ] {
            assert_eq!(presented(input, sig), Err(want), "{input}");
        }
        let long_nonce = format!(
            "s=(\"@method\");created=1;nonce=\"{}\";keyid=\"k\"",
            "n".repeat(MAX_NONCE_LEN + 1)
        );
        assert_eq!(presented(&long_nonce, sig), Err(Refusal::Malformed));
        assert_eq!(
            presented(&"x".repeat(MAX_HEADER_LEN + 1), sig),
            Err(Refusal::Malformed)
        );
    }

    #[test]
    fn authority_drops_default_ports_only() {
        assert_eq!(
            authority_of("https", "Foxgate.Example.com:443"),
            "foxgate.example.com"
        );
        assert_eq!(authority_of("http", "127.0.0.1:3000"), "127.0.0.1:3000");
        assert_eq!(authority_of("http", "example.com:80"), "example.com");
    }
}
