"""The pulse's pages: one card per self-check with a plotly chart and its text alternative.

The same cards serve the teacher's dashboard and the learners' view of the class result. Each
card carries its figure as JSON; the page's script draws it with the plotly.js that the service
serves from the installed plotly package (never a CDN), and swaps in a card again only when its
numbers change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, MutableMapping
from typing import Any

import plotly.graph_objects as go

from kpeace.figures._style import NEUTRALS, OKABE_ITO, alt_text, base_figure
from kpeace.pulse.store import QuestionResult
from kpeace.widgets._html import esc
from kpeace.widgets.selfcheck import Question

PLOTLY_CONFIG = {"responsive": True, "displaylogo": False, "displayModeBar": False}

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;color:#1a1a1a;
margin:0;background:#fafafa;line-height:1.45}
header,main,footer{max-width:980px;margin:0 auto;padding:.6em 1em}
header{border-bottom:1px solid #ddd;background:#fff}
h1{font-size:1.5em;margin:.3em 0}
h2{font-size:1.1em;margin:.2em 0 .4em}
.pulse-card{background:#fff;border:1px solid #d0d0d0;border-radius:6px;padding:.8em 1em;
margin:1em 0}
.pulse-numbers{font-size:1.05em;margin:.2em 0 .5em}
table{border-collapse:collapse;margin:.4em 0;font-size:.95em;width:100%}
th,td{border:1px solid #c8c8c8;padding:.25em .4em;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}
@media (max-width:480px){header,main,footer{padding:.5em .5em}.pulse-card{padding:.6em .5em}}
th{background:#e8eef7}
.pulse-controls form{display:inline-block;margin:0 .6em .4em 0}
button,.button{font:inherit;padding:.35em .8em;border:1px solid #0072b2;border-radius:4px;
background:#fff;color:#00527f;cursor:pointer;text-decoration:none;display:inline-block}
button.danger{border-color:#8a2b00;color:#8a2b00}
.pulse-status{color:#3d3d3d;font-size:.92em}
.pulse-note{border-left:4px solid #0072b2;background:#f3f8fc;padding:.6em 1em}
"""

_SCRIPT = """
(function () {
  const root = document.getElementById('pulse-cards');
  const status = document.getElementById('pulse-status');
  const config = %(config)s;
  function draw(card) {
    const spec = card.querySelector('script.pulse-figure');
    const target = card.querySelector('.pulse-chart');
    if (!spec || !target || !window.Plotly) return;
    const fig = JSON.parse(spec.textContent);
    Plotly.react(target, fig.data, fig.layout, config);
  }
  root.querySelectorAll('.pulse-card').forEach(draw);
  let version = root.dataset.version;
  async function poll() {
    try {
      const r = await fetch('%(fragment)s?since=' + encodeURIComponent(version), {
        credentials: 'same-origin',
        headers: {'X-XSRFToken': %(xsrf)s},  // the hub's sign-in checks it on fetches
      });
      if (r.status === 403) {  // hidden again by the teacher, or signed out: say why
        const page = document.createElement('div');
        page.innerHTML = await r.text();
        const note = page.querySelector('.pulse-note');
        if (note) {
          root.replaceChildren(note);
          status.textContent = 'The result is not shown now.';
        }
        version = '';
        setTimeout(poll, 5000);
      } else if (r.status === 200 && !r.redirected) {
        const html = await r.text();
        const fresh = document.createElement('div');
        fresh.innerHTML = html;
        const box = fresh.firstElementChild;
        if (!box || box.id !== 'pulse-cards') { setTimeout(poll, 5000); return; }
        version = box.dataset.version;
        const old = new Map([...root.querySelectorAll('.pulse-card')].map(c => [c.id, c]));
        const cards = [...box.querySelectorAll('.pulse-card')];
        let changed = cards.length !== old.size;
        for (const card of cards) {
          const mine = old.get(card.id);
          if (!mine || mine.dataset.sig !== card.dataset.sig) changed = true;
        }
        if (changed) {
          root.replaceChildren(...box.childNodes);
          root.querySelectorAll('.pulse-card').forEach(draw);
        }
        status.textContent = box.dataset.summary;
        setTimeout(poll, 50);
      } else {
        setTimeout(poll, 5000);
      }
    } catch (e) {
      setTimeout(poll, 5000);
    }
  }
  if (%(live)s) setTimeout(poll, 50);
})();
"""


def pct(share: float) -> str:
    """Return a share as a whole percentage, e.g. ``"35 %"``."""
    return f"{round(share * 100)} %"


def figure(question: Question, result: QuestionResult) -> go.Figure:
    """Return the bar chart of learners' first choices for one self-check.

    Parameters
    ----------
    question : Question
        The self-check (its choices and which one is right).
    result : QuestionResult
        The class's answers.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per choice (share of learners whose first answer it was), the right one green
        and marked "✓ right"; the text alternative is stored in the figure.
    """
    letters = list(question.choices)
    counts = [result.first_choices.get(k, 0) for k in letters]
    labels = [f"{k}  ✓ right" if question.choices[k][1] else f"{k}" for k in letters]
    parts = [
        f"{k}{' (the right answer)' if question.choices[k][1] else ''}: {n} "
        f"({pct(result.share(n))})"
        for k, n in zip(letters, counts, strict=True)
    ]
    alt = (
        f"Bar chart of the first answers of the {result.learners} learner(s) who answered "
        f"{question.question_id}: " + "; ".join(parts) + ". "
        f"{pct(result.share(result.first_try_right))} were right at the first try."
    )
    fig = base_figure(
        f"First answers to {question.question_id}", alt, height=90 + 38 * len(letters)
    )
    fig.add_bar(
        y=labels,
        x=[result.share(n) * 100 for n in counts],
        orientation="h",
        text=[f"{n} ({pct(result.share(n))})" for n in counts],
        textposition="outside",
        cliponaxis=False,
        marker={
            "color": [
                OKABE_ITO["green"] if question.choices[k][1] else OKABE_ITO["blue"] for k in letters
            ],
            "line": {"color": NEUTRALS["outline"], "width": 1},
        },
        hovertemplate="%{y}: %{text}<extra></extra>",
        name="first answers",
    )
    fig.update_layout(
        showlegend=False,
        margin={"l": 90, "r": 60, "t": 40, "b": 40},
        xaxis={"range": [0, 110], "ticksuffix": " %", "title": {"text": "share of learners"}},
        yaxis={"autorange": "reversed"},
    )
    return fig


def card(question: Question, result: QuestionResult) -> str:
    """Return one self-check's card: numbers, chart, and a table that says it all in text.

    Parameters
    ----------
    question : Question
        The self-check.
    result : QuestionResult
        The class's answers to it.

    Returns
    -------
    str
        An HTML ``<section>``.
    """
    fig = figure(question, result)
    rows = "".join(
        f"<tr><th scope='row'>{k}{' ✓' if ok else ''}</th><td>{esc(text)}</td>"
        f"<td>{result.first_choices.get(k, 0)}</td>"
        f"<td>{pct(result.share(result.first_choices.get(k, 0)))}</td></tr>"
        for k, (text, ok, _) in question.choices.items()
    )
    numbers = (
        f"<strong>{result.learners}</strong> learner(s) answered · "
        f"<strong>{pct(result.share(result.first_try_right))}</strong> right at the first try "
        f"({result.first_try_right} of {result.learners}) · {result.answers} answer(s) in all"
    )
    figure_json = fig.to_json().replace("</", "<\\/")
    sig = hashlib.sha256(numbers.encode() + figure_json.encode()).hexdigest()[:16]
    ident = f"card-{question.question_id}"
    return (
        f'<section class="pulse-card" id="{esc(ident)}" data-sig="{sig}" '
        f'aria-labelledby="{esc(ident)}-title">'
        f'<h2 id="{esc(ident)}-title">{esc(question.question_id)}: {esc(question.prompt)}</h2>'
        f'<p class="pulse-numbers">{numbers}</p>'
        f'<div class="pulse-chart" role="img" aria-label="{esc(alt_text(fig))}" '
        f'style="height:{fig.layout.height}px"></div>'
        f'<script type="application/json" class="pulse-figure">{figure_json}</script>'
        f"<table><caption>First answers to {esc(question.question_id)} "
        f"(✓ marks the right answer)</caption>"
        f"<thead><tr><th scope='col'>Choice</th><th scope='col'>Text</th>"
        f"<th scope='col'>Learners</th><th scope='col'>Share</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def summary(results: Mapping[str, QuestionResult]) -> str:
    """Return a one-line summary for the live status line."""
    learners = max((r.learners for r in results.values()), default=0)
    answers = sum(r.answers for r in results.values())
    return (
        f"{len(results)} self-check(s) answered so far, by up to {learners} learner(s); "
        f"{answers} answer(s) in all."
    )


def cards(
    questions: Mapping[str, Question],
    results: Mapping[str, QuestionResult],
    version: str,
    cache: MutableMapping[tuple[Any, ...], str] | None = None,
) -> str:
    """Return the block of cards (what the page's script polls for), newest numbers.

    Parameters
    ----------
    questions : mapping
        Question id → :class:`Question` (every self-check of the course).
    results : mapping
        Question id → :class:`QuestionResult` (those with answers).
    version : str
        The store's version, sent back by the script to wait for the next change.
    cache : dict, optional
        Cards already drawn, by their numbers: a card is drawn again only when they change.

    Returns
    -------
    str
        A ``<div>`` with one card per answered self-check, in course order.
    """
    cache = {} if cache is None else cache
    parts = []
    for q in questions:
        if q not in results:
            continue
        r = results[q]
        key = (q, r.learners, tuple(sorted(r.first_choices.items())), r.first_try_right, r.answers)
        if key not in cache:
            if len(cache) > 1000:
                cache.clear()
            cache[key] = card(questions[q], r)
        parts.append(cache[key])
    body = "".join(parts)
    if not body:
        body = '<p class="pulse-note">No answers yet in this session.</p>'
    return (
        f'<div id="pulse-cards" data-version="{esc(version)}" '
        f'data-summary="{esc(summary(results))}">{body}</div>'
    )


def page(
    title: str,
    body: str,
    *,
    prefix: str,
    fragment: str | None = None,
    scripts: bool = True,
    xsrf: str = "",
) -> str:
    """Return a whole page.

    Parameters
    ----------
    title : str
        The page's title and heading.
    body : str
        HTML inside ``<main>``.
    prefix : str
        The service's URL prefix (ends with ``/``), for the static plotly.js.
    fragment : str, optional
        URL of the cards fragment to poll for live updates (no polling if None).
    scripts : bool, optional
        Whether to load plotly.js and the drawing script (pages without charts do not).
    xsrf : str, optional
        The hub's xsrf token for this page: its script sends it with every update request.

    Returns
    -------
    str
        HTML.
    """
    script = ""
    if scripts:
        code = _SCRIPT % {
            "config": json.dumps(PLOTLY_CONFIG),
            "fragment": fragment or "",
            "live": "true" if fragment else "false",
            "xsrf": json.dumps(xsrf).replace("</", "<\\/"),
        }
        script = f'<script src="{esc(prefix)}static/plotly.min.js"></script><script>{code}</script>'
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · kpeace</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1></header><main>{body}</main>"
        '<footer class="pulse-status"><p>kpeace class pulse. Anonymous: no names are stored; '
        "each learner is counted once.</p></footer>"
        f"{script}</body></html>"
    )
