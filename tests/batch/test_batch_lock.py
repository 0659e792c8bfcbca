"""One batch at a time per output folder: a second one stops at once, naming the holder;
a holder killed with SIGKILL leaves no lock behind."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from geosleuth.batch.lock import LOCK_FILE
from geosleuth.testing.cli import run_cli as geosleuth
from geosleuth.testing.photos import render_photo

HOLD = ("import sys; from pathlib import Path; from geosleuth.batch.lock import lock_output; "
        "lock = lock_output(Path(sys.argv[1])); print('locked', flush=True); sys.stdin.read()")



def test_a_second_batch_stops_at_once_and_a_killed_holder_blocks_nothing(
    tmp_path: Path,
) -> None:
    photos, out = tmp_path / "photos", tmp_path / "out"
    render_photo(photos / "a.jpg", size=(96, 64), seed=1)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        busy = geosleuth("batch", str(photos), "--out", str(out), "--no-cache")
        assert busy.returncode == 2, busy.stderr
        [line] = busy.stderr.strip().splitlines()
        assert line.startswith(f"geosleuth: {out}: another batch is writing into this folder")
        assert f"pid {holder.pid} on {socket.gethostname()}, started 20" in line
        assert "Traceback" not in busy.stderr
        assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE]  # nothing touched
    finally:
        holder.kill()  # SIGKILL: no clean-up runs in the holder
        holder.wait()

    assert (out / LOCK_FILE).exists()  # the file stays; the lock died with its process
    ran = geosleuth("batch", str(photos), "--out", str(out), "--no-cache")
    assert ran.returncode == 0, ran.stderr
    assert (out / "results.jsonl").read_text().count("\n") == 1
    assert not (out / LOCK_FILE).exists()  # removed when the batch ended
