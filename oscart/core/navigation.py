"""The main navigation: a few primary links per role, the rest under "More", personal pages in the account menu.

Each feature adds its links in its ``init_app`` with ``add_link(part, position, endpoint, text, when)``; ``when``
gets a ``Viewer`` (role and permissions) and says whether that role sees the link. Links are shown by position,
so the menus read the same whatever order the features are set up in.

Which links a role gets depends on its permissions alone, so each role's menu is built once per language (and
script root) and reused; the template only marks the current page.
"""

from dataclasses import dataclass

from flask import request, url_for

from oscart.core.i18n import current_translations
from oscart.core.security import PERMISSIONS

PARTS = ("primary", "more", "account")

_menus = {}
_registered = {}  # (part, position, endpoint) -> (position, endpoint, text, when)


@dataclass(frozen=True)
class Viewer:
    role: str

    def allowed(self, action):
        return action in PERMISSIONS.get(self.role, ())

    @property
    def is_platform(self):
        return self.allowed("platform.manage")

    @property
    def is_manager(self):
        return self.allowed("company.manage")


def add_link(part, position, endpoint, text, when=lambda viewer: True):
    """``text`` is lazy (``_l``); one endpoint may have several places, each for other viewers."""
    if part not in PARTS:
        raise ValueError(f"unknown menu part {part!r}")
    _registered[(part, position, endpoint)] = (position, endpoint, text, when)
    _menus.clear()


def navigation(role):
    """{"primary": [(href, text)], "more": [...], "account": [...]} for ``role`` in the current language."""
    key = (role, current_translations()[0], request.script_root)
    menu = _menus.get(key)
    if menu is None:
        menu = _menus[key] = {part: [(url_for(endpoint), str(text)) for endpoint, text in links]
                              for part, links in _links(role).items()}
    return menu


def _links(role):
    viewer = Viewer(role)
    links = {part: [] for part in PARTS}
    for (part, _position, _endpoint), (_position, endpoint, text, when) in sorted(_registered.items(),
                                                                                  key=lambda item: item[1][0]):
        if when(viewer):
            links[part].append((endpoint, text))
    return links
