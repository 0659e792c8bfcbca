"""Datasets: the generic CSV/JSONL format and the benchmark layouts (IM2GPS3K, YFCC4K,
OSV-5M, MAPBench), each written here in the layout its reader documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geosleuth.errors import BadInputError
from geosleuth.eval.adapters import detect_format, load_dataset


def _img(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8 stand-in; the readers only check that the file exists")
    return path


def test_generic_csv_resolves_images_and_keeps_labels(tmp_path: Path) -> None:
    (tmp_path / "ds.csv").write_text(
        "file,lat,lon,country,split\n"
        "imgs/a.jpg,48.85,2.29,FR,test\n"
        "imgs/b.jpg,,,JPN,val\n"
        f"{tmp_path / 'c.jpg'},-33.9,151.2,,test\n")
    ds = load_dataset(tmp_path / "ds.csv")
    assert ds.format == "generic"
    a, b, c = ds.items
    assert a.image == tmp_path / "imgs/a.jpg" and (a.lat, a.lon, a.country) == (48.85, 2.29, "FR")
    assert a.labels == {"split": "test"}
    assert not b.has_point and b.country == "JP"  # alpha-3 converted
    assert c.image == tmp_path / "c.jpg" and c.country is None
    assert ds.describe()["with_point"] == 2


def test_generic_jsonl(tmp_path: Path) -> None:
    lines = [{"image": "x.jpg", "lat": 1.5, "lon": -2.5, "scene": "street"},
             {"path": "y.png", "country": "br"}]
    (tmp_path / "ds.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    ds = load_dataset(tmp_path / "ds.jsonl")
    assert [i.id for i in ds.items] == ["x.jpg", "y.png"]
    assert ds.items[0].labels == {"scene": "street"}
    assert ds.items[1].country == "BR"


@pytest.mark.parametrize(("body", "message"), [
    ("name,lat,lon\na.jpg,1,2\n", "no image column"),
    ("image,lat,lon\na.jpg,1,\n", "both lat and lon"),
    ("image,lat,lon\na.jpg,91,2\n", "outside"),
    ("image,lat,lon\na.jpg,north,2\n", "not a number"),
    ("image,lat,lon,country\na.jpg,,,\n", "no ground truth"),
    ("image,country\na.jpg,Atlantis\n", "not an ISO 3166"),
    ("image,country\na.jpg,FR\na.jpg,FR\n", "listed twice"),
])
def test_generic_errors_name_the_line(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "bad.csv").write_text(body)
    with pytest.raises(BadInputError, match=message):
        load_dataset(tmp_path / "bad.csv")


def test_im2gps3k_layout(tmp_path: Path) -> None:
    root = tmp_path / "im2gps3k"
    _img(root / "im2gps3ktest" / "1004758461_9d9cd75f0a_1.jpg")
    _img(root / "im2gps3ktest" / "2201_aa_2.jpg")
    (root / "im2gps3k_places365.csv").parent.mkdir(parents=True, exist_ok=True)
    (root / "im2gps3k_places365.csv").write_text(
        "IMG_ID,AUTHOR,LAT,LON,S3_Label,S16_Label,S365_Label,Prob_indoor,Prob_natural,Prob_urban\n"
        "1004758461_9d9cd75f0a_1.jpg,1,40.7,-74.0,2,5,112,0.1,0.2,0.7\n"
        "2201_aa_2.jpg,2,-22.9,-43.2,1,3,20,0.0,0.9,0.1\n"
        "missing_one.jpg,3,0,0,0,0,0,0,0,0\n")
    csv_path = root / "im2gps3k_places365.csv"
    assert detect_format(csv_path) == "im2gps3k"
    ds = load_dataset(csv_path)
    assert ds.format == "im2gps3k" and len(ds.items) == 2
    assert ds.items[0].image == root / "im2gps3ktest" / "1004758461_9d9cd75f0a_1.jpg"
    assert (ds.items[1].lat, ds.items[1].lon) == (-22.9, -43.2)
    assert ds.items[0].labels["S3_Label"] == "2"
    assert ds.notes == [f"1 of 3 images not found in {root / 'im2gps3ktest'}"]


def test_yfcc4k_layout_with_ids_without_suffix_and_an_images_option(tmp_path: Path) -> None:
    pics = tmp_path / "elsewhere"
    _img(pics / "8234.jpg")
    (tmp_path / "yfcc4k_places365.csv").write_text("IMG_ID,LAT,LON\n8234,35.0,139.0\n")
    assert detect_format(tmp_path / "yfcc4k_places365.csv") == "yfcc4k"
    with pytest.raises(BadInputError, match="--images"):
        load_dataset(tmp_path / "yfcc4k_places365.csv")
    ds = load_dataset(tmp_path / "yfcc4k_places365.csv", images=pics)
    assert ds.format == "yfcc4k" and ds.items[0].image == pics / "8234.jpg"


def test_osv5m_layout(tmp_path: Path) -> None:
    _img(tmp_path / "images" / "test" / "00" / "3859149887465501.jpg")
    _img(tmp_path / "images" / "test" / "01" / "111.jpg")
    (tmp_path / "test.csv").write_text(
        "id,latitude,longitude,thumb_original_url,country,sequence,captured_at,region,"
        "sub-region,city,unique_country\n"
        "3859149887465501,-43.804769384023,-176.61409250805,,NZ,s1,2019,Chatham Islands,,"
        "Waitangi,NZ\n"
        "111,48.1,11.5,,8,s2,2020,Bavaria,,Munich,DE\n"
        "222,1,1,,FR,s3,2020,,,,FR\n")
    assert detect_format(tmp_path / "test.csv") == "osv5m"
    ds = load_dataset(tmp_path / "test.csv")
    assert ds.format == "osv5m" and [i.id for i in ds.items] == ["3859149887465501", "111"]
    first, second = ds.items
    assert first.lon == pytest.approx(-176.61409250805) and first.country == "NZ"
    assert first.labels["city"] == "Waitangi"
    assert second.country == "DE"  # "8" is not a code: unique_country is used
    assert ds.notes and "1 of 3" in ds.notes[0]


def test_mapbench_style_json(tmp_path: Path) -> None:
    _img(tmp_path / "imgs" / "shop.jpg")
    _img(tmp_path / "imgs" / "street.jpg")
    records = {"data": [
        {"image_path": "imgs/shop.jpg", "gt": {"latitude": 31.23, "lng": 121.47},
         "difficulty": "hard"},
        {"img": "imgs/street.jpg", "lat": 39.9, "lon": 116.4, "country_code": "CN",
         "difficulty": "easy"},
        {"img": "imgs/gone.jpg", "lat": 1, "lon": 1},
    ]}
    (tmp_path / "mapbench_test.json").write_text(json.dumps(records))
    ds = load_dataset(tmp_path / "mapbench_test.json")
    assert ds.format == "mapbench" and len(ds.items) == 2
    shop, street = ds.items
    assert (shop.lat, shop.lon) == (31.23, 121.47) and shop.labels == {"difficulty": "hard"}
    assert street.country == "CN"
    assert ds.notes and "1 of 3" in ds.notes[0]


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="unknown dataset format"):
        load_dataset(tmp_path / "x.csv", format="kitti")
    with pytest.raises(BadInputError, match="no such dataset file"):
        load_dataset(tmp_path / "x.csv")
