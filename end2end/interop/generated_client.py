"""Foxgate through a client nobody here wrote: openapi-python-client (PyPI, pinned in
end2end/requirements.txt) generates `foxgate_client` from /api/v1/openapi.json, and this
script uses it as a program would — mint a token, list teams with it, and find the minting
in the activity log. Run by server/tests/it/generated_client.rs, which prints what it read.

Environment: FOXGATE_URL, FOXGATE_ORG, and FOXGATE_TOKEN (a token that may mint tokens and
read the activity log); the generated package on PYTHONPATH.
"""

import json
import os

from foxgate_client import AuthenticatedClient
from foxgate_client.api.events import list_events
from foxgate_client.api.teams import list_teams
from foxgate_client.api.tokens import mint_token
from foxgate_client.models import CreatedToken, EventPage, NewToken, TeamPage, TokenKind
from foxgate_client.types import UNSET

url, org = os.environ["FOXGATE_URL"], os.environ["FOXGATE_ORG"]
admin = AuthenticatedClient(
    base_url=url, token=os.environ["FOXGATE_TOKEN"], raise_on_unexpected_status=True
)

minted = mint_token.sync(
    org,
    client=admin,
    body=NewToken(name="from-a-generated-client", kind=TokenKind.ORG_ADMIN, roles=["viewer"]),
)
assert isinstance(minted, CreatedToken), minted

reader = AuthenticatedClient(base_url=url, token=minted.token, raise_on_unexpected_status=True)
# Walk the teams one per page, as a program would page through thousands.
teams, cursor = [], UNSET
while True:
    team_page = list_teams.sync(org, client=reader, limit=1, cursor=cursor)
    assert isinstance(team_page, TeamPage), team_page
    teams.extend(team_page.teams)
    if not team_page.next_cursor:
        break
    cursor = team_page.next_cursor

page = list_events.sync(org, client=admin, action="token.created")
assert isinstance(page, EventPage), page

print(
    json.dumps(
        {
            "minted": minted.info.id,
            "teams": sorted(team.slug for team in teams),
            "created": [event.entity.id for event in page.events],
        }
    )
)
