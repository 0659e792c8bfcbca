"""``geosleuth locate`` keeps what is already on disk, and keeps the case when --out fails."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from geosleuth.testing.cli import run_cli as geosleuth
from geosleuth.testing.photos import render_photo


def test_a_rerun_keeps_the_worked_on_case_and_force_replaces_it(tmp_path: Path) -> None:
    photo = render_photo(tmp_path / "harbour.jpg", size=(96, 64), seed=3)
    cases = tmp_path / "cases"
    first = geosleuth("locate", str(photo), "--out", str(cases), "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    sha8 = json.loads(first.stdout)["image"]["sha256"][:8]
    worked_on = cases / f"harbour-{sha8}"
    (worked_on / "report.md").write_text("the investigator's edited report")

    again = geosleuth("locate", str(photo), "--out", str(cases), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert (worked_on / "report.md").read_text() == "the investigator's edited report"
    assert (cases / f"harbour-{sha8}-2" / "case.json").is_file()
    assert f"harbour-{sha8}-2" in "".join(again.stdout.split())  # the summary names it

    forced = geosleuth("locate", str(photo), "--out", str(cases), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "## Evidence" in (worked_on / "report.md").read_text()
    assert sorted(p.name for p in cases.iterdir()) == [f"harbour-{sha8}", f"harbour-{sha8}-2"]


@pytest.mark.parametrize("how", ["read-only folder", "a file in the way"])
def test_an_unwritable_out_keeps_the_case_says_where_and_exits_2(
    how: str, tmp_path: Path
) -> None:
    photo = render_photo(tmp_path / "quay.jpg", size=(96, 64), seed=4)
    if how == "read-only folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders; the other case covers this")
        out = tmp_path / "locked"
        out.mkdir()
        out.chmod(0o555)
    else:
        (tmp_path / "a-file").write_text("")
        out = tmp_path / "a-file" / "cases"  # the OS refuses it, even to root
    try:
        result = geosleuth("locate", str(photo), "--out", str(out), "--json", cwd=tmp_path)
    finally:
        if out.is_dir():
            out.chmod(0o755)
    assert result.returncode == 2, result.stderr
    record = json.loads(result.stdout)  # --json still prints the record, and only it
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"geosleuth: {out}: cannot write the case folder here (")
    found = re.search(r"the case is saved in (.+) instead$", lines[0])
    assert found, lines[0]
    saved = Path(found.group(1))
    try:
        # A folder under the cache folder ("unsaved"), with the whole case in it.
        cache = Path(os.environ["GEOSLEUTH_CACHE_DIR"])
        assert saved.parent == cache / "unsaved"
        assert json.loads((saved / "case.json").read_text()) == record
        assert (saved / "report.md").is_file()
    finally:
        shutil.rmtree(saved, ignore_errors=True)
    assert not out.exists() or list(out.iterdir()) == []  # nothing half-written
