//! TXT lookups for domain verification: a small DNS client (RFC 1035) that asks one
//! configured resolver over UDP, falling back to TCP when the answer is truncated. Only
//! what verification needs: one question, the TXT strings of the answers.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TXT: u16 = 16;
const CLASS_IN: u16 = 1;
const TIMEOUT: Duration = Duration::from_secs(3);

/// The resolver Foxgate asks (`FOXGATE_DNS_RESOLVER`, else the first `nameserver` of
/// `/etc/resolv.conf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolver(pub SocketAddr);

impl Resolver {
    /// `1.2.3.4`, `1.2.3.4:5353`, `[::1]:53`; None for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return Some(Resolver(addr));
        }
        text.parse::<std::net::IpAddr>()
            .ok()
            .map(|ip| Resolver(SocketAddr::new(ip, 53)))
    }

    /// The system's: the first `nameserver` line of `/etc/resolv.conf`.
    pub fn system() -> Option<Self> {
        let conf = std::fs::read_to_string("/etc/resolv.conf").ok()?;
        conf.lines()
            .filter_map(|l| l.trim().strip_prefix("nameserver"))
            .find_map(Self::parse)
    }

    /// The TXT strings published at `name` (each record's strings joined, as RFC 7208 reads
    /// them). An empty list when the name has none or does not exist.
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, String> {
        let id: u16 = rand::random();
        let query = query(id, name)?;
        let answer = match self.udp(&query).await {
            Ok(answer) if truncated(&answer) => self.tcp(&query).await?,
            Ok(answer) => answer,
            Err(_) => self.tcp(&query).await?,
        };
        parse_txt(&answer, id)
    }

    async fn udp(&self, query: &[u8]) -> Result<Vec<u8>, String> {
        let bind: SocketAddr = if self.0.is_ipv4() {
            "0.0.0.0:0".parse().expect("an address")
        } else {
            "[::]:0".parse().expect("an address")
        };
        let socket = tokio::net::UdpSocket::bind(bind)
            .await
            .map_err(|e| e.to_string())?;
        socket.connect(self.0).await.map_err(|e| e.to_string())?;
        for _ in 0..2 {
            socket.send(query).await.map_err(|e| e.to_string())?;
            let mut buf = vec![0u8; 4096];
            if let Ok(Ok(n)) = tokio::time::timeout(TIMEOUT, socket.recv(&mut buf)).await {
                buf.truncate(n);
                return Ok(buf);
            }
        }
        Err(format!("the DNS resolver {} did not answer", self.0))
    }

    async fn tcp(&self, query: &[u8]) -> Result<Vec<u8>, String> {
        let exchange = async {
            let mut stream = tokio::net::TcpStream::connect(self.0).await?;
            let len = u16::try_from(query.len()).unwrap_or(u16::MAX);
            stream.write_all(&len.to_be_bytes()).await?;
            stream.write_all(query).await?;
            let mut len = [0u8; 2];
            stream.read_exact(&mut len).await?;
            let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
            stream.read_exact(&mut buf).await?;
            Ok::<_, std::io::Error>(buf)
        };
        tokio::time::timeout(TIMEOUT, exchange)
            .await
            .map_err(|_| format!("the DNS resolver {} did not answer", self.0))?
            .map_err(|e| format!("the DNS resolver {} could not be asked: {e}", self.0))
    }
}

/// A query for the TXT records of `name`, recursion desired.
fn query(id: u16, name: &str) -> Result<Vec<u8>, String> {
    let mut q = Vec::with_capacity(name.len() + 18);
    q.extend_from_slice(&id.to_be_bytes());
    q.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.trim_end_matches('.').split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(format!("{name} is not a domain name"));
        }
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.push(0);
    q.extend_from_slice(&TXT.to_be_bytes());
    q.extend_from_slice(&CLASS_IN.to_be_bytes());
    Ok(q)
}

fn truncated(answer: &[u8]) -> bool {
    answer.get(2).is_some_and(|flags| flags & 0x02 != 0)
}

fn u16_at(buf: &[u8], at: usize) -> Result<u16, String> {
    buf.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| "the DNS answer is cut short".to_string())
}

/// Moves past a (possibly compressed) name starting at `at`.
fn skip_name(buf: &[u8], mut at: usize) -> Result<usize, String> {
    loop {
        let len = *buf.get(at).ok_or("the DNS answer is cut short")?;
        match len {
            0 => return Ok(at + 1),
            l if l & 0xC0 == 0xC0 => return Ok(at + 2),
            l => at += 1 + usize::from(l),
        }
    }
}

fn parse_txt(buf: &[u8], id: u16) -> Result<Vec<String>, String> {
    if u16_at(buf, 0)? != id {
        return Err("the DNS answer is for another question".into());
    }
    let flags = u16_at(buf, 2)?;
    match flags & 0x000F {
        0 => {}
        3 => return Ok(Vec::new()), // NXDOMAIN: no such name, so no record
        code => return Err(format!("the DNS resolver answered with error code {code}")),
    }
    let questions = u16_at(buf, 4)?;
    let answers = u16_at(buf, 6)?;
    let mut at = 12;
    for _ in 0..questions {
        at = skip_name(buf, at)? + 4;
    }
    let mut found = Vec::new();
    for _ in 0..answers {
        at = skip_name(buf, at)?;
        let kind = u16_at(buf, at)?;
        let rdlength = usize::from(u16_at(buf, at + 8)?);
        let rdata = buf
            .get(at + 10..at + 10 + rdlength)
            .ok_or("the DNS answer is cut short")?;
        at += 10 + rdlength;
        if kind != TXT {
            continue;
        }
        let mut text = Vec::new();
        let mut i = 0;
        while i < rdata.len() {
            let n = usize::from(rdata[i]);
            text.extend_from_slice(
                rdata
                    .get(i + 1..i + 1 + n)
                    .ok_or("a TXT string is cut short")?,
            );
            i += 1 + n;
        }
        found.push(String::from_utf8_lossy(&text).into_owned());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resolvers() {
        assert_eq!(
            Resolver::parse("127.0.0.1:5353"),
            Some(Resolver("127.0.0.1:5353".parse().unwrap()))
        );
        assert_eq!(
            Resolver::parse("9.9.9.9"),
            Some(Resolver("9.9.9.9:53".parse().unwrap()))
        );
        assert_eq!(Resolver::parse("dns.example"), None);
    }

    #[test]
    fn reads_txt_answers_with_compressed_names() {
        let q = query(7, "_foxgate-challenge.acme.test").unwrap();
        let mut a = q.clone();
        a[2] = 0x81;
        a[3] = 0x80;
        a[7] = 2; // two answers
        for value in ["foxgate-verification=", "abc"] {
            a.extend_from_slice(&[0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60]);
            a.extend_from_slice(&((value.len() + 1) as u16).to_be_bytes());
            a.push(value.len() as u8);
            a.extend_from_slice(value.as_bytes());
        }
        assert_eq!(
            parse_txt(&a, 7).unwrap(),
            vec!["foxgate-verification=".to_string(), "abc".to_string()]
        );
        assert!(parse_txt(&a, 8).is_err(), "another question's answer");
        assert!(parse_txt(&a[..a.len() - 2], 7).is_err());
    }
}
