"""``read_metadata``: everything the EXIF of a photo says, as one JSON-safe dict.

Every field is read on its own: a tag that cannot be read (a malformed value, or one a
reader did not foresee) loses that field alone, with a warning naming the tag and why,
and the other fields, above all a sound GPS fix, are still given. Numbers are finite
and within bounds (``MAX_PRECISION_M``, ``MAX_ALTITUDE_M``), or left out with a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from geosleuth_plugins.exif_metadata import fields as f
from geosleuth_plugins.exif_metadata.reading import EXIF, GPS, IFD0, RawExif, read_raw

# Horizontal precision assumed when the file states none (metres, 95 %): phones fuse GPS
# with Wi-Fi and cell positions; stand-alone cameras' receivers are usually coarser.
DEFAULT_PRECISION_PHONE_M = 30.0
DEFAULT_PRECISION_CAMERA_M = 50.0
MIN_PRECISION_M = 10.0
DOP_TO_METRES = 5.0  # metres of horizontal error per unit of dilution of precision
# A stated horizontal error (or DOP × DOP_TO_METRES) above 1,000 km is not the precision
# of a fix: a GPS receiver without a fix writes no position. It is ignored, with a
# warning, and the default for the camera is used instead.
MAX_PRECISION_M = 1_000_000.0
# Altitudes beyond ±100 km (the edge of space) are not a camera's: ignored, with a warning.
MAX_ALTITUDE_M = 100_000.0

GPS_FIELDS = ("lat", "lon", "altitude_m", "gps_dop", "h_error_m", "precision_m",
              "precision_source", "gps_time_utc")
TIME_FIELDS = ("taken", "taken_tag", "taken_utc")

T = TypeVar("T")


def _guarded(what: str, warnings: list[str], read: Callable[[], T], fallback: T) -> T:
    """``read()``, or ``fallback`` with a warning naming ``what`` when it raises: a reader
    that did not foresee some malformed value costs that field, never the others."""
    try:
        return read()
    except Exception as exc:
        text = " ".join(str(exc).split())
        why = f"{type(exc).__name__}: {text:.120}" if text else type(exc).__name__
        warnings.append(f"{what} could not be read ({why}); ignored")
        return fallback


def _bounded(value: float | None, what: str, unit: str, limit: float, shown: str,
             warnings: list[str], why: str = "ignored") -> float | None:
    """``value``, or None with a warning when its size is over ``limit`` (``shown``)."""
    if value is not None and abs(value) > limit:
        warnings.append(f"{what} {value:g}{unit} is over {shown}: {why}")
        return None
    return value


def _precision(data: dict[str, Any], warnings: list[str]) -> tuple[float, str]:
    h_error, dop = data["h_error_m"], data["gps_dop"]
    if h_error is not None and not h_error > 0:
        warnings.append(f"GPSHPositioningError {h_error:g} is not positive; ignored")
        h_error = None
    if dop is not None and not dop > 0:
        warnings.append(f"GPSDOP {dop:g} is not positive; ignored")
        dop = None
    if h_error is not None:
        metres, source = h_error, "GPSHPositioningError"
    elif dop is not None:
        metres, source = dop * DOP_TO_METRES, f"GPSDOP {dop:g} × {DOP_TO_METRES:g} m"
    elif data["phone"]:
        metres, source = DEFAULT_PRECISION_PHONE_M, "default for phones"
    else:
        metres, source = DEFAULT_PRECISION_CAMERA_M, "default for cameras"
    return max(MIN_PRECISION_M, metres), source


def _gps_numbers(tags: f.Tags, warnings: list[str]) -> dict[str, float | None]:
    """GPSAltitude, GPSDOP and GPSHPositioningError, each read on its own and bounded."""
    not_precision = "not the precision of a GPS fix; ignored"
    altitude = _guarded("GPSAltitude", warnings, lambda: f.read_altitude(tags, warnings), None)
    dop = _guarded("GPSDOP", warnings,
                   lambda: f.first_number(tags, (GPS, f.GPS_DOP), "GPSDOP", warnings), None)
    h_error = _guarded(
        "GPSHPositioningError", warnings,
        lambda: f.first_number(tags, (GPS, f.GPS_H_ERROR), "GPSHPositioningError", warnings),
        None)
    return {
        "altitude_m": _bounded(altitude, "GPSAltitude", " m", MAX_ALTITUDE_M, "±100 km",
                               warnings),
        "gps_dop": _bounded(dop, "GPSDOP", "", MAX_PRECISION_M / DOP_TO_METRES,
                            f"{MAX_PRECISION_M / DOP_TO_METRES:,.0f}", warnings, not_precision),
        "h_error_m": _bounded(h_error, "GPSHPositioningError", " m", MAX_PRECISION_M,
                              "1,000 km", warnings, not_precision),
    }


def _camera(raw: RawExif, tags: f.Tags, warnings: list[str]) -> dict[str, Any]:
    """Make, model, lens, software and orientation, each read on its own."""

    def text(key: tuple[str, int], name: str) -> str | None:
        return _guarded(name, warnings, lambda: f.clean_text(tags.get(key)), None)

    make, model = text((IFD0, f.MAKE), "Make"), text((IFD0, f.MODEL), "Model")
    lens, lens_make = text((EXIF, f.LENS_MODEL), "LensModel"), text((EXIF, f.LENS_MAKE),
                                                                     "LensMake")
    if lens and lens_make and lens_make.lower() not in lens.lower():
        lens = f"{lens_make} {lens}"
    software = text((IFD0, f.SOFTWARE), "Software")
    orientation = raw.heif_orientation or _guarded(
        "Orientation", warnings, lambda: f.first_int(tags, (IFD0, f.ORIENTATION)), None)
    stored = tags.get((IFD0, f.ORIENTATION))
    if orientation is None and stored is not None and not raw.heif_orientation:
        warnings.append(f"Orientation is not a number: {stored!r:.30}; ignored")
    if orientation is not None and orientation not in range(1, 9):
        warnings.append(f"Orientation {orientation} is not 1..8; ignored")
        orientation = None
    return dict(make=make, model=model, camera=f.camera_name(make, model),
                phone=f.is_phone(make, model), lens=lens, software=software,
                edited_with=f.editor_of(software), orientation=orientation)


def _position(tags: f.Tags, data: dict[str, Any], warnings: list[str]) -> datetime | None:
    """The GPS fields into ``data``; returns the GPS time (a datetime) or None."""
    lat, lon, valid = _guarded("GPSLatitude/GPSLongitude", warnings,
                               lambda: f.read_position(tags, warnings), (None, None, False))
    gps_utc = _guarded("GPSDateStamp/GPSTimeStamp", warnings,
                       lambda: f.read_gps_time(tags, warnings), None)
    data.update(
        lat=None if lat is None else round(lat, 8),  # 1 mm; drops float noise
        lon=None if lon is None else round(lon, 8),
        gps_valid=valid,
        gps_time_utc=gps_utc.isoformat() if gps_utc else None,
        **_gps_numbers(tags, warnings),
    )
    heading, north, heading_tag = _guarded("GPSImgDirection", warnings,
                                           lambda: f.read_heading(tags, warnings),
                                           (None, None, None))
    data.update(heading_deg=heading, heading_north=north, heading_tag=heading_tag)
    if valid:
        data["precision_m"], data["precision_source"] = _precision(data, warnings)
        status = _guarded("GPSStatus", warnings,
                          lambda: f.clean_text(tags.get((GPS, f.GPS_STATUS))), None)
        if status and status.upper().startswith("V"):
            warnings.append("GPSStatus is V (measurement void): the position may be stale")
    return gps_utc


def _capture_time(tags: f.Tags, data: dict[str, Any], gps_utc: datetime | None, hidden: bool,
                  warnings: list[str]) -> None:
    """The capture time and UTC offset into ``data`` (unless ``hidden``)."""
    # When time is hidden its warnings are dropped too (they could quote the hidden time),
    # and so is the UTC offset: it is a time tag, and it gives away a band of longitudes.
    time_warnings = [] if hidden else warnings
    local, taken_tag, offset, offset_tag = _guarded(
        "DateTimeOriginal/OffsetTime", time_warnings,
        lambda: f.read_capture_time(tags, time_warnings), (None, None, None, None))
    if offset is None and local is not None and gps_utc is not None:
        offset = f.offset_from_gps_time(local, gps_utc)
        offset_tag = "GPS time vs local time" if offset is not None else None
        if offset is not None and f.to_utc(local, offset) is None:
            time_warnings.append(f"{taken_tag} {local.isoformat()} at the GPS-derived offset "
                                 f"{f.format_offset(offset)} falls outside the years 1..9999"
                                 " in UTC; ignored")
            local = offset = None
    if hidden:
        return
    if offset is not None:
        data["utc_offset"], data["offset_source"] = f.format_offset(offset), offset_tag
    if local is not None:
        data["taken_tag"] = taken_tag
        utc = f.to_utc(local, offset) if offset is not None else None
        if utc is not None and offset is not None:
            data["taken"] = f.aware(local, offset).isoformat()
            data["taken_utc"] = utc.isoformat()
        else:
            data["taken"] = local.isoformat()


def read_metadata(path: Path, hide_position_and_time: bool = False) -> dict[str, Any]:
    """What the photo's EXIF says: camera, lens, software, orientation, size, GPS, time.

    Never raises on a malformed or missing EXIF: ``warnings`` says what was wrong, one
    line per problem, naming the tag. With ``hide_position_and_time`` the GPS IFD and the
    capture times are not read at all (their fields stay None) and ``hidden`` is True; so
    are the camera heading and the IPTC/XMP fields a person wrote (``descriptive``:
    location, caption, keywords, credit). Datetimes are ISO 8601 strings.
    """
    path = Path(path)
    raw = read_raw(path, descriptive=not hide_position_and_time)
    tags, warnings = raw.tags, list(raw.warnings)
    data: dict[str, Any] = {
        "file": path.name,
        "format": raw.format,
        "width": raw.width,
        "height": raw.height,
        "exif_source": raw.source,
        "has_exif": bool(tags),
        "hidden": hide_position_and_time,
    }
    if data["width"] is None:  # Pillow could not open it: fall back on the EXIF's own size
        data["width"] = _guarded("PixelXDimension", warnings,
                                 lambda: f.first_int(tags, (EXIF, f.PIXEL_X)), None)
        data["height"] = _guarded("PixelYDimension", warnings,
                                  lambda: f.first_int(tags, (EXIF, f.PIXEL_Y)), None)
    data.update(
        _camera(raw, tags, warnings),
        # A GPS IFD holding only GPSVersionID is common and says nothing: need a coordinate.
        gps_present=(GPS, f.GPS_LAT) in tags or (GPS, f.GPS_LON) in tags,
        gps_valid=False,
    )
    data.update(dict.fromkeys(GPS_FIELDS + TIME_FIELDS))
    data.update(utc_offset=None, offset_source=None, heading_deg=None, heading_north=None,
                heading_tag=None, descriptive={})
    gps_utc = None
    if not hide_position_and_time:
        gps_utc = _position(tags, data, warnings)
        data["descriptive"] = raw.descriptive
    _capture_time(tags, data, gps_utc, hide_position_and_time, warnings)
    # One line each: reader messages may quote file bytes.
    data["warnings"] = list(dict.fromkeys(" ".join(w.split()) for w in warnings))
    return data
