"""Turning raw EXIF tags into plain fields: GPS position and time, capture time.

Every reader here takes normalised tags (see ``reading``) and a list to which it appends a
warning for anything malformed; none of them raises on bad data.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

# The camera fields live in ``camera``; their names stay importable from here.
from geosleuth_plugins.exif_metadata.camera import KNOWN_EDITORS as KNOWN_EDITORS
from geosleuth_plugins.exif_metadata.camera import camera_name as camera_name
from geosleuth_plugins.exif_metadata.camera import editor_of as editor_of
from geosleuth_plugins.exif_metadata.camera import is_phone as is_phone
from geosleuth_plugins.exif_metadata.reading import EXIF, GPS, IFD0, TagKey, TagValue

Tags = dict[TagKey, TagValue]

# Tag numbers (EXIF 2.32, CIPA DC-008-2019).
MAKE, MODEL, ORIENTATION, SOFTWARE, DATETIME = 0x010F, 0x0110, 0x0112, 0x0131, 0x0132
DATETIME_ORIGINAL, DATETIME_DIGITIZED = 0x9003, 0x9004
OFFSET_TIME, OFFSET_TIME_ORIGINAL, OFFSET_TIME_DIGITIZED = 0x9010, 0x9011, 0x9012
SUBSEC, SUBSEC_ORIGINAL, SUBSEC_DIGITIZED = 0x9290, 0x9291, 0x9292
LENS_MAKE, LENS_MODEL, PIXEL_X, PIXEL_Y = 0xA433, 0xA434, 0xA002, 0xA003
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4
GPS_ALT_REF, GPS_ALT, GPS_TIME, GPS_STATUS, GPS_DOP, GPS_DATE, GPS_H_ERROR = (
    5, 6, 7, 9, 11, 29, 31)
GPS_IMG_DIR_REF, GPS_IMG_DIR, GPS_DEST_BEARING_REF, GPS_DEST_BEARING = 16, 17, 23, 24

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_TEXT = 200


def clean_text(value: Any, limit: int = MAX_TEXT) -> str | None:
    """A tag's text with control characters removed, trimmed to ``limit``; None when blank.

    Tag text comes from the file: it is data, so terminal escapes and NULs go.
    """
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    elif isinstance(value, list):
        # Some writers store ASCII fields as BYTE/UNDEFINED arrays.
        if not all(isinstance(v, int) and 0 <= v < 256 for v in value):
            return None
        value = bytes(value).decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = _CONTROL.sub(" ", value).strip()
    text = re.sub(r"\s{2,}", " ", text)
    return text[:limit] or None


def _finite(number: float, what: str, warnings: list[str]) -> float | None:
    """``number``, or None with a warning when it is infinite or NaN (a FLOAT/DOUBLE tag
    or text can hold those; no field has a use for them)."""
    if math.isfinite(number):
        return number
    warnings.append(f"{what} is not a finite number ({number}); ignored")
    return None


def _number(item: Any, what: str, warnings: list[str]) -> float | None:
    """One numeric value: a rational (num, den), an int or a float; None if unusable."""
    if isinstance(item, tuple) and len(item) == 2:
        num, den = item
        if den == 0:
            warnings.append(f"{what} is {num}/0 (zero denominator)")
            return None
        return num / den
    if isinstance(item, int | float) and not isinstance(item, bool):
        return _finite(float(item), what, warnings)
    warnings.append(f"{what} has an unexpected value {item!r:.60}")
    return None


def first_number(tags: Tags, key: TagKey, what: str, warnings: list[str]) -> float | None:
    value = tags.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            warnings.append(f"{what} is not a number: {value!r:.60}")
            return None
        return _finite(number, what, warnings)
    if isinstance(value, bytes) or not value:
        warnings.append(f"{what} is empty or not numeric")
        return None
    return _number(value[0], what, warnings)


def first_int(tags: Tags, key: TagKey) -> int | None:
    value = tags.get(key)
    if isinstance(value, bytes) and value:
        return value[0]
    if isinstance(value, list) and value and isinstance(value[0], int):
        return value[0]
    if isinstance(value, str) and _digits(value.strip()):
        return int(value.strip())
    return None


def _digits(text: str) -> bool:
    """Whether ``text`` is ASCII digits: ``str.isdigit`` also accepts "²" and "①",
    which ``int`` refuses."""
    return text.isascii() and text.isdigit()


# ---------------------------------------------------------------- GPS


def _coordinate(tags: Tags, key: int, ref_key: int, axis: str,
                warnings: list[str]) -> float | None:
    """Degrees from GPSLatitude/GPSLongitude and their reference letter, signed."""
    name = "GPSLatitude" if axis == "lat" else "GPSLongitude"
    value = tags.get((GPS, key))
    if value is None:
        return None
    if isinstance(value, str):  # a few writers store decimal degrees as text
        try:
            degrees = float(value.strip())
        except ValueError:
            warnings.append(f"{name} is unreadable text {value!r:.40}")
            return None
        if _finite(degrees, name, warnings) is None:
            return None
    elif isinstance(value, bytes) or not value or len(value) > 3:
        warnings.append(f"{name} should hold 1 to 3 numbers, not {value!r:.60}")
        return None
    else:
        parts: list[float] = []
        for i, item in enumerate(value):
            unit = ("degrees", "minutes", "seconds")[i]
            number = _number(item, f"{name} {unit}", warnings)
            if number is None:
                if i == 0:
                    return None
                # Cameras without a fix for the finer part often write 0/0 there.
                warnings[-1] += "; read as 0"
                number = 0.0
            if i > 0 and not 0 <= number < 60:
                warnings.append(f"{name} {unit} {number:g} is outside 0..60")
            parts.append(number)
        degrees = sum(p / 60**i for i, p in enumerate(parts))
    ref = clean_text(tags.get((GPS, ref_key)))
    negative, positive = ("S", "N") if axis == "lat" else ("W", "E")
    letter = ref[:1].upper() if ref else None
    if letter == negative:
        degrees = -abs(degrees)
    elif letter == positive:
        if degrees < 0:
            warnings.append(f"{name} is negative but its reference is {positive}; kept negative")
    else:
        shown = "missing" if ref is None else f"{ref!r}"
        warnings.append(f"{name}Ref is {shown}; read as {positive if degrees >= 0 else negative}")
    return degrees


def read_position(tags: Tags, warnings: list[str]) -> tuple[float | None, float | None, bool]:
    """(lat, lon, valid): the GPS position and whether it is usable as evidence."""
    lat = _coordinate(tags, GPS_LAT, GPS_LAT_REF, "lat", warnings)
    lon = _coordinate(tags, GPS_LON, GPS_LON_REF, "lon", warnings)
    if lat is None and lon is None:
        return None, None, False
    if lat is None or lon is None:
        warnings.append("GPS position has only one coordinate; ignored")
        return lat, lon, False
    if not (math.isfinite(lat) and math.isfinite(lon)):
        warnings.append("GPS position is not a finite number; ignored")
        return None, None, False
    if not -90 <= lat <= 90:
        warnings.append(f"GPS latitude {lat:g} is outside ±90; position ignored")
        return lat, lon, False
    if not -180 <= lon <= 180:
        warnings.append(f"GPS longitude {lon:g} is outside ±180; position ignored")
        return lat, lon, False
    if abs(lat) < 1e-6 and abs(lon) < 1e-6:
        warnings.append("GPS position is 0, 0 (a placeholder written without a fix); ignored")
        return lat, lon, False
    return lat, lon, True


def read_altitude(tags: Tags, warnings: list[str]) -> float | None:
    altitude = first_number(tags, (GPS, GPS_ALT), "GPSAltitude", warnings)
    if altitude is None:
        return None
    ref = first_int(tags, (GPS, GPS_ALT_REF))
    if ref == 1:  # 1 = below sea level; the value itself is unsigned
        return -abs(altitude)
    if ref not in (None, 0):
        warnings.append(f"GPSAltitudeRef is {ref} (0 or 1 expected); read as above sea level")
    return altitude


def read_gps_time(tags: Tags, warnings: list[str]) -> datetime | None:
    """GPSDateStamp + GPSTimeStamp as an aware UTC datetime."""
    stamp, date = tags.get((GPS, GPS_TIME)), clean_text(tags.get((GPS, GPS_DATE)))
    if stamp is None and date is None:
        return None
    if stamp is None or date is None:
        missing = "GPSTimeStamp" if stamp is None else "GPSDateStamp"
        warnings.append(f"GPS time has no {missing}; GPS time ignored")
        return None
    if not isinstance(stamp, list) or len(stamp) != 3:
        warnings.append(f"GPSTimeStamp should hold 3 numbers, not {stamp!r:.60}")
        return None
    hms = [_number(v, f"GPSTimeStamp {u}", warnings) for v, u in zip(stamp, "hms", strict=True)]
    match = re.fullmatch(r"(\d{4})[:\-/](\d{1,2})[:\-/](\d{1,2})", date)
    if any(v is None for v in hms) or match is None:
        if match is None:
            warnings.append(f"GPSDateStamp is not a date: {date!r:.40}")
        return None
    h, m, s = (float(v) for v in hms)  # type: ignore[arg-type]
    try:
        day = datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=UTC)
    except ValueError:
        warnings.append(f"GPSDateStamp is not a valid date: {date!r:.40}")
        return None
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= s < 61):
        warnings.append(f"GPSTimeStamp {h:g}:{m:g}:{s:g} is out of range")
        return None
    return day + timedelta(hours=h, minutes=m, seconds=s)


def read_heading(tags: Tags, warnings: list[str]) -> tuple[float | None, str | None, str | None]:
    """(degrees clockwise from north, "true" or "magnetic", the tag): where the camera
    pointed. GPSImgDirection first (the direction of the image); GPSDestBearing (the
    bearing to the subject) when it is missing. Out-of-range values are warned and dropped.
    """
    for key, ref_key, name in ((GPS_IMG_DIR, GPS_IMG_DIR_REF, "GPSImgDirection"),
                               (GPS_DEST_BEARING, GPS_DEST_BEARING_REF, "GPSDestBearing")):
        degrees = first_number(tags, (GPS, key), name, warnings)
        if degrees is None:
            continue
        if not (math.isfinite(degrees) and 0 <= degrees <= 360):
            warnings.append(f"{name} {degrees:g} is outside 0..360; ignored")
            continue
        ref = clean_text(tags.get((GPS, ref_key)))
        north = "magnetic" if ref and ref[:1].upper() == "M" else "true"
        return degrees % 360.0, north, name
    return None, None, None


# ---------------------------------------------------------------- capture time

_DATETIME = re.compile(r"(\d{4})[:\-/.](\d{2})[:\-/.](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


def parse_offset(text: str | None, what: str, warnings: list[str]) -> timedelta | None:
    if text is None:
        return None
    match = _OFFSET.fullmatch(text)
    if match is None:
        if text.strip(" :") and not set(text) <= {" ", ":", "0"}:
            warnings.append(f"{what} is not a UTC offset like +02:00: {text!r:.30}")
        return None
    delta = timedelta(hours=int(match[2]), minutes=int(match[3]))
    if match[1] == "-":
        delta = -delta
    if not timedelta(hours=-12) <= delta <= timedelta(hours=14) or int(match[3]) >= 60:
        warnings.append(f"{what} {text} is outside -12:00..+14:00")
        return None
    return delta


def format_offset(delta: timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def read_capture_time(
    tags: Tags, warnings: list[str]
) -> tuple[datetime | None, str | None, timedelta | None, str | None]:
    """(local time, its tag name, UTC offset, the offset's tag name).

    DateTimeOriginal first, then DateTimeDigitized, then the file's DateTime, each with
    its own offset tag, falling back to OffsetTime; SubSecTime adds the fraction.
    """
    sources = (
        ((EXIF, DATETIME_ORIGINAL), "DateTimeOriginal", OFFSET_TIME_ORIGINAL,
         "OffsetTimeOriginal", SUBSEC_ORIGINAL),
        ((EXIF, DATETIME_DIGITIZED), "DateTimeDigitized", OFFSET_TIME_DIGITIZED,
         "OffsetTimeDigitized", SUBSEC_DIGITIZED),
        ((IFD0, DATETIME), "DateTime", OFFSET_TIME, "OffsetTime", SUBSEC),
    )
    for key, name, offset_tag, offset_name, subsec_tag in sources:
        text = clean_text(tags.get(key))
        if text is None:
            continue
        match = _DATETIME.match(text)
        if match is None:
            if set(text) - set(" :0-"):
                warnings.append(f"{name} is not a date and time: {text!r:.40}")
            else:
                warnings.append(f"{name} is blank ({text!r})")
            continue
        try:
            local = datetime(*(int(g) for g in match.groups()))  # type: ignore[misc]
        except ValueError:
            warnings.append(f"{name} is not a valid date and time: {text!r:.40}")
            continue
        local = _with_subsec(local, tags.get((EXIF, subsec_tag)), subsec_tag, warnings)
        offset, used = None, None
        for tag, tag_name in ((offset_tag, offset_name), (OFFSET_TIME, "OffsetTime")):
            offset = parse_offset(clean_text(tags.get((EXIF, tag))), tag_name, warnings)
            if offset is not None:
                used = tag_name
                break
        if offset is not None and to_utc(local, offset) is None:
            warnings.append(f"{name} {text!r:.40} at {used} {format_offset(offset)} falls "
                            "outside the years 1..9999 in UTC; ignored")
            continue
        return local, name, offset, used
    return None, None, None, None


_SUBSEC_NAMES = {SUBSEC: "SubSecTime", SUBSEC_ORIGINAL: "SubSecTimeOriginal",
                 SUBSEC_DIGITIZED: "SubSecTimeDigitized"}


def _with_subsec(local: datetime, value: TagValue | None, tag: int,
                 warnings: list[str]) -> datetime:
    """``local`` with the fraction of a second SubSecTime* gives (ASCII digits, the first
    six read); a value that is not digits is warned about and left out."""
    subsec = clean_text(value)
    if not subsec:
        return local
    if not _digits(subsec):
        warnings.append(f"{_SUBSEC_NAMES[tag]} is not digits: {subsec!r:.20}; ignored")
        return local
    return local.replace(microsecond=int((subsec + "000000")[:6]))


def to_utc(local: datetime, offset: timedelta) -> datetime | None:
    """The UTC time of ``local`` at ``offset``; None when it falls outside the years
    1..9999 that a datetime holds (a camera clock at 9999-12-31 23:00 and -12:00)."""
    try:
        return aware(local, offset).astimezone(UTC)
    except OverflowError:
        return None


def offset_from_gps_time(local: datetime, gps_utc: datetime) -> timedelta | None:
    """The UTC offset implied by local and GPS time, when they agree to a 15-minute zone.

    The GPS timestamp may lag the shutter by the age of the last fix, so the difference
    is accepted when within 5 minutes of a multiple of 15 minutes and within -12..+14 h.
    """
    diff = local - gps_utc.replace(tzinfo=None)
    quarters = round(diff.total_seconds() / 900)
    residual = abs(diff.total_seconds() - quarters * 900)
    offset = timedelta(minutes=15 * quarters)
    if residual <= 300 and timedelta(hours=-12) <= offset <= timedelta(hours=14):
        return offset
    return None


def aware(local: datetime, offset: timedelta) -> datetime:
    return local.replace(tzinfo=timezone(offset))
