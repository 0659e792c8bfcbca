"""The EXIF block of a rendered photo: GPS position, altitude, precision, time and
direction in the GPS IFD; capture time, UTC offset, sub-seconds and lens in the Exif IFD;
make, model, software and orientation in IFD0."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

__all__ = ["add_heading", "build_exif"]

# EXIF tag numbers (EXIF 2.32 / CIPA DC-008).
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_MAKE, _MODEL, _ORIENTATION, _SOFTWARE, _DATETIME = 0x010F, 0x0110, 0x0112, 0x0131, 0x0132
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED = 0x9003, 0x9004
_OFFSET_TIME, _OFFSET_TIME_ORIGINAL = 0x9010, 0x9011
_SUBSEC_ORIGINAL, _LENS_MODEL = 0x9291, 0xA434
_PIXEL_X, _PIXEL_Y = 0xA002, 0xA003
_GPS_VERSION, _GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 0, 1, 2, 3, 4
_GPS_ALT_REF, _GPS_ALT, _GPS_TIME, _GPS_DOP, _GPS_DATE, _GPS_H_ERROR = 5, 6, 7, 11, 29, 31
_GPS_IMG_DIR_REF, _GPS_IMG_DIR = 16, 17


def _rational(value: float, denominator: int) -> IFDRational:
    return IFDRational(round(abs(value) * denominator), denominator)


def _dms(degrees: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Degrees as EXIF degrees, minutes, seconds; seconds to 1/10000 (3e-8 degree)."""
    total = Fraction(round(abs(degrees) * 36_000_000), 10_000)  # seconds, exact
    d, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return (IFDRational(int(d), 1), IFDRational(int(m), 1),
            IFDRational(s.numerator * (10_000 // s.denominator), 10_000))


def build_exif(
    *,
    size: tuple[int, int],
    gps: tuple[float, float] | None,
    altitude_m: float | None,
    gps_dop: float | None,
    h_error_m: float | None,
    gps_time: datetime | None,
    taken: datetime | None,
    offset: str | None,
    make: str | None,
    model: str | None,
    lens: str | None,
    software: str | None,
    orientation: int | None,
) -> Image.Exif | None:
    """The EXIF block holding the fields given, or None when none is given."""
    wanted = (gps, altitude_m, gps_dop, h_error_m, gps_time, taken, offset, make, model, lens,
              software, orientation)
    if all(v is None for v in wanted):
        return None
    exif = Image.Exif()
    for tag, value in ((_MAKE, make), (_MODEL, model), (_SOFTWARE, software)):
        if value is not None:
            exif[tag] = value
    if orientation is not None:
        exif[_ORIENTATION] = int(orientation)

    sub = exif.get_ifd(_EXIF_IFD)
    sub[_PIXEL_X], sub[_PIXEL_Y] = size
    if taken is not None:
        if offset is None and taken.utcoffset() is not None:
            minutes = int(taken.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
            sign = "-" if minutes < 0 else "+"
            offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif[_DATETIME] = stamp
        sub[_DATETIME_ORIGINAL] = stamp
        sub[_DATETIME_DIGITIZED] = stamp
        if taken.microsecond:
            sub[_SUBSEC_ORIGINAL] = f"{taken.microsecond // 1000:03d}"
    if offset is not None:
        sub[_OFFSET_TIME] = offset
        sub[_OFFSET_TIME_ORIGINAL] = offset
    if lens is not None:
        sub[_LENS_MODEL] = lens

    gps_ifd: dict[int, object] = {}
    if gps is not None or altitude_m is not None or gps_dop is not None or gps_time is not None:
        gps_ifd[_GPS_VERSION] = b"\x02\x03\x00\x00"
    if gps is not None:
        lat, lon = gps
        gps_ifd[_GPS_LAT_REF] = "S" if lat < 0 else "N"
        gps_ifd[_GPS_LAT] = _dms(lat)
        gps_ifd[_GPS_LON_REF] = "W" if lon < 0 else "E"
        gps_ifd[_GPS_LON] = _dms(lon)
    if altitude_m is not None:
        gps_ifd[_GPS_ALT_REF] = b"\x01" if altitude_m < 0 else b"\x00"
        gps_ifd[_GPS_ALT] = _rational(altitude_m, 100)
    if gps_dop is not None:
        gps_ifd[_GPS_DOP] = _rational(gps_dop, 100)
    if h_error_m is not None:
        gps_ifd[_GPS_H_ERROR] = _rational(h_error_m, 100)
    if gps_time is not None:
        utc = gps_time.astimezone(UTC) if gps_time.tzinfo else gps_time
        seconds = utc.second + utc.microsecond / 1e6
        gps_ifd[_GPS_TIME] = (IFDRational(utc.hour, 1), IFDRational(utc.minute, 1),
                              _rational(seconds, 1000))
        gps_ifd[_GPS_DATE] = utc.strftime("%Y:%m:%d")
    if gps_ifd:  # only now: asking Pillow for the IFD would write an empty one
        exif.get_ifd(_GPS_IFD).update(gps_ifd)
    return exif


def add_heading(exif: Image.Exif | None, heading: float) -> Image.Exif:
    """``exif`` (or a new block) with GPSImgDirection, degrees from true north."""
    exif = exif if exif is not None else Image.Exif()
    exif.get_ifd(_GPS_IFD).update({_GPS_IMG_DIR_REF: "T", _GPS_IMG_DIR: _rational(heading, 100)})
    return exif
