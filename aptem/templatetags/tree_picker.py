"""Nested checkboxes for choosing nodes of a materialised-path tree (groups, say).

Drawn on the server as nested lists, so the picker works without JavaScript and the keyboard
tabs through it like any checkboxes; static/js/tree_picker.js adds a box that narrows the
visible nodes as you type. See templates/components/_tree_picker.html.
"""

import functools
from collections.abc import Iterable
from itertools import count
from typing import NamedTuple

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


class Node(NamedTuple):
    pk: object
    path: str
    name: str


def _nest(nodes: Iterable[Node]) -> list[tuple[Node, list]]:
    """``nodes`` in path order as (node, children) pairs.

    A node goes under the closest earlier node whose path prefixes its own, not under its
    depth's level: a viewer who sees two unrelated sub-trees (Leeds cohort and South, say)
    gets two top-level branches rather than a cohort hanging under nothing.
    """
    roots: list[tuple[Node, list]] = []
    stack: list[tuple[Node, list]] = []
    for node in nodes:
        while stack and not node.path.startswith(stack[-1][0].path):
            stack.pop()
        entry = (node, [])
        (stack[-1][1] if stack else roots).append(entry)
        stack.append(entry)
    return roots


@register.simple_tag
def tree_checkboxes(bound_field, nodes: Iterable) -> SafeString:
    """``bound_field``, a multiple-choice field whose values are the pks of ``nodes``, as a
    nested list of checkboxes (one ``<ul>`` per level, so the nesting is in the markup)."""
    return _tree(
        bound_field.html_name,
        bound_field.auto_id,
        tuple(Node(node.pk, node.path, str(node.name)) for node in nodes),
        frozenset(str(v) for v in bound_field.value() or []),
    )


@functools.lru_cache(maxsize=256)
def _tree(name: str, auto_id: str, nodes: tuple[Node, ...], chosen: frozenset[str]) -> SafeString:
    """The tree drawn once for each set of nodes and choice, then reused: the Users page's
    search panel draws the same groups on every search, and escaping them was a good part of
    its time. Keyed by the nodes' names and paths, so a renamed or moved group is drawn anew."""
    ids = count()  # numbered in document order, like Django's own checkbox ids

    def item(node: Node, children: list) -> SafeString:
        box_id = f"{auto_id}_{next(ids)}"
        return format_html(
            '<li data-tree-node><div class="form-check"><input type="checkbox" name="{}" '
            'value="{}" class="form-check-input" id="{}"{}><label class="form-check-label" '
            'for="{}">{}</label></div>{}</li>',
            name,
            node.pk,
            box_id,
            " checked" if str(node.pk) in chosen else "",
            box_id,
            node.name,
            branch(children) if children else "",
        )

    def branch(entries: list) -> SafeString:
        items = format_html_join("", "{}", ((item(node, children),) for node, children in entries))
        return format_html('<ul class="tree-picker-list">{}</ul>', items)

    return branch(_nest(nodes))
