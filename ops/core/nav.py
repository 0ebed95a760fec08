"""Tiles on the role-aware home page; each area registers its own in init_app."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user


@dataclass(frozen=True)
class Tile:
    endpoint: str
    title: object  # a lazy gettext string
    description: object
    roles: tuple[str, ...]  # empty: everyone, also visitors who are not logged in
    order: int = 50

    @property
    def url(self) -> str:
        return url_for(self.endpoint)


TILES: dict[str, Tile] = {}


def register_tile(tile: Tile) -> None:
    TILES[tile.endpoint] = tile


def tiles_for_current_user() -> list[Tile]:
    out = []
    for tile in TILES.values():
        if not tile.roles:
            out.append(tile)
        elif current_user.is_authenticated and current_user.has_role(*tile.roles):
            out.append(tile)
    return sorted(out, key=lambda t: (t.order, str(t.title)))
