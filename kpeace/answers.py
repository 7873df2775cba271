"""One answer record for every self-check, and the two places it goes.

Every answer a learner gives to a self-check becomes an :class:`Answer`. It is always kept in the
learner's course folder, in ``.kpeace/answers.jsonl`` (one JSON object a line, appended; ``kpeace
notebooks`` updates never touch it), so :func:`read_answers` and ``kw.progress()`` survive kernel
restarts. Under a JupyterHub that runs kpeace's class pulse (``KPEACE_PULSE_URL`` and the
server's ``JUPYTERHUB_API_TOKEN`` in the environment), the chosen option is also sent to the
pulse in the background, with a short timeout; nothing is shown and nothing waits if that fails.
Outside a hub nothing is sent and nothing is said.

Recording never raises: a self-check keeps working on a read-only folder or a dead network.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

#: Where answers are kept, relative to the course folder.
ANSWERS = Path(".kpeace") / "answers.jsonl"
#: The manifest ``kpeace notebooks`` writes: it marks a course folder.
MANIFEST = Path(".kpeace") / "manifest.json"
#: Environment: the pulse's answers endpoint base (set by ``kpeace hub`` for learners' servers).
PULSE_URL_ENV = "KPEACE_PULSE_URL"
#: Environment: the learner's server token that JupyterHub gives every single-user server.
TOKEN_ENV = "JUPYTERHUB_API_TOKEN"
#: Environment: an explicit course folder (otherwise found from the working folder).
COURSE_ENV = "KPEACE_COURSE_DIR"
#: Seconds a send may take before it is dropped.
SEND_TIMEOUT = 3.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """One answer to one self-check.

    Attributes
    ----------
    question : str
        The self-check's id, e.g. ``"q1-2"``.
    choice : str
        The chosen letter.
    correct : bool
        Whether that choice is the right one.
    at : str
        When, in UTC (ISO 8601, seconds).
    """

    question: str
    choice: str
    correct: bool
    at: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds")
    )

    def to_json(self) -> str:
        """Return the record as one line of JSON (no newline)."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> Answer:
        """Parse one line written by :meth:`to_json`.

        Parameters
        ----------
        line : str
            A JSON object with ``question``, ``choice``, ``correct`` and ``at``.

        Returns
        -------
        Answer
            The record.

        Raises
        ------
        ValueError
            If the line is not such an object (the message says what is wrong).
        """
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"not JSON ({err.msg})") from None
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        kinds = {"question": str, "choice": str, "correct": bool, "at": str}
        for key, kind in kinds.items():
            if not isinstance(data.get(key), kind):
                raise ValueError(f"{key!r} is missing or not a {kind.__name__}")
        return cls(data["question"], data["choice"], data["correct"], data["at"])


def course_folder(start: Path | None = None) -> Path:
    """Return the learner's course folder.

    ``KPEACE_COURSE_DIR`` if set; otherwise the nearest folder, from ``start`` up, that holds
    the manifest of ``kpeace notebooks``; otherwise ``start`` itself.

    Parameters
    ----------
    start : pathlib.Path, optional
        Where to begin (default: the working folder, which JupyterLab sets to the notebook's).

    Returns
    -------
    pathlib.Path
        The folder.
    """
    explicit = os.environ.get(COURSE_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST).is_file():
            return folder
    return here


@dataclass
class AnswerLog:
    """The answers read back from a course folder, and a note for every line skipped."""

    answers: list[Answer]
    notes: list[str]


def read_answers(folder: Path | None = None) -> AnswerLog:
    """Read every answer kept in a course folder; unreadable lines are skipped with a note.

    Parameters
    ----------
    folder : pathlib.Path, optional
        The course folder (default: :func:`course_folder`).

    Returns
    -------
    AnswerLog
        The answers in the order given, and notes such as ``"line 3 of ... skipped: not JSON"``.
    """
    path = (folder or course_folder()) / ANSWERS
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return AnswerLog([], [])
    except OSError as err:
        return AnswerLog([], [f"{path} could not be read ({err.strerror or err})"])
    answers, notes = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            answers.append(Answer.from_json(line))
        except ValueError as err:
            notes.append(f"line {number} of {path} was skipped: {err}")
    return AnswerLog(answers, notes)


def keep(answer: Answer, folder: Path | None = None) -> bool:
    """Append an answer to the course folder's ``.kpeace/answers.jsonl``.

    Parameters
    ----------
    answer : Answer
        The record.
    folder : pathlib.Path, optional
        The course folder (default: :func:`course_folder`).

    Returns
    -------
    bool
        False (and nothing raised) if the file could not be written.
    """
    path = (folder or course_folder()) / ANSWERS
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # one write of one whole line in append mode: lines of two kernels never interleave
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, (answer.to_json() + "\n").encode("utf-8"))
        finally:
            os.close(descriptor)
    except OSError as err:
        log.debug("answer not kept in %s: %s", path, err)
        return False
    return True


def pulse_target() -> tuple[str, str] | None:
    """Return the pulse's answers URL and the token to send with, or None outside a hub.

    Returns
    -------
    tuple of str, or None
        ``(url, token)`` when both ``KPEACE_PULSE_URL`` and ``JUPYTERHUB_API_TOKEN`` are set.
    """
    base = os.environ.get(PULSE_URL_ENV, "").strip()
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not base or not token:
        return None
    return base.rstrip("/") + "/api/answers", token


def post(answer: Answer, url: str, token: str, timeout: float | None = None) -> int:
    """POST one answer to the pulse, authenticated with the learner's server token.

    Parameters
    ----------
    answer : Answer
        The record (only ``question`` and ``choice`` are sent; the pulse judges correctness).
    url : str
        The pulse's ``.../api/answers`` URL.
    token : str
        The single-user server's ``JUPYTERHUB_API_TOKEN`` (sent as ``Authorization: token``).
    timeout : float, optional
        Seconds before giving up (default: :data:`SEND_TIMEOUT`).

    Returns
    -------
    int
        The HTTP status.

    Raises
    ------
    OSError
        If the pulse cannot be reached (urllib's errors are OSErrors).
    """
    body = json.dumps({"question": answer.question, "choice": answer.choice}).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout or SEND_TIMEOUT) as response:
        return int(response.status)


class _Sender:
    """One daemon thread that posts answers in order; the kernel never waits for it."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[Answer, str, str]] = queue.Queue(maxsize=200)
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def submit(self, answer: Answer, url: str, token: str) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="kpeace-pulse", daemon=True)
                self.thread.start()
        try:
            self.jobs.put_nowait((answer, url, token))
        except queue.Full:  # the pulse is unreachable and answers pile up: drop, never block
            log.debug("pulse queue full; answer dropped")

    def _run(self) -> None:
        while True:
            answer, url, token = self.jobs.get()
            try:
                post(answer, url, token)
            except Exception as err:
                log.debug("answer not sent to the pulse: %s", err)
            finally:
                self.jobs.task_done()


_sender = _Sender()


def record(question: str, choice: str, correct: bool) -> Answer:
    """Keep an answer in the course folder and, under a hub, send it to the pulse.

    Never raises and never waits for the network.

    Parameters
    ----------
    question : str
        The self-check's id.
    choice : str
        The chosen letter.
    correct : bool
        Whether it is right.

    Returns
    -------
    Answer
        The record made.
    """
    answer = Answer(question, choice, correct)
    try:
        keep(answer)
        target = pulse_target()
        if target is not None:
            _sender.submit(answer, *target)
    except Exception as err:
        log.debug("answer not recorded: %s", err)
    return answer


def wait_for_sends(timeout: float = 5.0) -> bool:
    """Wait until queued answers have been sent or dropped (for tests and shutdown).

    Parameters
    ----------
    timeout : float, optional
        Seconds to wait at most.

    Returns
    -------
    bool
        True if the queue is empty.
    """
    done = threading.Event()

    def join() -> None:
        _sender.jobs.join()
        done.set()

    threading.Thread(target=join, daemon=True).start()
    return done.wait(timeout)
