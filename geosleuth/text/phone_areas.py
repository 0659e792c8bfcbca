"""The area a phone number serves, in English, from an index kept in the cache folder.

``area_description(number, cache_dir)`` is ``phonenumbers.geocoder.description_for_number(
number, "en")``, step for step, but its data comes from one SQLite file instead of the
geocoder's Python modules: importing ``phonenumbers.geocoder`` loads 287,000 prefixes in
every language (0.3-0.4 CPU-s and about 80 MB, in every process that reads a phone
number). The file (``phone-areas-pn<version>.sqlite``) is made from that data the first
time a number is looked up with a cache folder (about 1 s, once per phonenumbers
version), and holds the English names of the prefixes (those of the "en" locale and its
regional variants, all the geocoder's lookups in English consult) and of the regions.
A lookup is then at most nine B-tree searches. Without a cache folder, or one that
cannot be written, the geocoder itself answers.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers.prefix import _prefix_description_for_number

from geosleuth.derived import open_or_build, write_sqlite

FORMAT = 1  # raise when the file's tables change
_lock = threading.Lock()
_open: dict[Path, _Index] = {}


def index_path(cache_dir: Path) -> Path:
    version = getattr(phonenumbers, "__version__", "0")
    return Path(cache_dir) / f"phone-areas-f{FORMAT}-pn{version}.sqlite"


class _Prefixes(Mapping[str, dict[str, str]]):
    """Prefix (digits after the +) -> {locale: name}, read from the index on demand."""

    def __init__(self, con: sqlite3.Connection, lock: threading.Lock) -> None:
        self._con, self._lock = con, lock

    def __getitem__(self, prefix: str) -> dict[str, str]:
        with self._lock:
            rows = self._con.execute("SELECT locale, name FROM prefixes WHERE prefix = ?",
                                     (prefix,)).fetchall()
        if not rows:
            raise KeyError(prefix)
        return dict(rows)

    def __contains__(self, prefix: object) -> bool:
        try:
            self[str(prefix)]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            rows = self._con.execute("SELECT DISTINCT prefix FROM prefixes").fetchall()
        return iter(r[0] for r in rows)

    def __len__(self) -> int:
        with self._lock:
            return int(self._con.execute(
                "SELECT count(DISTINCT prefix) FROM prefixes").fetchone()[0])


class _Index:
    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.prefixes = _Prefixes(con, self._lock)
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        self.longest = int(meta["longest_prefix"])
        self.regions: dict[str, str] = dict(con.execute("SELECT code, name FROM regions"))


def build(path: Path) -> None:
    """Write the index from phonenumbers' geocoder data (atomically)."""
    from phonenumbers.geodata import GEOCODE_DATA, GEOCODE_LONGEST_PREFIX
    from phonenumbers.geodata.locale import LOCALE_DATA

    # a prefix without an English name is skipped by every English lookup
    rows = [(prefix, locale, name) for prefix, names in GEOCODE_DATA.items()
            for locale, name in names.items() if locale == "en" or locale.startswith("en_")]
    regions = []
    for code, names in LOCALE_DATA.items():  # geocoder._region_display_name, for "en"
        name = names.get("en", "")
        if name.startswith("*"):
            name = names.get(name[1:], "")
        regions.append((code, str(name)))

    def fill(con: sqlite3.Connection) -> None:
        con.executemany("INSERT INTO prefixes VALUES (?, ?, ?)", sorted(rows))
        con.executemany("INSERT INTO regions VALUES (?, ?)", regions)
        con.execute("INSERT INTO meta VALUES ('longest_prefix', ?)",
                    (str(GEOCODE_LONGEST_PREFIX),))

    write_sqlite(path, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
                 "CREATE TABLE prefixes (prefix TEXT, locale TEXT, name TEXT,"
                 " PRIMARY KEY (prefix, locale)) WITHOUT ROWID;"
                 "CREATE TABLE regions (code TEXT PRIMARY KEY, name TEXT) WITHOUT ROWID;", fill)


def _index(cache_dir: Path) -> _Index | None:
    path = index_path(cache_dir)
    with _lock:
        found = _open.get(path)
        if found is not None:
            return found
        # an unwritable or damaged folder: None, and the geocoder answers
        found = open_or_build(path, build, _Index,
                              (OSError, sqlite3.DatabaseError, KeyError, ValueError))
        if found is not None:
            _open[path] = found
        return found


def ensure_index(cache_dir: Path) -> bool:
    """Build the index in ``cache_dir`` now if it is missing; whether it can be read."""
    return _index(cache_dir) is not None


def _region_name(index: _Index, region_code: str) -> str:
    return index.regions.get(region_code, "")


def _country_name(index: _Index, number: phonenumbers.PhoneNumber) -> str:
    """``geocoder.country_name_for_number(number, "en")``."""
    region_codes = phonenumbers.region_codes_for_country_code(number.country_code)
    if len(region_codes) == 1:
        return _region_name(index, region_codes[0])
    valid_in = "ZZ"
    for region_code in region_codes:
        if phonenumbers.is_valid_number_for_region(number, region_code):
            if valid_in != "ZZ":
                return ""  # valid in two regions: which one is not known
            valid_in = region_code
    return _region_name(index, valid_in)


def _valid_description(index: _Index, number: phonenumbers.PhoneNumber) -> str:
    """``geocoder.description_for_valid_number(number, "en")`` (no user region)."""
    from phonenumbers import NumberParseException

    region = None
    target = number
    mobile_token = phonenumbers.country_mobile_token(number.country_code)
    national = phonenumbers.national_significant_number(number)
    if mobile_token != "" and national.startswith(mobile_token):
        # a mobile token before the area code (Argentina) is removed before geocoding
        region = phonenumbers.region_code_for_country_code(number.country_code)
        try:
            target = phonenumbers.parse(national[len(mobile_token):], region)
        except NumberParseException:
            target = number
    area = _prefix_description_for_number(index.prefixes, index.longest, target, "en",
                                          None, region)
    return str(area) if area != "" else _country_name(index, number)


def area_description(number: phonenumbers.PhoneNumber, cache_dir: Path | None) -> str:
    """``phonenumbers.geocoder.description_for_number(number, "en")``, from the index in
    ``cache_dir`` (the geocoder itself when there is none)."""
    index = _index(cache_dir) if cache_dir is not None else None
    if index is None:
        from phonenumbers import geocoder

        return str(geocoder.description_for_number(number, "en"))
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        return ""
    if not phonenumbers.is_number_type_geographical(kind, number.country_code):
        return _country_name(index, number)
    return _valid_description(index, number)
