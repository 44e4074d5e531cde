"""Row labels in the manager's language. The server labels rows in English; items, dimensions
and checklists have Chinese text in the checklist too, so the app relabels those. Sites and
staff have one name each and keep the server's."""

from __future__ import annotations

from collections.abc import Iterable

from audit_app.domain import DIMENSION_LABELS, Checklist, GroupBy, Item, Text


def is_chinese(lang: str) -> bool:
    return lang.lower().startswith("zh")


class Labeller:
    """Labels and seed sources from every known checklist version (later versions win)."""

    def __init__(self, checklists: Iterable[Checklist], lang: str) -> None:
        self.lang = lang
        self._items: dict[str, Item] = {}
        self._titles: dict[str, Text] = {}
        self._versions: dict[tuple[str, int], Checklist] = {}
        self._bare: dict[str, Item] = {}  # by item key alone (actions name no checklist)
        for checklist in sorted(checklists, key=lambda c: c.ref):
            self._versions[checklist.ref] = checklist
            self._titles[checklist.id] = checklist.title
            for item in checklist.items:
                self._items[f"{checklist.id}/{item.key}"] = item
                self._bare[item.key] = item

    def text(self, text: Text) -> str:
        return text.zh if is_chinese(self.lang) else text.en

    def label(self, group_by: GroupBy, key: str, server_label: str) -> str:
        if group_by == "item" and key in self._items:
            return self.text(self._items[key].text)
        if group_by == "dimension" and key in DIMENSION_LABELS:
            return DIMENSION_LABELS[key]["zh" if is_chinese(self.lang) else "en"]
        if group_by == "checklist" and key in self._titles:
            return self.text(self._titles[key])
        return server_label

    def item_text(self, item_key: str) -> str:
        """An item's text from its key alone (an action's `item_key`); the key when unknown."""
        item = self._bare.get(item_key)
        return self.text(item.text) if item is not None else item_key

    def source(self, item_row_key: str) -> str | None:
        """The seed document an item cites (`source` in the checklist), for item rows."""
        item = self._items.get(item_row_key)
        return item.source if item is not None else None

    def checklist(self, checklist_id: str, version: int) -> Checklist | None:
        return self._versions.get((checklist_id, version))

    def checklist_title(self, checklist_id: str) -> str:
        title = self._titles.get(checklist_id)
        return self.text(title) if title is not None else checklist_id
