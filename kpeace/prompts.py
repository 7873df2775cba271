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

#: The question a learner is asked about every forecast and premise (the ``checks`` table).
HINDSIGHT_PROMPT = (
    "Judge twice. First, with only what could be known in June 2007: was the claim a fair "
    "reading of the evidence then? Then, with what came after: do the later events bear it out, "
    "complicate it, or not yet test it? Keep the essay's hedge in view, name the event that "
    "matters most to each judgement, and ask what the author would say back."
)

#: The first judgement: the claim as a reading of what could be known in June 2007.
THEN_JUDGEMENTS: tuple[str, ...] = (
    "A fair reading then",
    "Partly fair then",
    "Questionable even then",
)

#: The second judgement, by what came after (no answer key).
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
