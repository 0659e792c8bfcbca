"""Choosing a line's reading among Tesseract's, and saying when it cannot be trusted.

Each Tesseract run over a line gives a reading in the script of its language pack. The
reading kept (``best_reading``) is the best by ``Reading.score``: mean confidence times
the share of characters that fit the script, weighed by how much of it is words of its
language (``lookalikes``) and down for readings of one or two letters. Language models'
confidences do not compare (each reads other scripts' glyphs as its own letters), hence
the retry margin and the look-alike rules below. ``why_in_doubt`` says why a chosen
reading must not be used as evidence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from geosleuth_plugins.ocr_signage import lookalikes
from geosleuth_plugins.ocr_signage.scripts import scripts_of
from geosleuth_plugins.ocr_signage.tesseract_engine import (
    SCRIPT_LANGS,
    Word,
    debian_package,
    join_words,
    pack_for_script,
)

# How much better (in ``plain_score``) a reading in a script the mixed-language read did not
# find must be than the best reading in a script it found. Measured on the 22 signs of
# geosleuth.testing.signs rendered at 4 text heights, level and tilted, on two sets of
# backgrounds, and as the tests render them (374 photos; 594 reads with two OpenCV
# builds, whose line crops differ slightly): where the found script was right, a reading
# in another script scored at most 0.18 more (Thai letters read from Hebrew, Greek and
# Cyrillic signs: a rendered "רחוב הרצל" as "7งากฑเทา" at 0.64, against the Hebrew
# pack's reading, right but for a stray quote mark, at 0.59); where the right script was
# not found, its reading scored 0.36 to 0.73 more.
RETRY_MARGIN = 0.25
WEAK_FOUND = 0.6  # a found reading under this does not hold off the look-alike family


@dataclass(frozen=True)
class Reading:
    """Tesseract's words for a line read as ``script``; ``found``: the script came out of the
    mixed-language read of the line (or the reading is that read, or the only one)."""

    words: list[Word]
    script: str
    found: bool = True

    @property
    def text(self) -> str:
        return join_words(self.words, self.script)

    @property
    def raw(self) -> float:
        """Confidence times script plausibility (``plain_score``)."""
        return plain_score(self.words, self.script)

    @property
    def letters(self) -> int:
        """Letters of the reading, vowel signs and other marks apart."""
        return sum(ch.isalpha() for ch in self.text)

    @property
    def score(self) -> float:
        """``raw`` weighed by how much of the reading is words, and down for a reading of
        fewer letters than a script needs (``MIN_LETTERS``): a model that makes one or two
        confident glyphs of a line it cannot read must not beat a whole reading (a
        Devanagari "नई दिल्ली" at 0.51 against a Myanmar "အါ" at 0.68, rendered)."""
        short = min(1.0, self.letters / MIN_LETTERS.get(self.script, 3))
        return self.raw * lookalikes.weight(self.text, self.script) * short


def mean_conf(words: Sequence[Word]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0


def plausibility(text: str, script: str) -> float:
    """Share of the non-space characters that are letters of ``script`` or combining marks.

    Tesseract's confidences do not compare across language models: the Thai model read a
    rendered "Königstraße" as Thai letters, digits and brackets at confidence 0.86-0.96.
    Such readings mix in digits and punctuation; real sign text is mostly letters.
    """
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    accepted = {script}
    if script == "Japanese":
        accepted = {"Han", "Kana"}
    good = 0
    for ch in chars:
        category = unicodedata.category(ch)
        is_mark = category.startswith("M")
        if is_mark or (category.startswith("L") and accepted & set(scripts_of(ch))):
            good += 1
    return good / len(chars)


def plain_score(words: Sequence[Word], script: str) -> float:
    """Mean confidence times the share of the reading that fits its script."""
    return mean_conf(words) * plausibility(join_words(words, script), script)


# Tesseract's reading of a real Bengali bank sign in Armenian letters came at 0.44 and was
# the photo's only non-Latin line: a script written in one country from a guess. Right
# readings of real signs came at 0.56 and more (Devanagari), rendered ones at 0.8 and more.
LOW_CONFIDENCE = 0.5
# Letters (vowel signs apart) a reading needs to be sure: three, or two Hangul syllables
# ("서울" is Seoul); one more in a look-alike maker without a word list. A real Indian
# shop sign came out as two Ethiopic letters at 0.82, a rendered Devanagari sign as three
# Georgian ones ("თათ") at 0.81.
MIN_LETTERS: dict[str, int] = {"Hangul": 2}
# Letters from which words of its language vouch for a reading Tesseract is unsure of
# (under LOW_CONFIDENCE). Shorter readings match a word list by chance: on the real
# photos, texture and Latin boxes came out as "Μον" (Greek, 0.23), "בדו" (Hebrew, 0.32)
# and "টানা" (Bengali, 0.37, on a Brazilian plate), each a word; the right
# low-confidence readings were longer ("पीतमपुरा", 0.39).
CONFIRMING_LETTERS = 5
AMBIGUOUS_BELOW = 0.4  # a look-alike family reading weighed under this is not sure
AMBIGUOUS_MARGIN = 0.1  # ... nor one another family script reads nearly as well


def why_in_doubt(best: Reading, options: Sequence[Reading],
                 settled: frozenset[str] = frozenset()) -> str:
    """Why a Tesseract reading cannot be trusted ("" when it can).

    A script written in one country is strong evidence, so a line whose script the
    readings do not settle must not count. A reading that is not mostly words of its
    language is in doubt when its confidence is low; in a look-alike script also when its
    weighed score is low, when another family script reads the line nearly as well, or
    when a family script's pack is missing here. ``settled``: family scripts other lines
    of the photo are confirmed words in; a rival reading does not unsettle a line in one
    of them (see ``prefer_settled``).
    """
    if lookalikes.confirmed(best.text, best.script) and (
            best.raw >= LOW_CONFIDENCE
            or best.letters >= CONFIRMING_LETTERS):
        return ""
    if best.raw < LOW_CONFIDENCE:
        return (f"read as {best.script} at a low confidence ({best.raw:.2f}): it may be "
                "look-alike letters of another script")
    # a look-alike script with no word list to confirm it needs one letter more
    unconfirmable = (best.script in lookalikes.LOOKALIKE_MAKERS
                     and lookalikes.lexical_share(best.text, best.script) is None)
    if best.letters < MIN_LETTERS.get(best.script, 3) + unconfirmable:
        return (f"read as {best.script} ({best.text}), too short to tell a script from its "
                "look-alikes")
    if best.script not in lookalikes.FAMILY:
        return ""
    missing = [s for s in lookalikes.FAMILY if s != best.script and pack_for_script(s) is None
               and s in SCRIPT_LANGS]
    if missing:
        shown = ", ".join(missing[:4]) + (" ..." if len(missing) > 4 else "")
        packs = " ".join(debian_package(SCRIPT_LANGS[s][0]) for s in missing)
        return (f"read as {best.script}, but it may be a look-alike script ({shown}) whose "
                f"Tesseract pack is missing: apt-get install {packs}")
    rival = max((o for o in options if o.script in lookalikes.FAMILY
                 and o.script != best.script), key=lambda o: o.score, default=None)
    if best.script in settled:
        return ""
    if best.score < AMBIGUOUS_BELOW or (
            rival is not None and rival.score >= best.score - AMBIGUOUS_MARGIN):
        also = f" or {rival.script} ({rival.score:.2f})" if rival is not None else ""
        return (f"the script is uncertain: read as {best.script} ({best.score:.2f}){also}, "
                "neither as words of its language")
    return ""


def best_reading(options: Sequence[Reading]) -> Reading | None:
    """The reading of a line to keep: the best-scoring one, except that a reading in a
    script the mixed-language read did not find replaces the best in a script it found
    only when it scores ``RETRY_MARGIN`` more (see ``reading``'s docstring, step 5)."""

    # A reading that is words of its look-alike script counts as found wherever it came
    # from: its words, not its confidence, say it is the right model.
    # When the script the mixed read found reads the line poorly, a reading in the
    # look-alike family competes with it on its weighed score: the family's packs were not
    # all in that read (a rendered Odia sign came out of it as Cyrillic at 0.44).
    # A mixed read that came out empty found no script at all: it gives the family no
    # head start over the others (a real Korean road sign's "천안", read by no pack in
    # that read, then came out as Gurmukhi at a weighed 0.38 over Hangul at 0.49).
    found_any = any(o.found and o.text.strip() for o in options)
    weak = found_any and max(o.raw for o in options if o.found) < WEAK_FOUND

    def counts(o: Reading) -> bool:
        return (o.found or lookalikes.confirmed(o.text, o.script)
                or (weak and o.script in lookalikes.FAMILY))

    found = max((o for o in options if counts(o)), key=lambda o: o.score, default=None)
    retried = max((o for o in options if not counts(o)), key=lambda o: o.score, default=None)
    if retried is None:
        return found
    # the margin was measured on unweighed scores (``raw``)
    if found is None or retried.raw >= found.raw + RETRY_MARGIN or (
            retried.score >= found.score + RETRY_MARGIN):
        return retried
    return found


def prefer_settled(best: Reading | None, options: Sequence[Reading],
                   settled: frozenset[str]) -> Reading | None:
    """A line's reading in a script other lines of the photo are confirmed words in, when
    it reads the line nearly as well as the best (within ``AMBIGUOUS_MARGIN``).

    A photo's signs are written in one or two scripts, and the look-alike family's models
    read each other's lines at close scores: on a real Patna office sign whose first line
    is the Hindi word "कार्यालय" (confirmed), the next line came out as Gujarati at 0.56
    against the right Devanagari reading at 0.49.
    """
    if best is None or best.script in settled or best.script not in lookalikes.FAMILY or (
            lookalikes.confirmed(best.text, best.script)):
        return best
    near = [o for o in options if o.script in settled and o.raw >= LOW_CONFIDENCE
            and o.score >= best.score - AMBIGUOUS_MARGIN]
    return max(near, key=lambda o: o.score, default=best)
