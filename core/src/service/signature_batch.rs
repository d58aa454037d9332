//! Ed25519 signatures of concurrent signed requests, verified together: one batch
//! verification (ed25519-dalek's `verify_batch`) costs about half as much per signature as
//! one at a time, and the requests that arrive while a batch is being checked form the next
//! one — so a quiet server verifies one at a time and a busy one in batches, by itself.

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use tokio::sync::oneshot;

/// The most signatures checked in one batch (beyond it the gain per signature is small and
/// the wait of the first request grows).
const MAX_BATCH: usize = 64;
/// Requests waiting for the verifier at most; beyond it a request verifies on its own.
const QUEUE: usize = 4096;

struct Job {
    key: VerifyingKey,
    message: Vec<u8>,
    signature: Signature,
    answer: oneshot::Sender<bool>,
}

/// The verifier thread's inbox.
pub struct SignatureBatch {
    inbox: SyncSender<Job>,
}

impl std::fmt::Debug for SignatureBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureBatch").finish_non_exhaustive()
    }
}

impl SignatureBatch {
    /// Starts the verifier thread; it ends when the inbox is dropped.
    pub fn start() -> Self {
        let (inbox, jobs) = sync_channel(QUEUE);
        let started = std::thread::Builder::new()
            .name("foxgate-signatures".into())
            .spawn(move || verify_batches(&jobs));
        if let Err(e) = started {
            tracing::warn!(error = %e, "no signature thread: signatures are verified one at a time");
        }
        Self { inbox }
    }

    /// Whether `signature` signs `message` with `key` (RFC 8032).
    pub async fn verifies(
        &self,
        key: VerifyingKey,
        message: Vec<u8>,
        signature: Signature,
    ) -> bool {
        let (answer, answered) = oneshot::channel();
        let job = Job {
            key,
            message,
            signature,
            answer,
        };
        match self.inbox.try_send(job) {
            Ok(()) => answered.await.unwrap_or(false),
            // A full queue or no thread: this request verifies on its own.
            Err(TrySendError::Full(job) | TrySendError::Disconnected(job)) => {
                job.key.verify(&job.message, &job.signature).is_ok()
            }
        }
    }
}

fn verify_batches(jobs: &Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let all_valid = batch.len() > 1 && {
            let messages: Vec<&[u8]> = batch.iter().map(|j| j.message.as_slice()).collect();
            let signatures: Vec<Signature> = batch.iter().map(|j| j.signature).collect();
            let keys: Vec<VerifyingKey> = batch.iter().map(|j| j.key).collect();
            ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
        };
        for job in batch {
            // A batch with one bad signature says only that one is bad: each is then
            // checked on its own.
            let valid = all_valid || job.key.verify(&job.message, &job.signature).is_ok();
            // The request may have gone (its connection closed): nobody to tell.
            let _ = job.answer.send(valid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_signatures_are_judged_each_on_its_own() {
        let batch = std::sync::Arc::new(SignatureBatch::start());
        let mut checks = Vec::new();
        for n in 0..200u8 {
            let batch = batch.clone();
            checks.push(tokio::spawn(async move {
                let key = SigningKey::from_bytes(&[n; 32]);
                let message = format!("request {n}").into_bytes();
                let mut signature = key.sign(&message);
                // Every seventh is signed for another message: a forgery in the batch.
                if n % 7 == 0 {
                    signature = key.sign(b"another request");
                }
                let valid = batch
                    .verifies(key.verifying_key(), message, signature)
                    .await;
                (n, valid)
            }));
        }
        for check in checks {
            let (n, valid) = check.await.unwrap();
            assert_eq!(valid, n % 7 != 0, "signature {n}");
        }
    }
}
