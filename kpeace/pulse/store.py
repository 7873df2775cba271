"""The class pulse's storage: one SQLite file, safe for many learners answering at once.

Anonymous by design: a learner's hub name is never stored. Each session has a random salt; a
learner appears only as ``HMAC-SHA256(salt, name)``, which counts each learner once within the
session. Resetting starts a new session with a new salt and deletes the old answers.

Every write is one short ``BEGIN IMMEDIATE`` transaction on its own connection; the database is
in WAL mode with a busy timeout, so concurrent writers (threads or processes) wait their turn
instead of failing, and readers never block writers.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    salt BLOB NOT NULL,
    revealed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session INTEGER NOT NULL REFERENCES sessions(id),
    learner TEXT NOT NULL,
    question TEXT NOT NULL,
    choice TEXT NOT NULL,
    correct INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_by_learner ON answers(session, question, learner);
"""

CSV_COLUMNS = ("session", "learner", "question", "attempt", "choice", "correct", "answered_at")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class QuestionResult:
    """The class's result for one self-check in the current session.

    Attributes
    ----------
    question : str
        The self-check's id.
    learners : int
        How many learners answered it.
    first_choices : dict
        Choice letter → how many learners chose it at their first try.
    first_try_right : int
        How many learners were right at their first try.
    answers : int
        All answers given, retries included.
    """

    question: str
    learners: int = 0
    first_choices: dict[str, int] = field(default_factory=dict)
    first_try_right: int = 0
    answers: int = 0

    def share(self, count: int) -> float:
        """Return ``count`` as a share of the learners who answered (0 when none did)."""
        return count / self.learners if self.learners else 0.0


class PulseStore:
    """The pulse's SQLite database.

    Parameters
    ----------
    path : pathlib.Path
        The database file (created, with its folder, if missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        with self._transaction() as db:
            if db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0:
                db.execute(
                    "INSERT INTO sessions (started, salt) VALUES (?, ?)",
                    (_now(), secrets.token_bytes(32)),
                )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            db.execute("PRAGMA synchronous=NORMAL")
            yield db
        finally:
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @staticmethod
    def _current(db: sqlite3.Connection) -> tuple[int, bytes, bool]:
        row = db.execute("SELECT id, salt, revealed FROM sessions ORDER BY id DESC LIMIT 1")
        session, salt, revealed = row.fetchone()
        return int(session), bytes(salt), bool(revealed)

    def record(self, user: str, question: str, choice: str, correct: bool) -> int:
        """Store one answer in one transaction; return which attempt of this learner it was.

        Parameters
        ----------
        user : str
            The learner's hub name (only its salted hash is stored).
        question : str
            The self-check's id.
        choice : str
            The chosen letter.
        correct : bool
            Whether the choice is right.

        Returns
        -------
        int
            1 for the learner's first answer to this question in this session, 2 for the next…
        """
        with self._transaction() as db:
            session, salt, _ = self._current(db)
            learner = hmac.new(salt, user.encode("utf-8"), hashlib.sha256).hexdigest()
            attempt = (
                1
                + db.execute(
                    "SELECT COUNT(*) FROM answers WHERE session=? AND question=? AND learner=?",
                    (session, question, learner),
                ).fetchone()[0]
            )
            db.execute(
                "INSERT INTO answers (session, learner, question, choice, correct, attempt, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session, learner, question, choice, int(correct), attempt, _now()),
            )
        return int(attempt)

    def results(self) -> dict[str, QuestionResult]:
        """Return the current session's result per question (questions with answers only).

        Returns
        -------
        dict
            Question id → :class:`QuestionResult`, in question-id order.
        """
        with self._connect() as db:
            session, _, _ = self._current(db)
            rows = db.execute(
                "SELECT question, choice, correct, attempt FROM answers WHERE session=?"
                " ORDER BY question, id",
                (session,),
            ).fetchall()
        out: dict[str, QuestionResult] = {}
        for question, choice, correct, attempt in rows:
            result = out.setdefault(question, QuestionResult(question))
            result.answers += 1
            if attempt == 1:
                result.learners += 1
                result.first_choices[choice] = result.first_choices.get(choice, 0) + 1
                result.first_try_right += int(bool(correct))
        return out

    def revealed(self) -> bool:
        """Return whether the teacher has revealed the current session's result to learners."""
        with self._connect() as db:
            return self._current(db)[2]

    def set_revealed(self, revealed: bool) -> None:
        """Reveal (or hide again) the current session's result to learners.

        Parameters
        ----------
        revealed : bool
            True to let learners see the class result.
        """
        with self._transaction() as db:
            session, _, _ = self._current(db)
            db.execute("UPDATE sessions SET revealed=? WHERE id=?", (int(revealed), session))

    def session(self) -> tuple[int, str]:
        """Return the current session's number and when it started (UTC, ISO 8601)."""
        with self._connect() as db:
            session, _, _ = self._current(db)
            started = db.execute("SELECT started FROM sessions WHERE id=?", (session,))
            return session, str(started.fetchone()[0])

    def reset(self) -> int:
        """Start a new session (new salt, hidden from learners) and delete every older answer.

        Returns
        -------
        int
            The new session's number.
        """
        with self._transaction() as db:
            db.execute("DELETE FROM answers")
            cursor = db.execute(
                "INSERT INTO sessions (started, salt) VALUES (?, ?)",
                (_now(), secrets.token_bytes(32)),
            )
            new = int(cursor.lastrowid or 0)
            db.execute("UPDATE sessions SET salt=X'' WHERE id<?", (new,))  # old salts gone
        return new

    def version(self) -> tuple[int, int]:
        """Return a value that changes whenever the results or the reveal state change."""
        with self._connect() as db:
            session, _, revealed = self._current(db)
            last = db.execute("SELECT COALESCE(MAX(id), 0) FROM answers").fetchone()[0]
        return session * 2 + int(revealed), int(last)

    def export_csv(self) -> str:
        """Return the current session's answers as CSV, learners numbered, no names or hashes.

        Returns
        -------
        str
            A header row (:data:`CSV_COLUMNS`) and one row per answer; ``learner`` is
            ``L01``, ``L02``… in order of each learner's first answer.
        """
        with self._connect() as db:
            session, _, _ = self._current(db)
            rows = db.execute(
                "SELECT learner, question, attempt, choice, correct, at FROM answers"
                " WHERE session=? ORDER BY id",
                (session,),
            ).fetchall()
        numbers: dict[str, str] = {}
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for learner, question, attempt, choice, correct, at in rows:
            number = numbers.setdefault(learner, f"L{len(numbers) + 1:02d}")
            writer.writerow([session, number, question, attempt, choice, bool(correct), at])
        return out.getvalue()
