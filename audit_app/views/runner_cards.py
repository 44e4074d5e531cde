"""The runner's item cards, kept from its last build and handed back while what a card shows
is unchanged (issue 12, benchmark).

Every tap redraws the page from state, and Flet then diffs the new control tree against the
old one: on the retail checklist that diff (~30 ms) cost five times the build itself, nearly
all of it walking item cards that had not changed. A card object that is the very one already
on screen is skipped by the diff (`src is dst`), so a tap now rebuilds and diffs one card.

A card is a pure function of its inputs (`card_inputs`); it is reused only when every input is
equal, and only from the runner's immediately previous build for the same page (`Services` is
per page; any other screen, or the section list, empties the cache), so a reused card is
always one on screen."""

from __future__ import annotations

import flet as ft

from audit_app.state import AppState
from audit_app.state.runner_model import ItemRow

from .runner_items import item_card


def card_inputs(state: AppState, row: ItemRow, services) -> tuple | None:
    """Everything `item_card` reads for this row; None when the card must be built afresh
    every time (a stopwatch card: its live elapsed time is a component with its own ticker)."""
    session = state.visit
    if session is None or session.stopwatches.get(row.key) is not None:
        return None
    # `services` compares its callbacks by identity; `state.actions` (no __eq__) by identity.
    return (row, type(row.value), state.lang, session.editable, session.focus_item == row.key,
            session.reset_asked == row.key, session.processing_photos.get(row.key, 0),
            tuple(session.thumbnails.get(sha) for sha in row.photos),
            session.checklist.item_map[row.key], services.add_photo, services.take_photo, state.actions)


def item_cards(state: AppState, rows: list[ItemRow], services) -> list[ft.Control]:
    """The cards for `rows`, each the previous build's object when its inputs are unchanged."""
    previous = services.runner_cards
    kept: dict[str, tuple[tuple, ft.Control]] = {}
    cards = []
    for row in rows:
        inputs = card_inputs(state, row, services)
        hit = previous.get(row.key)
        card = hit[1] if inputs is not None and hit is not None and hit[0] == inputs \
            else item_card(state, row, services)
        if inputs is not None:
            kept[row.key] = (inputs, card)
        cards.append(card)
    services.runner_cards = kept
    return cards


def forget_cards(services) -> None:
    """The runner's cards are off screen (another screen, or the section list, was built)."""
    services.runner_cards = {}
