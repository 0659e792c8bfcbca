"""The investigator's clues (``--clue``) with several paths: every path starts from them,
the pooled evidence and the verdict see them, and case.json holds them once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from paths_helpers import registry, session_cache
from typer.testing import CliRunner

from geosleuth.agent.state import CaseState
from geosleuth.cases.conclude import conclude
from geosleuth.cases.paths import run_paths
from geosleuth.cases.runner import investigate_photo
from geosleuth.cases.wiring import geo_services
from geosleuth.images import load_case
from geosleuth.model import Finding, PointConstraint
from geosleuth.paths.verifier import pooled_evidence
from geosleuth.settings import Settings
from geosleuth.testing import render_photo
from geosleuth.tools.api import ClueTool
from geosleuth.tools.context import ToolContext

LISBON = (38.7223, -9.1393)
MADRID = (40.4168, -3.7038)
# (clue, the verdict's country): the photo's evidence fits Lisbon and Madrid alike
CLUES = [("country: PT", "PT"), ("not-country: PT", "ES")]


class TwoCapitals(ClueTool):
    """An argument-less tool (the offline reasoner runs it first): Lisbon or Madrid."""

    name = "two_capitals_test"
    version = "1"
    description = "Says the photo is in Lisbon or in Madrid."

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> list[Finding]:
        return [Finding(summary=f"looks like {name}",
                        constraint=PointConstraint(lat=lat, lon=lon, radius_km=5, strength=0.6))
                for name, (lat, lon) in (("Lisbon", LISBON), ("Madrid", MADRID))]


def settings(**kw: Any) -> Settings:
    return Settings(cache=False, cache_dir=session_cache(), steps=4, **kw)


def mine(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in evidence if e["author"] == "investigator"]


def check_record(record: dict[str, Any], clue: str, country: str, k: int) -> None:
    (top,) = mine(record["evidence"])  # once in case.json, not once per path
    assert top["args"]["clue"] == clue and top["constraint"]["kind"] == "countries"
    assert len(record["paths"]) == k
    for p in record["paths"]:
        assert p["status"] == "done"
        (seeded,) = mine(p["evidence"])
        assert seeded["args"]["clue"] == clue and seeded["id"] == "E1"
        assert p["verdict"]["country_code"] == country
    v = record["verdict"]
    assert v["country_code"] == country and v["radius_km"] <= 50  # the clue chose the city
    assert record["clues"] == [clue]


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return render_photo(tmp_path / "street.jpg", size=(400, 300))


@pytest.fixture
def tools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("geosleuth.cases.wiring.registry", lambda: registry(TwoCapitals()))


@pytest.mark.parametrize(("clue", "country"), CLUES)
def test_run_paths_seeds_every_path_and_pools_the_clue_once(
        photo: Path, clue: str, country: str) -> None:
    case = load_case(photo, clues=(clue,))
    s = settings(paths=3)
    out = run_paths(case, s, tools=registry(TwoCapitals()))
    states: list[CaseState] = [r.state for r in out.finished]  # type: ignore[misc]
    assert [r.status for r in out.runs] == ["done"] * 3
    for st in states:
        seeded = [e for e in st.evidence if e.author == "investigator"]
        assert [e.args["clue"] for e in seeded] == [clue]
        assert st.verdict.country_code == country
    pooled = pooled_evidence(states)
    assert [e.args.get("clue") for e in pooled if e.author == "investigator"] == [clue]
    assert len(pooled) == 3  # the clue and the two capitals, each once
    done = conclude(case, s, out, countries=geo_services(s)[0])
    assert done.verdict.country_code == country
    # the pooled fusion (p_e) weighs the clue: it is the same as one path's fusion
    assert done.confidence.evidence == pytest.approx(states[0].verdict.confidence, abs=0.02)


@pytest.mark.parametrize(("clue", "country"), CLUES)
def test_investigate_photo_with_three_paths_keeps_the_clue(
        photo: Path, tools: None, clue: str, country: str) -> None:
    one = investigate_photo(photo, settings(), clues=(clue,)).record
    assert [e["args"]["clue"] for e in mine(one["evidence"])] == [clue]
    many = investigate_photo(photo, settings(paths=3), clues=(clue,)).record
    check_record(many, clue, country, 3)
    assert many["verdict"]["lat"] == one["verdict"]["lat"]
    assert many["confidence"]["evidence"] == pytest.approx(one["verdict"]["confidence"],
                                                           abs=0.02)


def test_a_total_budget_with_one_path_keeps_the_clue(photo: Path, tools: None) -> None:
    record = investigate_photo(photo, settings(max_model_calls=20),
                               clues=("not-country: PT",)).record
    assert "verification" in record  # the budget made it the multi-path pipeline
    check_record(record, "not-country: PT", "ES", 1)


def test_without_the_clue_the_photo_is_ambiguous(photo: Path, tools: None) -> None:
    record = investigate_photo(photo, settings(paths=3)).record
    assert mine(record["evidence"]) == []
    # the evidence alone cannot choose between the two cities: neither is more likely
    # than not, whether the verdict names one of them or a circle around both
    assert record["verdict"]["confidence"] < 0.5 or record["verdict"]["radius_km"] >= 500


@pytest.mark.parametrize(("clue", "country"), CLUES)
def test_locate_paths_3_with_a_clue(photo: Path, tools: None, tmp_path: Path,
                                    clue: str, country: str) -> None:
    from geosleuth.cli.app import app

    out = tmp_path / "cases"
    result = CliRunner().invoke(app, ["locate", str(photo), "--paths", "3", "--clue", clue,
                                      "--json", "--no-cache", "--out", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    check_record(record, clue, country, 3)
    (folder,) = out.iterdir()
    saved = json.loads((folder / "case.json").read_text())
    check_record(saved, clue, country, 3)
    report = (folder / "report.md").read_text()
    assert "## The investigator's actions" in report
