//! Which identity providers Foxgate will talk to, and which identities each may assert: the
//! hosts an `entra` provider must live at (Microsoft's clouds), the addresses outbound IdP
//! requests may reach (never loopback, private, link-local or cloud metadata, unless the
//! development setting allows loopback), and the account key an Entra identity is stored
//! under (its Microsoft cloud plus `tid`, so no other issuer can assert it).

use crate::model::ProviderKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What an operator allowed for identity providers. The default is production's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdpPolicy {
    /// `FOXGATE_DEV_ALLOW_LOOPBACK_IDP`: identity providers on 127.0.0.1/localhost, over plain
    /// http, of any kind. For development and tests only: an org admin could otherwise point
    /// a provider at anything listening on the Foxgate host.
    pub allow_loopback: bool,
}

/// Microsoft's clouds and the hosts their Entra ID issuers and keys live at (v2.0 and v1).
const MICROSOFT_CLOUDS: [(&str, &[&str]); 3] = [
    (
        "public",
        &[
            "login.microsoftonline.com",
            "sts.windows.net",
            "login.windows.net",
        ],
    ),
    (
        "usgov",
        &["login.microsoftonline.us", "login.microsoftonline.com.us"],
    ),
    (
        "china",
        &[
            "login.partner.microsoftonline.cn",
            "login.chinacloudapi.cn",
            "sts.chinacloudapi.cn",
        ],
    ),
];

/// The Microsoft cloud a host belongs to, if it is one of Entra ID's.
pub fn microsoft_cloud(host: &str) -> Option<&'static str> {
    let host = host.to_ascii_lowercase();
    MICROSOFT_CLOUDS
        .iter()
        .find(|(_, hosts)| hosts.contains(&host.as_str()))
        .map(|(cloud, _)| *cloud)
}

fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl IdpPolicy {
    /// Whether an outbound request may connect to `ip`. Loopback only with the development
    /// setting; private, link-local (cloud metadata lives at 169.254.169.254), shared,
    /// multicast and unspecified addresses never.
    pub fn may_connect(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        };
        if ip.is_loopback() {
            return self.allow_loopback;
        }
        match ip {
            IpAddr::V4(v4) => public_v4(v4),
            IpAddr::V6(v6) => public_v6(v6),
        }
    }

    /// A URL Foxgate may fetch from an IdP: https (plain http only to loopback under the
    /// development setting), and an address literal only when it may be connected to.
    pub fn check_url(&self, field: &str, raw: &str) -> Result<url::Url, String> {
        let url = url::Url::parse(raw).map_err(|_| format!("the {field} {raw} is not a URL"))?;
        let loopback = is_loopback_host(&url);
        match (url.scheme(), loopback) {
            ("https", false) => {}
            ("https" | "http", true) if self.allow_loopback => {}
            (_, true) => {
                return Err(format!(
                    "the {field} {raw} is on this machine (allowed only with FOXGATE_DEV_ALLOW_LOOPBACK_IDP)"
                ))
            }
            _ => return Err(format!("the {field} {raw} must use https")),
        }
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => None,
            None => return Err(format!("the {field} {raw} names no host")),
        };
        if literal.is_some_and(|ip| !self.may_connect(ip)) {
            return Err(format!(
                "the {field} {raw} is a private or reserved address"
            ));
        }
        Ok(url)
    }

    /// The issuer (at save time) or a URL named by its discovery document (at sign-in) of a
    /// provider of `kind`: an `entra` provider speaks for Microsoft's issuers only.
    pub fn check_provider_url(
        &self,
        kind: ProviderKind,
        field: &str,
        raw: &str,
    ) -> Result<url::Url, String> {
        let url = self.check_url(field, raw)?;
        let microsoft = url.host_str().and_then(microsoft_cloud).is_some();
        if kind == ProviderKind::Entra
            && !microsoft
            && !(self.allow_loopback && is_loopback_host(&url))
        {
            return Err(format!(
                "an Entra ID provider's {field} must be on a Microsoft sign-in host (login.microsoftonline.com, sts.windows.net, or a sovereign cloud's), not {}",
                url.host_str().unwrap_or("")
            ));
        }
        Ok(url)
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || ip.segments()[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible
}

/// The key an Entra ID account is stored under: `entra:<cloud>:<tid>` for Microsoft's
/// issuers (the same person through the v1 and v2.0 endpoints), or `entra:<issuer>` for a
/// loopback development IdP. None when the token's `tid` is not the tenant its issuer names,
/// so a token cannot borrow another tenant's id.
pub fn entra_issuer_key(iss: &str, tid: &str) -> Option<String> {
    let url = url::Url::parse(iss).ok()?;
    let names_tenant = url
        .path_segments()
        .is_some_and(|mut segments| segments.any(|s| s.eq_ignore_ascii_case(tid)));
    if !names_tenant {
        return None;
    }
    let tid = tid.to_ascii_lowercase();
    Some(match url.host_str().and_then(microsoft_cloud) {
        Some(cloud) => format!("entra:{cloud}:{tid}"),
        None => format!("entra:{iss}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    #[test]
    fn entra_accepts_only_microsoft_hosts() {
        let prod = IdpPolicy::default();
        let dev = IdpPolicy {
            allow_loopback: true,
        };
        let ms = format!("https://login.microsoftonline.com/{TID}/v2.0");
        assert!(prod
            .check_provider_url(ProviderKind::Entra, "issuer", &ms)
            .is_ok());
        for sovereign in [
            "https://login.microsoftonline.us/x/v2.0",
            "https://login.partner.microsoftonline.cn/x/v2.0",
            "https://sts.windows.net/x/",
        ] {
            assert!(prod
                .check_provider_url(ProviderKind::Entra, "issuer", sovereign)
                .is_ok());
        }
        for bad in [
            "https://evil.example/x/v2.0",
            "https://login.microsoftonline.com.evil.example/x",
            "http://login.microsoftonline.com/x/v2.0",
            "http://127.0.0.1:8080/entra/x/v2.0",
        ] {
            assert!(
                prod.check_provider_url(ProviderKind::Entra, "issuer", bad)
                    .is_err(),
                "{bad}"
            );
        }
        assert!(dev
            .check_provider_url(
                ProviderKind::Entra,
                "issuer",
                "http://127.0.0.1:8080/entra/x"
            )
            .is_ok());
        assert!(
            dev.check_provider_url(ProviderKind::Entra, "issuer", "https://evil.example/x")
                .is_err(),
            "the development setting allows loopback, not any host"
        );
        assert!(prod
            .check_provider_url(
                ProviderKind::Okta,
                "issuer",
                "https://acme.okta.com/oauth2/default"
            )
            .is_ok());
    }

    #[test]
    fn outbound_addresses() {
        let prod = IdpPolicy::default();
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(!prod.may_connect(bad.parse().unwrap()), "{bad}");
        }
        for good in ["20.190.128.1", "2603:1006::1"] {
            assert!(prod.may_connect(good.parse().unwrap()), "{good}");
        }
        assert!(IdpPolicy {
            allow_loopback: true
        }
        .may_connect("127.0.0.1".parse().unwrap()));
        assert!(prod
            .check_url("jwks_uri", "https://169.254.169.254/keys")
            .is_err());
        assert!(prod.check_url("jwks_uri", "https://[::1]/keys").is_err());
    }

    #[test]
    fn entra_keys_carry_the_cloud_and_need_the_issuers_own_tenant() {
        let v2 = format!("https://login.microsoftonline.com/{TID}/v2.0");
        let v1 = format!("https://sts.windows.net/{TID}/");
        let key = entra_issuer_key(&v2, TID).unwrap();
        assert_eq!(key, format!("entra:public:{TID}"));
        assert_eq!(
            entra_issuer_key(&v1, TID).unwrap(),
            key,
            "v1 and v2 are one person"
        );
        assert_ne!(
            entra_issuer_key(&format!("https://login.microsoftonline.us/{TID}/v2.0"), TID),
            Some(key.clone()),
            "another cloud is another identity"
        );
        assert_eq!(
            entra_issuer_key(
                "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0",
                TID
            ),
            None,
            "a tid the issuer does not name"
        );
        let dev = format!("http://127.0.0.1:9/entra/{TID}/v2.0");
        assert_eq!(
            entra_issuer_key(&dev, TID).unwrap(),
            format!("entra:{dev}"),
            "a development IdP keys on its whole issuer"
        );
    }
}
