#!/usr/bin/env python3
"""Calls Foxgate with a secure-mode token: no secret anywhere, every request signed with your
private key (HTTP Message Signatures, RFC 9421) by PyPI's http-message-signatures.
Usage: FOXGATE=https://foxgate.example KEY_ID=<the token's id> PRIVATE_KEY=key.pem signed.py
Key pair: openssl genpkey -algorithm ed25519 -out key.pem; openssl pkey -in key.pem -pubout
(paste the public half into the console: Tokens, New token, Secure mode)."""
import os, secrets, requests
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

BASE, KEY_ID, ORG = os.environ["FOXGATE"], os.environ["KEY_ID"], os.environ.get("ORG", "acme")
with open(os.environ["PRIVATE_KEY"], "rb") as f:
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519,
                               key_resolver=MappingKeyResolver(public_keys={}, private_keys={KEY_ID: f.read()}))

def sign(request):  # a requests auth hook: method, URL, a fresh nonce, and the body's digest
    body = request.body.encode() if isinstance(request.body, str) else request.body
    signer.sign(request, key_id=KEY_ID, nonce=secrets.token_urlsafe(16),
                covered_component_ids=("@method", "@target-uri"), body=body)
    return request

api = requests.Session()
api.auth = sign
print(api.get(f"{BASE}/api/v1/auth/me").text)
print(api.post(f"{BASE}/api/v1/orgs/{ORG}/teams", json={"slug": "from-python", "name": "From Python"}).text)
