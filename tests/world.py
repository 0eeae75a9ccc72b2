"""The world most API tests start from, built in one place over the API.

A town with a poor village and its officer; optionally a cooperative in that town with its
operator and a base in the village; registered households of three; links from the base.
Modules keep their own fixture names and add what only they need (a scheme, payouts).
"""

from __future__ import annotations

from typing import Any

from tests.chain_helpers import WAGE, link, make_base, make_enterprise
from tests.registry_helpers import make_household, make_town, make_village, register


async def build_world(
    client,
    admin,
    auth,
    *,
    households: int = 1,
    enterprise: bool = True,
    industries: tuple[str, ...] = ("crayfish_rice",),
    base_name: str = "虾稻共作基地",
    officer_name: str | None = None,
    finance_name: str | None = None,
) -> dict[str, Any]:
    """Keys: town, village, officer, [finance], [enterprise, operator, base], households, h (the first)."""
    town = await make_town(client, admin)
    village = await make_village(client, admin, town)  # rural population 1200
    world: dict[str, Any] = {
        "town": town,
        "village": village,
        "officer": await auth("town_officer", town_id=town, name=officer_name),
    }
    if finance_name is not None:
        world["finance"] = await auth("finance", name=finance_name)
    if enterprise:
        world["enterprise"] = await make_enterprise(client, admin, town, 1, industries=industries)
        world["operator"] = await auth("operator", enterprise_id=world["enterprise"])
        world["base"] = await make_base(client, world["operator"], world["enterprise"], village, name=base_name)
    registered = []
    for n in range(1, households + 1):
        h = await make_household(client, world["officer"], village, n)  # three members
        await register(client, world["officer"], h["id"])
        registered.append(h)
    world["households"] = registered
    if registered:
        world["h"] = registered[0]
    return world


async def add_link(client, world: dict[str, Any], terms: dict[str, Any], household: int = 0, **kw: Any) -> int:
    """Link the world's ``household``-th household to its base; the new link's id."""
    r = await link(
        client, world["operator"], world["enterprise"], world["base"], world["households"][household]["id"], terms, **kw
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def linked_household(client, admin, auth, terms: dict[str, Any] = WAGE) -> dict[str, Any]:
    """One registered household linked to the base: what most ledger tests start from."""
    world = await build_world(client, admin, auth)
    return {**world, "link": await add_link(client, world, terms)}
