"""The prompts of model reasoners: package data files, versioned as one set.

``load_prompt(name)`` reads ``<name>.md`` from this package. ``PROMPTS_VERSION`` is the
number in ``version.txt`` (bumped by hand when the prompts change in meaning) plus the
first eight hex digits of a hash of every prompt file, so an edit without a bump still
shows in the case record and the report.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template

NAMES = ("system", "step", "json_protocol")


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str

    def fill(self, **values: str) -> str:
        """The prompt with ``$name`` placeholders filled; values are inserted verbatim."""
        return Template(self.text).safe_substitute(values)


@cache
def load_prompt(name: str) -> Prompt:
    if name not in NAMES:
        raise KeyError(f"no prompt named {name!r}; known: {', '.join(NAMES)}")
    text = resources.files(__package__).joinpath(f"{name}.md").read_text(encoding="utf-8")
    return Prompt(name, text.strip() + "\n")


@cache
def prompts_version() -> str:
    base = resources.files(__package__).joinpath("version.txt").read_text(encoding="utf-8").strip()
    digest = hashlib.sha256()
    for name in NAMES:
        digest.update(load_prompt(name).text.encode("utf-8"))
    return f"{base}+{digest.hexdigest()[:8]}"
