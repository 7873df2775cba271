"""Our teaching material: groupings and prompts that are the course's own.

Not the essay's view and not the record:

Everything here is marked as ours wherever it is shown. Ids point into the data package, and a
test checks that they resolve.
"""

from __future__ import annotations

#: What each kind of claim does (used in the claim-sorting exercise's feedback).
KIND_HINTS: dict[str, str] = {
    "observation": "reports how things are or have been",
    "argument": "gives a reason or draws a conclusion the author wants you to accept",
    "recommendation": "says what the United States should or can do",
    "forecast": "says what will, is likely to, or may happen",
    "contradiction": "names one of the two mismatches that, the essay says, are likely to hold "
    "back a peace regime",
}

#: Later events (``events.event_id``) that bear on each forecast (``claims.claim_id``).
#: The pairing is a prompt for discussion, never a verdict on the forecast.
HINDSIGHT: dict[str, tuple[int, ...]] = {
    "C07": (38, 40, 44),
    "C10": (34, 36, 39, 42),
    "C15": (34, 36),
    "C21": (35, 38, 39),
    "C25": (40, 41, 43, 45),
    "C26": (40, 41, 43, 45),
    "C27": (37, 41),
    "C29": (36, 42, 44),
}

#: The question a learner is asked about every forecast.
HINDSIGHT_PROMPT = (
    "Read the forecast, then the later events. Do they bear it out, complicate it, or not yet "
    "test it? Which event matters most to your judgement, and what would the author say back?"
)

#: Choices a learner can record in the forecast tracker (no answer key).
JUDGEMENTS: tuple[str, ...] = (
    "Borne out",
    "Partly borne out",
    "Not borne out",
    "Too early to tell",
)

#: Choices of "your forum" in the forum builder: label → actor ids.
FORUM_PRESETS: dict[str, tuple[str, ...]] = {
    "The essay's four (¶7)": ("US", "PRC", "ROK", "DPRK"),
    "The two Koreas only": ("ROK", "DPRK"),
    "The two Koreas and the US": ("US", "ROK", "DPRK"),
    "The six parties": ("US", "PRC", "ROK", "DPRK", "JPN", "RUS"),
    "The armistice's commands": ("UNC", "KPA", "CPV"),
    "The four, with the UN Command": ("US", "PRC", "ROK", "DPRK", "UNC"),
}
