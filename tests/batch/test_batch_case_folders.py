"""A batch never replaces a case folder it did not write (unless --force), and a resumed
batch does not make a second folder for a photo whose folder it wrote itself."""

from __future__ import annotations

import json
from pathlib import Path

from geosleuth.batch import BatchTask, run_batch
from geosleuth.images import sha256_of
from geosleuth.settings import Settings


def _case_dirs(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


def _drop_last_row(out: Path) -> dict:
    """What a kill between writing a case folder and journalling its row leaves."""
    lines = (out / "results.jsonl").read_text().splitlines(keepends=True)
    (out / "results.jsonl").write_text("".join(lines[:-1]))
    return json.loads(lines[-1])


def test_a_users_case_folder_is_kept_unless_force(photo_dir: Path, settings: Settings) -> None:
    paris = photo_dir / "paris.jpg"
    name = f"paris-{sha256_of(paris)[:8]}"
    tasks = [BatchTask(paris, "paris.jpg")]
    for out in (settings.out, settings.out.with_name("forced")):
        (out / name).mkdir(parents=True)
        (out / name / "notes.txt").write_text("an investigator's notes")

    kept = run_batch(tasks, settings.out, settings)
    assert kept.rows[0]["case_dir"] == f"{name}-2"
    assert (settings.out / name / "notes.txt").read_text() == "an investigator's notes"
    assert (settings.out / f"{name}-2" / "case.json").is_file()

    forced_out = settings.out.with_name("forced")
    forced = run_batch(tasks, forced_out, settings, force=True)
    assert forced.rows[0]["case_dir"] == name
    assert not (forced_out / name / "notes.txt").exists()
    assert _case_dirs(forced_out) == [name]


def test_resume_replaces_its_own_unrecorded_folder_but_not_a_saved_one(
    photo_dir: Path, settings: Settings
) -> None:
    out = settings.out
    tasks = [BatchTask(photo_dir / "paris.jpg", "paris.jpg"),
             BatchTask(photo_dir / "sub" / "tokyo.png", "sub/tokyo.png")]
    run_batch(tasks, out, settings)
    before = _case_dirs(out)
    lost = _drop_last_row(out)

    resumed = run_batch(tasks, out, settings, resume=True)
    assert resumed.ran == 1
    assert resumed.rows[-1]["path"] == lost["path"]
    assert resumed.rows[-1]["case_dir"] == lost["case_dir"]  # the same folder, replaced
    assert _case_dirs(out) == before  # no second folder for the photo

    # The investigator saved that case in the TUI meanwhile: it is theirs now.
    lost = _drop_last_row(out)
    case_json = out / lost["case_dir"] / "case.json"
    record = json.loads(case_json.read_text())
    record["investigator"] = [{"id": "E9", "action": "clue", "summary": "a clue"}]
    case_json.write_text(json.dumps(record))
    saved = case_json.read_text()
    again = run_batch(tasks, out, settings, resume=True)
    assert again.rows[-1]["case_dir"] == f"{lost['case_dir']}-2"
    assert case_json.read_text() == saved
    assert len(_case_dirs(out)) == len(before) + 1
