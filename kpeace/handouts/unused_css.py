"""Drop the style rules and custom properties a handout page can never use.

nbconvert's ``lab`` template inlines all of JupyterLab's notebook CSS (about 250 kB) in every
page, though a handout uses a few dozen of its rules. A rule is kept when one of its selectors
can match the page: every class and id it requires (outside ``:not()``, ``:is()`` and the
like) occurs in the page's markup. A custom property (``--jp-...``) is kept when some kept
style, or the page itself, reads it with ``var()``. Parsing is tinycss2's (nbconvert's own CSS
parser, through bleach); element, attribute and pseudo-class selectors are never judged, so a
rule is dropped only when it certainly cannot apply.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache

import tinycss2

CLASS_ATTR = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
ID_ATTR = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
VAR = re.compile(r"var\(\s*(--[\w-]+)")
GROUPING = ("media", "supports", "layer", "container")


def names_in(markup: str) -> tuple[set[str], set[str]]:
    """Return the classes and ids that a page's markup uses.

    Parameters
    ----------
    markup : str
        HTML (the page without the styles being pruned).

    Returns
    -------
    tuple of set of str
        Classes, ids.
    """
    classes: set[str] = set()
    for match in CLASS_ATTR.finditer(markup):
        classes.update("".join(match.groups(default="")).split())
    ids = {"".join(m.groups(default="")) for m in ID_ATTR.finditer(markup)}
    return classes, ids


def _required(selector: list) -> tuple[set[str], set[str]]:
    """Classes and ids a selector needs, outside functional pseudo-classes."""
    classes: set[str] = set()
    ids: set[str] = set()
    previous = None
    for token in selector:
        if token.type == "ident" and previous is not None and previous.type == "literal":
            if previous.value == ".":
                classes.add(token.value)
        elif token.type == "hash":
            ids.add(token.value)
        previous = token
    return classes, ids


def _split(prelude: list) -> list[list]:
    parts: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _matches(prelude: list, classes: set[str], ids: set[str]) -> bool:
    for selector in _split(prelude):
        need_classes, need_ids = _required(selector)
        if need_classes <= classes and need_ids <= ids:
            return True
    return False


def _prune_rules(rules: list, classes: set[str], ids: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if _matches(rule.prelude, classes, ids):
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING and rule.content:
            inner = _prune_rules(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                classes,
                ids,
            )
            if inner:
                text = tinycss2.serialize(inner)
                rule = copy.copy(rule)  # the parsed sheet is cached: change a copy only
                rule.content = tinycss2.parse_component_value_list(text)
                kept.append(rule)
        elif rule.type == "at-rule":
            kept.append(rule)
        # parse errors and comments are dropped
    return kept


def _declarations(rule: object) -> list:
    return tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)


def _dead_properties(rules: list, page_text: str) -> set[str]:
    """Return the custom properties ``rules`` define that nothing reads (to a fixed point)."""
    flat: list = []

    def walk(items: list) -> None:
        for rule in items:
            if rule.type == "qualified-rule":
                flat.append(rule)
            elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING and rule.content:
                walk(tinycss2.parse_rule_list(rule.content, skip_comments=True))

    walk(rules)
    declarations = [d for rule in flat for d in _declarations(rule) if d.type == "declaration"]
    reads_of = [(d.name, set(VAR.findall(tinycss2.serialize(d.value)))) for d in declarations]
    used = set(VAR.findall(page_text))
    while True:
        reads = set(VAR.findall(page_text))
        for name, names in reads_of:
            if not name.startswith("--") or name in used:
                reads |= names
        if reads == used:
            break
        used = reads
    return {name for name, _ in reads_of if name.startswith("--")} - used


def _serialise(rule: object, dead: set[str]) -> str:
    if rule.type == "qualified-rule":
        decls = [d for d in _declarations(rule) if d.type == "declaration" and d.name not in dead]
        if not decls:
            return ""
        body = ";".join(
            f"{d.name}:{tinycss2.serialize(d.value).strip()}"
            + ("!important" if d.important else "")
            for d in decls
        )
        return f"{tinycss2.serialize(rule.prelude).strip()}{{{body}}}\n"
    if rule.type == "at-rule" and rule.lower_at_keyword in GROUPING and rule.content:
        inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
        text = "".join(_serialise(r, dead) for r in inner)
        if not text:
            return ""
        return f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}{{{text}}}\n"
    return tinycss2.serialize([rule]) + "\n"


@lru_cache(maxsize=16)
def _parsed(css: str) -> tuple:
    """Parse a style sheet once per process: every page of a build carries the same lab CSS."""
    return tuple(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def prune(sheets: list[str], page: str) -> list[str]:
    """Return the style sheets without the rules and custom properties ``page`` cannot use.

    Parameters
    ----------
    sheets : list of str
        Style sheets of one page, pruned together (one may define what another reads).
    page : str
        The rest of the page: its markup, scripts and other styles (classes, ids and
        ``var()`` reads are taken from it).

    Returns
    -------
    list of str
        The smaller style sheets, in the same order.
    """
    classes, ids = names_in(page)
    kept = [_prune_rules(list(_parsed(css)), classes, ids) for css in sheets]
    dead = _dead_properties([rule for rules in kept for rule in rules], page)
    return ["".join(_serialise(rule, dead) for rule in rules) for rules in kept]
