"""A case's photo is found from its record: a path, a file:// URI, or its name beside the case."""

from __future__ import annotations

from pathlib import Path

import pytest

from geosleuth.cases.folder import find_photo
from geosleuth.errors import BadInputError


def _record(path: str) -> dict[str, object]:
    return {"image": {"path": path}}


def test_the_photo_is_found_by_path_file_uri_or_name(tmp_path: Path) -> None:
    photo = tmp_path / "photos" / "street corner.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"jpeg")
    folder = tmp_path / "out" / "case"
    folder.mkdir(parents=True)
    assert find_photo(_record(str(photo)), folder) == photo
    # a batch that read it by URI recorded the URI (spaces percent-encoded)
    assert find_photo(_record(photo.as_uri()), folder) == photo
    # a remote URI: the copy put into the case folder
    with pytest.raises(BadInputError):
        find_photo(_record("s3://bucket/street%20corner.jpg"), folder)
    (folder / "corner.jpg").write_bytes(b"jpeg")
    assert find_photo(_record("s3://bucket/corner.jpg"), folder) == folder / "corner.jpg"
