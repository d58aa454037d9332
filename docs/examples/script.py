#!/usr/bin/env python3
"""A script acting as you, with nothing but Python's standard library: it asks Foxgate
(device flow), you approve it in the browser, then it calls the API; its 10-minute access
token is refreshed before it runs out. Usage: FOXGATE=https://foxgate.example script.py"""
import json, os, sys, time, urllib.error, urllib.parse, urllib.request

BASE, CLIENT = os.environ["FOXGATE"], "inventory-script"
MARGIN = int(os.environ.get("REFRESH_MARGIN", "60"))  # seconds before expiry to refresh
DEVICE = "urn:ietf:params:oauth:grant-type:device_code"

def post(path, **form):
    req = urllib.request.Request(BASE + path, urllib.parse.urlencode(form).encode())
    try:
        with urllib.request.urlopen(req) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.load(e)

def got(answer):
    global tokens, expires
    tokens, expires = answer, time.time() + answer["expires_in"]

start = post("/oauth2/device_authorization", client_id=CLIENT, scope="teams:read members:read")
print("Approve this script at", start["verification_uri_complete"], flush=True)
interval = start["interval"]
while True:
    time.sleep(interval)
    answer = post("/oauth2/token", client_id=CLIENT, grant_type=DEVICE, device_code=start["device_code"])
    interval += 5 if answer.get("error") == "slow_down" else 0
    if answer.get("error") not in ("authorization_pending", "slow_down"):
        break
if "error" in answer:
    sys.exit(f"not approved: {answer['error']}")
got(answer)

def api(path):
    if time.time() > expires - MARGIN:
        got(post("/oauth2/token", client_id=CLIENT, grant_type="refresh_token", refresh_token=tokens["refresh_token"]))
    req = urllib.request.Request(BASE + path, headers={"authorization": "Bearer " + tokens["access_token"]})
    with urllib.request.urlopen(req) as r:
        return json.load(r)

for _ in range(2):
    print(json.dumps(api("/api/v1/auth/me")), flush=True)
