"""Sanitising HTML that people wrote (news bodies rendered from Markdown) before it is stored or served.

``sanitize_html`` keeps what a Markdown renderer produces (CommonMark plus tables and strikethrough) and nothing
else: no scripts, styles, iframes or forms, no event attributes (``onclick``, ``onerror``), no ``style`` or
``class``, and only http(s), mailto and tel links (a ``javascript:`` or ``data:`` URL loses its attribute).
Built on nh3 (the ammonia sanitiser), which also closes unbalanced tags and strips comments.
"""

from __future__ import annotations

import nh3

#: Tags a Markdown renderer writes.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "img",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

#: Attributes per tag; every other attribute (event handlers, ``style``, ``class``, ``id``) is dropped.
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}

#: URL schemes kept in ``href`` and ``src``; relative URLs are kept too.
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})

#: Elements dropped together with their content (not just their tags).
DROPPED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style", "iframe", "object", "embed", "template"})


def sanitize_html(html: str) -> str:
    """``html`` reduced to the safe subset above. Links get ``rel="noopener noreferrer nofollow"``."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
