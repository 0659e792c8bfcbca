"""A phone number's area comes from an index in the cache folder, and is the one
phonenumbers' geocoder gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from geosleuth.text import phone_areas
from geosleuth.text.phone_areas import area_description, index_path

NUMBERS = (
    "+351 21 342 0000",  # Lisbon
    "+54 9 11 4321 5678",  # Argentina: mobile token before the area code
    "+54 11 4321 5678",
    "+1 212 555 0100",  # a calling code shared by many regions
    "+1 684 622 1234",  # American Samoa under +1
    "+44 20 7946 0018",
    "+7 495 123 45 67",  # Russia and Kazakhstan share +7
    "+49 30 1234567",
    "+55 11 3456 7890",
    "+91 83403 69754",  # a mobile number the geocoder names by its country
    "+800 1234 5678",  # non-geographic
    "+39 06 1234 5678",
    "+81 3 1234 5678",
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("phone-cache")


def _numbers() -> list[phonenumbers.PhoneNumber]:
    out = [phonenumbers.parse(n) for n in NUMBERS]
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE,
                     PhoneNumberType.TOLL_FREE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                out.append(example)
    return out


def test_areas_are_the_geocoder_s(cache: Path) -> None:
    from phonenumbers import geocoder

    numbers = _numbers()
    assert len(numbers) > 400
    described = 0
    for number in numbers:
        expected = geocoder.description_for_number(number, "en")
        assert area_description(number, cache) == expected, number
        described += bool(expected)
    assert described > 300
    assert area_description(phonenumbers.parse("+351 21 342 0000"), cache) == "Lisbon"
    assert index_path(cache).is_file()


def test_a_lookup_with_the_index_built_does_not_load_the_geocoder(cache: Path) -> None:
    area_description(phonenumbers.parse("+351 21 342 0000"), cache)  # builds it if missing
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "import phonenumbers\n"
        "from geosleuth.text.phone_areas import area_description\n"
        "print(area_description(phonenumbers.parse('+49 30 1234567'), Path(sys.argv[1])))\n"
        "print(sorted(m for m in ('phonenumbers.geocoder', 'phonenumbers.geodata')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(cache)], capture_output=True,
                         text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["Berlin", "[]"]


def test_without_a_usable_cache_folder_the_geocoder_answers(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    number = phonenumbers.parse("+44 20 7946 0018")
    assert area_description(number, None) == "London"
    assert area_description(number, blocker) == "London"


def test_a_damaged_index_is_built_again(tmp_path: Path) -> None:
    path = index_path(tmp_path)
    path.write_bytes(b"not a database" * 100)
    phone_areas._open.pop(path, None)
    assert area_description(phonenumbers.parse("+351 21 342 0000"), tmp_path) == "Lisbon"
    assert path.read_bytes()[:15] == b"SQLite format 3"
