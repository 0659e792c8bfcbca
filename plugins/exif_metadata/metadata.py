"""``read_metadata``: everything the EXIF of a photo says, as one JSON-safe dict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geosleuth_plugins.exif_metadata import fields as f
from geosleuth_plugins.exif_metadata.reading import EXIF, GPS, IFD0, read_raw

# Horizontal precision assumed when the file states none (metres, 95 %): phones fuse GPS
# with Wi-Fi and cell positions; stand-alone cameras' receivers are usually coarser.
DEFAULT_PRECISION_PHONE_M = 30.0
DEFAULT_PRECISION_CAMERA_M = 50.0
MIN_PRECISION_M = 10.0
DOP_TO_METRES = 5.0  # metres of horizontal error per unit of dilution of precision

GPS_FIELDS = ("lat", "lon", "altitude_m", "gps_dop", "h_error_m", "precision_m",
              "precision_source", "gps_time_utc")
TIME_FIELDS = ("taken", "taken_tag", "taken_utc")


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


def read_metadata(path: Path, hide_position_and_time: bool = False) -> dict[str, Any]:
    """What the photo's EXIF says: camera, lens, software, orientation, size, GPS, time.

    Never raises on a malformed or missing EXIF: ``warnings`` says what was wrong. With
    ``hide_position_and_time`` the GPS IFD and the capture times are not read at all
    (their fields stay None) and ``hidden`` is True; so are the camera heading and the
    IPTC/XMP fields a person wrote (``descriptive``: location, caption, keywords, credit).
    Datetimes are ISO 8601 strings.
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
    make = f.clean_text(tags.get((IFD0, f.MAKE)))
    model = f.clean_text(tags.get((IFD0, f.MODEL)))
    lens = f.clean_text(tags.get((EXIF, f.LENS_MODEL)))
    lens_make = f.clean_text(tags.get((EXIF, f.LENS_MAKE)))
    if lens and lens_make and lens_make.lower() not in lens.lower():
        lens = f"{lens_make} {lens}"
    software = f.clean_text(tags.get((IFD0, f.SOFTWARE)))
    orientation = raw.heif_orientation or f.first_int(tags, (IFD0, f.ORIENTATION))
    if orientation is not None and orientation not in range(1, 9):
        warnings.append(f"Orientation {orientation} is not 1..8; ignored")
        orientation = None
    if data["width"] is None:  # Pillow could not open it: fall back on the EXIF's own size
        data["width"] = f.first_int(tags, (EXIF, f.PIXEL_X))
        data["height"] = f.first_int(tags, (EXIF, f.PIXEL_Y))
    data.update(
        make=make,
        model=model,
        camera=f.camera_name(make, model),
        phone=f.is_phone(make, model),
        lens=lens,
        software=software,
        edited_with=f.editor_of(software),
        orientation=orientation,
        # A GPS IFD holding only GPSVersionID is common and says nothing: need a coordinate.
        gps_present=(GPS, f.GPS_LAT) in tags or (GPS, f.GPS_LON) in tags,
        gps_valid=False,
    )
    data.update(dict.fromkeys(GPS_FIELDS + TIME_FIELDS))
    data.update(utc_offset=None, offset_source=None, heading_deg=None, heading_north=None,
                heading_tag=None, descriptive={})

    gps_utc = None
    if not hide_position_and_time:
        lat, lon, valid = f.read_position(tags, warnings)
        gps_utc = f.read_gps_time(tags, warnings)
        data.update(
            lat=None if lat is None else round(lat, 8),  # 1 mm; drops float noise
            lon=None if lon is None else round(lon, 8),
            gps_valid=valid,
            altitude_m=f.read_altitude(tags, warnings),
            gps_dop=f.first_number(tags, (GPS, f.GPS_DOP), "GPSDOP", warnings),
            h_error_m=f.first_number(tags, (GPS, f.GPS_H_ERROR), "GPSHPositioningError",
                                      warnings),
            gps_time_utc=gps_utc.isoformat() if gps_utc else None,
        )
        heading, north, heading_tag = f.read_heading(tags, warnings)
        data.update(heading_deg=heading, heading_north=north, heading_tag=heading_tag,
                    descriptive=raw.descriptive)
        if valid:
            data["precision_m"], data["precision_source"] = _precision(data, warnings)
            status = f.clean_text(tags.get((GPS, f.GPS_STATUS)))
            if status and status.upper().startswith("V"):
                warnings.append("GPSStatus is V (measurement void): the position may be stale")

    # When time is hidden its warnings are dropped too (they could quote the hidden time),
    # and so is the UTC offset: it is a time tag, and it gives away a band of longitudes.
    time_warnings = [] if hide_position_and_time else warnings
    local, taken_tag, offset, offset_tag = f.read_capture_time(tags, time_warnings)
    if offset is None and local is not None and gps_utc is not None:
        offset = f.offset_from_gps_time(local, gps_utc)
        offset_tag = "GPS time vs local time" if offset is not None else None
    if offset is not None and not hide_position_and_time:
        data["utc_offset"], data["offset_source"] = f.format_offset(offset), offset_tag
    if local is not None and not hide_position_and_time:
        data["taken_tag"] = taken_tag
        if offset is not None:
            stamp = f.aware(local, offset)
            data["taken"] = stamp.isoformat()
            data["taken_utc"] = stamp.astimezone(f.UTC).isoformat()
        else:
            data["taken"] = local.isoformat()
    # One line each: reader messages may quote file bytes.
    data["warnings"] = list(dict.fromkeys(" ".join(w.split()) for w in warnings))
    return data
