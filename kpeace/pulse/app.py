"""The class pulse web service (tornado), authenticated through JupyterHub with ``HubOAuth``.

Endpoints, under the service's prefix (``/services/pulse/``):

* ``GET  ""``             the teacher's dashboard (hub admins); learners are sent to ``class``
* ``GET  class``          the class result for learners, once the teacher has revealed it
* ``GET  fragment``       the cards, for the pages' live updates (``?since=VERSION`` waits for
  the next change, up to :data:`WAIT_S` seconds)
* ``POST api/answers``    one answer, JSON ``{"question": "q1-2", "choice": "b"}``; sent by
  learners' kernels with ``Authorization: token $JUPYTERHUB_API_TOKEN``; the service judges
  correctness itself from the course data
* ``POST reveal``         ``reveal=1`` shows the result to learners, ``reveal=0`` hides it
* ``POST reset``          a new session (older answers deleted)
* ``GET  export.csv``     the session's answers, learners numbered, no names
* ``GET  static/plotly.min.js``  plotly.js from the installed plotly package
* ``GET  oauth_callback`` JupyterHub's OAuth callback

Who is who comes only from :meth:`PulseHandler.get_current_user` (JupyterHub's
``HubOAuthenticated``): the teacher is a hub admin (the user model's ``admin``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from tornado import web
from tornado.locks import Condition

from kpeace.pulse import pages
from kpeace.pulse.store import PulseStore
from kpeace.widgets._html import esc
from kpeace.widgets.selfcheck import Question

WAIT_S = 25.0
PLOTLY_JS = Path(str(files("plotly") / "package_data"))


def course_questions() -> dict[str, Question]:
    """Return every self-check of the course, in course order (notebook, then position)."""
    from kpeace import data

    questions = data.load("questions").sort_values(["notebook", "position"])
    choices = data.load("question_choices")
    return {
        str(q): Question.from_tables(questions, choices, str(q)) for q in questions["question_id"]
    }


@dataclass
class Pulse:
    """What every handler shares: the store, the questions, the hub's auth and a change signal.

    Attributes
    ----------
    store : PulseStore
        The database.
    questions : dict
        Question id → :class:`~kpeace.widgets.selfcheck.Question`.
    hub_auth : HubOAuth
        JupyterHub's OAuth client for this service.
    prefix : str
        The URL prefix, ending with ``/``.
    """

    store: PulseStore
    questions: Mapping[str, Question]
    hub_auth: HubOAuth
    prefix: str
    changed: Condition = field(default_factory=Condition)
    _drawn: dict[tuple[Any, ...], str] = field(default_factory=dict, repr=False)
    _last: tuple[str, str] = ("", "")

    def version(self) -> str:
        """Return the store's version as a string the pages send back."""
        state, last = self.store.version()
        return f"{state}.{last}"

    def cards(self) -> str:
        """Return the cards for the current version, drawn once however many pages ask."""
        version = self.version()
        if self._last[0] != version:
            html = pages.cards(self.questions, self.store.results(), version, self._drawn)
            self._last = (version, html)
        return self._last[1]


class PulseHandler(HubOAuthenticated, web.RequestHandler):
    """Base of every page: the hub's user, the teacher check and readable error pages."""

    def initialize(self, pulse: Pulse) -> None:
        """Attach the shared :class:`Pulse`."""
        self.pulse = pulse
        self.hub_auth = pulse.hub_auth

    @property
    def user(self) -> dict[str, Any]:
        """The signed-in hub user's model (403 if there is none)."""
        user = self.current_user
        if not user:
            raise web.HTTPError(403, "Sign in to the hub first.")
        return dict(user)

    @property
    def is_teacher(self) -> bool:
        """Whether the signed-in user is a hub admin."""
        return bool(self.current_user and self.current_user.get("admin"))

    def require_teacher(self) -> None:
        """Refuse (403) anyone who is not a hub admin."""
        self.user  # noqa: B018 — 403 for nobody signed in
        if not self.is_teacher:
            raise web.HTTPError(403, "Only the teacher (a hub admin) can do this.")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Write a short page (or JSON for the API) naming what went wrong."""
        error = kwargs.get("exc_info", (None, None, None))[1]
        message = getattr(error, "log_message", None) or self._reason
        if self.request.path.endswith("/api/answers"):
            self.finish({"error": message})
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        body = f'<p class="pulse-note">{esc(message)}</p>'
        self.finish(
            pages.page(
                f"{status_code}: {self._reason}", body, prefix=self.pulse.prefix, scripts=False
            )
        )

    def finish_results(self, title: str, lead: str, results: Any) -> None:
        """Finish with ``lead``, then the live summary line and the cards, updated in place.

        Parameters
        ----------
        title : str
            The page title.
        lead : str
            HTML before the summary (the teacher's controls; empty for learners).
        results : Any
            The store's results, for the summary line.
        """
        prefix = self.pulse.prefix
        body = (
            f'{lead}<p id="pulse-status" class="pulse-status" aria-live="polite">'
            f"{esc(pages.summary(results))}</p>" + self.pulse.cards()
        )
        self.finish(
            pages.page(
                title,
                body,
                prefix=prefix,
                fragment=f"{prefix}fragment",
                xsrf=self.xsrf_token.decode("ascii"),
            )
        )


class DashboardHandler(PulseHandler):
    """The teacher's live dashboard."""

    @web.authenticated
    def get(self) -> None:
        """Show the dashboard to the teacher; send learners to the class view."""
        if not self.is_teacher:
            self.redirect(self.pulse.prefix + "class")
            return
        store, prefix = self.pulse.store, self.pulse.prefix
        revealed = store.revealed()
        session, started = store.session()
        results = store.results()
        xsrf = self.xsrf_form_html()
        label = "Hide the result from learners" if revealed else "Reveal the result to learners"
        toggle = (
            f'<form method="post" action="{prefix}reveal">{xsrf}'
            f'<input type="hidden" name="reveal" value="{0 if revealed else 1}">'
            f"<button>{label}</button></form>"
        )
        reset = (
            f'<form method="post" action="{prefix}reset" onsubmit="return confirm('
            "'Start a new session? Every answer of this session is deleted.')\">"
            f'{xsrf}<button class="danger">Reset: start a new session</button></form>'
        )
        body = (
            f"<p>Session {session}, started {esc(started[:16].replace('T', ' '))} UTC. Learners "
            f"{'<strong>can</strong> see' if revealed else 'cannot see'} the class result"
            f' at <a href="{prefix}class">{prefix}class</a>.</p>'
            f'<div class="pulse-controls">{toggle}'
            f'<a class="button" href="{prefix}export.csv" download>Export CSV</a> {reset}</div>'
        )
        self.finish_results("Class pulse", body, results)


class ClassHandler(PulseHandler):
    """The class result for learners, after the teacher reveals it."""

    @web.authenticated
    def get(self) -> None:
        """Show the class result, or say that it is not revealed yet (403)."""
        prefix = self.pulse.prefix
        if not self.pulse.store.revealed() and not self.is_teacher:
            self.set_status(403)
            body = (
                '<p class="pulse-note">The teacher has not revealed the class result yet. '
                "Come back to this page when your teacher says so.</p>"
            )
            self.finish(
                pages.page("Class result: not revealed yet", body, prefix=prefix, scripts=False)
            )
            return
        self.finish_results("Class result", "", self.pulse.store.results())


class FragmentHandler(PulseHandler):
    """The cards alone, for live updates; waits for a change when ``since`` is current."""

    async def get(self) -> None:
        """Return the cards once they differ from version ``since`` (or after WAIT_S)."""
        self.user  # noqa: B018 — 403 for nobody signed in
        pulse = self.pulse
        since = self.get_argument("since", "")
        if since == pulse.version():
            await pulse.changed.wait(timeout=timedelta(seconds=WAIT_S))
        if not self.is_teacher and not pulse.store.revealed():
            raise web.HTTPError(403, "The teacher has not revealed the class result yet.")
        self.set_header("Cache-Control", "no-store")
        self.finish(pulse.cards())


class AnswerHandler(PulseHandler):
    """Receive one answer from a learner's kernel (or browser)."""

    async def post(self) -> None:
        """Store ``{"question", "choice"}`` for the signed-in learner; 201 with the attempt."""
        user = self.user
        try:
            body = json.loads(self.request.body or b"")
        except ValueError:
            raise web.HTTPError(400, 'Send JSON: {"question": "q1-2", "choice": "b"}.') from None
        if not isinstance(body, dict):
            raise web.HTTPError(400, 'Send a JSON object: {"question": "q1-2", "choice": "b"}.')
        question = self.pulse.questions.get(str(body.get("question")))
        if question is None:
            raise web.HTTPError(400, f"No self-check {body.get('question')!r}.")
        choice = str(body.get("choice", "")).strip().lower()
        if choice not in question.choices:
            valid = ", ".join(question.choices)
            raise web.HTTPError(
                400, f"{choice!r} is not a choice of {question.question_id}; valid: {valid}."
            )
        correct = question.choices[choice][1]
        attempt = await asyncio.to_thread(
            self.pulse.store.record, str(user["name"]), question.question_id, choice, correct
        )
        self.pulse.changed.notify_all()
        self.set_status(201)
        self.finish({"question": question.question_id, "attempt": attempt})


class RevealHandler(PulseHandler):
    """Reveal the class result to learners, or hide it again."""

    def post(self) -> None:
        """Set the reveal state from the form's ``reveal`` (1 or 0), then back to the dashboard."""
        self.require_teacher()
        self.pulse.store.set_revealed(self.get_body_argument("reveal", "1") == "1")
        self.pulse.changed.notify_all()
        self.redirect(self.pulse.prefix)


class ResetHandler(PulseHandler):
    """Start a new session."""

    def post(self) -> None:
        """Delete this session's answers and start a new one, then back to the dashboard."""
        self.require_teacher()
        self.pulse.store.reset()
        self.pulse.changed.notify_all()
        self.redirect(self.pulse.prefix)


class ExportHandler(PulseHandler):
    """The session's answers as CSV (no names)."""

    def get(self) -> None:
        """Send the CSV as a download."""
        self.require_teacher()
        session, _ = self.pulse.store.session()
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header(
            "Content-Disposition", f'attachment; filename="kpeace-pulse-session-{session}.csv"'
        )
        self.finish(self.pulse.store.export_csv())


class PlotlyHandler(web.StaticFileHandler):
    """plotly.js from the installed plotly package, declared UTF-8 (it holds non-ASCII)."""

    def get_content_type(self) -> str:
        """Return JavaScript in UTF-8."""
        return "text/javascript; charset=utf-8"


def make_app(pulse: Pulse, cookie_secret: bytes) -> web.Application:
    """Build the tornado application.

    Parameters
    ----------
    pulse : Pulse
        Store, questions, hub auth and prefix.
    cookie_secret : bytes
        Signs the OAuth cookie (keep it across restarts so teachers stay signed in).

    Returns
    -------
    tornado.web.Application
        The service.
    """
    prefix = pulse.prefix
    shared = {"pulse": pulse}
    return web.Application(
        [
            (prefix, DashboardHandler, shared),
            (prefix + "class", ClassHandler, shared),
            (prefix + "fragment", FragmentHandler, shared),
            (prefix + "api/answers", AnswerHandler, shared),
            (prefix + "reveal", RevealHandler, shared),
            (prefix + "reset", ResetHandler, shared),
            (prefix + "export.csv", ExportHandler, shared),
            (prefix + r"static/(plotly\.min\.js)", PlotlyHandler, {"path": str(PLOTLY_JS)}),
            (prefix + "oauth_callback", HubOAuthCallbackHandler),
        ],
        cookie_secret=cookie_secret,
    )
