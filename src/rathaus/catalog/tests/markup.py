"""Reads service links out of a page without depending on its exact markup."""

import re
from html.parser import HTMLParser

SERVICE_URL = re.compile(r"^/(?P<slug>[\w-]+)/leistungen/(?P<id>\d+)/$")


class _Links(HTMLParser):
    """Service links with their text, and the id of the innermost section (or letter group) around each."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.links: list[tuple[str, str, int, str]] = []  # (section, slug, id, text)
        self._open: tuple[str, str, int] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section":
            self.sections.append(attributes.get("id") or attributes.get("aria-labelledby") or "")
        elif tag == "a" and (found := SERVICE_URL.match(attributes.get("href") or "")):
            self._open = (self.sections[-1] if self.sections else "", found["slug"], int(found["id"]))
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.sections:
            self.sections.pop()
        elif tag == "a" and self._open is not None:
            self.links.append((*self._open, " ".join("".join(self._text).split())))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)


def service_links(html: str) -> list[tuple[str, str, int, str]]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def result_ids(html: str) -> list[int]:
    """Ids of the services in the search results, in order."""
    return [service_id for section, _, service_id, _ in service_links(html) if section == "search-results"]


def letter_groups(html: str) -> dict[str, list[tuple[str, int, str]]]:
    """The A–Z list: letter → (slug, id, name) of each service under it."""
    groups: dict[str, list[tuple[str, int, str]]] = {}
    for section, slug, service_id, name in service_links(html):
        if section.startswith("letter-"):
            groups.setdefault(section.removeprefix("letter-"), []).append((slug, service_id, name))
    return groups
