//! Foxgate's requests to identity providers, bounded: host names resolve only to addresses
//! the [`IdpPolicy`] allows (checked as the connection is made, so a name that resolves to a
//! public address at save time and to 169.254.169.254 later is still refused), and no answer
//! is read past [`MAX_BODY`].

use super::IdpPolicy;
use openidconnect::reqwest;
use openidconnect::{http, AsyncHttpClient, HttpClientError};
use std::future::Future;
use std::pin::Pin;

/// The largest discovery document, key set or token response read. Real ones are a few KB.
pub const MAX_BODY: usize = 256 * 1024;

/// Resolves host names as the system does, then drops every address the policy refuses.
#[derive(Debug)]
pub struct GuardedResolver(pub IdpPolicy);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| policy.may_connect(addr.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!(
                    "{host} resolves only to private or reserved addresses, which identity providers may not use"
                )
                .into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Reads an answer's body, refusing one larger than [`MAX_BODY`] without holding it.
pub async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(format!("the answer is larger than {} KB", MAX_BODY / 1024));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("the answer broke off ({e})"))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(format!("the answer is larger than {} KB", MAX_BODY / 1024));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The HTTP client the code exchange goes through: the shared one, with the body cap.
pub struct CappedClient<'a>(pub &'a reqwest::Client);

type Answer = Result<http::Response<Vec<u8>>, HttpClientError<reqwest::Error>>;

impl<'c> AsyncHttpClient<'c> for CappedClient<'_> {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = Answer> + Send + 'c>>;

    fn call(&'c self, request: http::Request<Vec<u8>>) -> Self::Future {
        Box::pin(async move {
            let response = self
                .0
                .execute(request.try_into().map_err(Box::new)?)
                .await
                .map_err(Box::new)?;
            let mut builder = http::Response::builder()
                .status(response.status())
                .version(response.version());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = read_capped(response)
                .await
                .map_err(HttpClientError::Other)?;
            builder.body(body).map_err(HttpClientError::Http)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openidconnect::reqwest::dns::Resolve;

    #[tokio::test]
    async fn names_resolving_to_this_machine_are_refused_at_connect_time() {
        let name = |n: &str| n.parse::<reqwest::dns::Name>().unwrap();
        let production = GuardedResolver(IdpPolicy::default());
        let refused = production.resolve(name("localhost")).await;
        assert!(
            refused.is_err(),
            "localhost resolves to loopback, which is refused"
        );
        let development = GuardedResolver(IdpPolicy {
            allow_loopback: true,
        });
        let addrs: Vec<_> = development
            .resolve(name("localhost"))
            .await
            .unwrap()
            .collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()) && !addrs.is_empty());
    }
}
