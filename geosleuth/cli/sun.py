"""``geosleuth sun``: shadow questions on their own, both ways.

``geosleuth sun locus``: a time and a sun measurement in, the places where the sun
stood like that out (a summary, optionally GeoJSON). ``geosleuth sun times``: a place
and a measurement in, the local times that match out; with ``--time``, whether that
time fits the measurement (a wrong clock or an edited file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

sun_app = typer.Typer(
    help="Sun and shadows: where the sun stood like this (locus), or when (times).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(sun_app, name="sun")


def _measurement(
    elevation: float | None, height: float | None, length: float | None,
    bearing: float | None, tolerance: float, bearing_tolerance: float,
) -> Any:
    from geosleuth.errors import BadInputError
    from geosleuth.geo.sun_locus import SunMeasurement

    if elevation is not None:
        if height is not None or length is not None:
            raise BadInputError("give either --elevation or --height and --length, not both")
        azimuth = None if bearing is None else (bearing + 180.0) % 360.0
        return SunMeasurement(elevation, tolerance, azimuth_deg=azimuth,
                              azimuth_tolerance_deg=bearing_tolerance,
                              shadow_bearing_deg=bearing)
    if height is None and length is None:
        raise BadInputError("no measurement: give --elevation, or --height and --length")
    if height is None or length is None:
        raise BadInputError("a shadow needs both --height and --length")
    return SunMeasurement.from_shadow(height, length, tolerance_deg=tolerance,
                                      shadow_bearing_deg=bearing,
                                      azimuth_tolerance_deg=bearing_tolerance)


def _window(time: str | None, date: str | None, hours: str | None, offset: str | None) -> Any:
    from geosleuth.agent.clues import TimeClue
    from geosleuth.errors import BadInputError

    if time is not None and date is not None:
        raise BadInputError("give either --time or --date, not both")
    if time is not None:
        if hours is not None:
            raise BadInputError("--hours goes with --date, not with --time")
        text = f"time: {time}" + (f" offset={offset}" if offset else "")
    elif date is not None:
        text = f"date: {date}" + (f" hours={hours}" if hours else "") + (
            f" offset={offset}" if offset else "")
    else:
        raise BadInputError("no time: give --time 2024-06-21T12:00+02:00 or --date 2024-06-21")
    clue = _parse(text, "--time" if time is not None else "--date")
    assert isinstance(clue, TimeClue)
    return clue.window()


def _parse(text: str, flag: str) -> Any:
    """The clue parser's verdict on a flag's value, its message worded for the flag."""
    from geosleuth.agent.clues import parse_clue
    from geosleuth.errors import BadInputError

    try:
        return parse_clue(text)
    except BadInputError as exc:
        message = str(exc)
        if message.startswith("clue ") and "': " in message:
            message = message.split("': ", 1)[1]
        raise BadInputError(f"{flag}: {message}") from None


@sun_app.command("locus", help="Where on Earth the sun stood as measured, at a time or window.")
def locus_cmd(
    time: str = typer.Option(
        None, "--time", "-t",
        help="Capture time, ISO 8601; with its UTC offset if known.",
    ),
    date: str = typer.Option(
        None, "--date", "-d",
        help="Capture date (YYYY-MM-DD) when the time is unknown.",
    ),
    hours: str = typer.Option(None, "--hours", help="Local hour window with --date, e.g. 14-16."),
    offset: str = typer.Option(
        None, "--offset",
        help="UTC offset (+02:00) for a time or date given without one.",
    ),
    elevation: float = typer.Option(
        None, "--elevation", "-e",
        help="Sun elevation, degrees above the horizon.",
    ),
    height: float = typer.Option(None, "--height", help="Height of an upright object (m)."),
    length: float = typer.Option(
        None, "--length",
        help="Length of its shadow on level ground (m).",
    ),
    bearing: float = typer.Option(
        None, "--bearing",
        help="Direction the shadow points, degrees from north.",
    ),
    tolerance: float = typer.Option(1.5, "--tolerance", help="Elevation tolerance, degrees."),
    bearing_tolerance: float = typer.Option(
        5.0, "--bearing-tolerance",
        help="Bearing tolerance, degrees.",
    ),
    resolution: float = typer.Option(0.1, "--resolution", help="Grid cell size, degrees."),
    geojson: str = typer.Option(
        None, "--geojson",
        help="Write the locus polygons to this GeoJSON file.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary instead of text."),
) -> None:
    import json

    from geosleuth.geo.sun_locus import sun_locus

    meas = _measurement(elevation, height, length, bearing, tolerance, bearing_tolerance)
    window = _window(time, date, hours, offset)
    locus = sun_locus(meas, window, resolution=resolution)
    collection = locus.geojson()
    if geojson is not None:
        Path(geojson).write_text(json.dumps(collection), encoding="utf-8")
    lat_range = locus.lat_range()
    places = _sample_places(locus)
    summary = {
        "measurement": meas.as_dict(),
        "time": window.as_dict(),
        "area_fraction": round(locus.area_fraction(), 6),
        "area_km2": round(locus.area_km2()),
        "lat_range": None if lat_range is None else [round(v, 2) for v in lat_range],
        "samples": places,
        "elapsed_s": round(locus.timings.get("total_s", 0.0), 3),
        "geojson": str(geojson) if geojson is not None else None,
    }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    typer.echo(f"{meas.describe()} at {window.label}")
    if lat_range is None:
        typer.echo("  the sun stands like this nowhere at that time: "
                   "check the time and the measurement")
        return
    typer.echo(f"  latitudes  {_lat(lat_range[0])} to {_lat(lat_range[1])}")
    typer.echo(f"  area       {100 * summary['area_fraction']:.3g}% of the globe "
               f"({summary['area_km2']:,} km²)")
    for place in places:
        typer.echo(f"  e.g.       {place['lat']:.2f}, {place['lon']:.2f}  {place['name']}")
    if geojson is not None:
        typer.echo(f"  polygons   {geojson}")


@sun_app.command("times", help="When the sun stood as measured at a place; or check a time.")
def times_cmd(
    lat: float = typer.Option(..., "--lat", help="Latitude of the place."),
    lon: float = typer.Option(..., "--lon", help="Longitude of the place."),
    date: str = typer.Option(
        None, "--date", "-d",
        help="The day (YYYY-MM-DD): list matching local times.",
    ),
    time: str = typer.Option(
        None, "--time", "-t",
        help="A claimed capture time (e.g. EXIF) to check.",
    ),
    elevation: float = typer.Option(None, "--elevation", "-e", help="Sun elevation, degrees."),
    height: float = typer.Option(None, "--height", help="Height of an upright object (m)."),
    length: float = typer.Option(None, "--length", help="Length of its shadow (m)."),
    bearing: float = typer.Option(
        None, "--bearing",
        help="Direction the shadow points, degrees from north.",
    ),
    tolerance: float = typer.Option(1.5, "--tolerance", help="Elevation tolerance, degrees."),
    bearing_tolerance: float = typer.Option(
        5.0, "--bearing-tolerance",
        help="Bearing tolerance, degrees.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    import json
    from datetime import date as date_cls
    from datetime import datetime

    from geosleuth.agent.clues import TimeClue
    from geosleuth.errors import BadInputError
    from geosleuth.geo.sun_locus import check_time, matching_times
    from geosleuth.geo.timezones import format_offset, localize, utc_offset_at

    meas = _measurement(elevation, height, length, bearing, tolerance, bearing_tolerance)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadInputError(f"({lat}, {lon}) is not a place: latitude -90..90, longitude -180..180")
    check = None
    if time is not None:
        clue = _parse(f"time: {time}", "--time")
        assert isinstance(clue, TimeClue)
        if clue.when is None:
            raise BadInputError(f"--time {time!r} has no time of day; use --date for a whole day")
        when: datetime = localize(lat, lon, clue.when)
        check = check_time(lat, lon, when, meas)
        day = when.date()
    elif date is not None:
        try:
            day = date_cls.fromisoformat(date)
        except ValueError:
            raise BadInputError(f"--date {date!r} is not a date like 2024-06-21") from None
    else:
        raise BadInputError("give --date to list matching times, or --time to check one")
    zone = utc_offset_at(lat, lon, day)
    offset = check.when.utcoffset() if check is not None else zone.offset
    intervals = matching_times(lat, lon, day, offset, meas)
    out = {
        "lat": lat, "lon": lon, "date": day.isoformat(), "zone": zone.zone,
        "utc_offset": format_offset(offset),
        "measurement": meas.as_dict(),
        "matching_local_times": [i.as_dict() for i in intervals],
        "check": None if check is None else check.as_dict(),
    }
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    typer.echo(f"{meas.describe()} at {lat:.4f}, {lon:.4f} ({zone.zone}, "
               f"UTC{out['utc_offset']}) on {day.isoformat()}")
    if intervals:
        for i in intervals:
            typer.echo(f"  {i.start:%H:%M} to {i.end:%H:%M} local time")
    else:
        typer.echo("  at no time of that day")
    if check is not None:
        typer.echo(f"  check: {check.describe()}")


def _lat(value: float) -> str:
    return f"{abs(value):.1f}°{'N' if value >= 0 else 'S'}"


def _sample_places(locus: Any, count: int = 5) -> list[dict[str, Any]]:
    """A few places along the locus, named after the nearest town when the gazetteer's
    index is built (``locate`` builds it), else by their time zone; land first."""
    from geosleuth.geo.timezones import zone_at

    namer = _gazetteer_namer()
    named: list[dict[str, Any]] = []
    sea: list[dict[str, Any]] = []
    for lat, lon in locus.sample_points(count * 8):
        zone = zone_at(lat, lon)
        name = namer(lat, lon) if namer is not None else None
        item = {"lat": round(lat, 3), "lon": round(lon, 3), "name": name or zone}
        (sea if zone.startswith("Etc/") and not name else named).append(item)
    picks = named[:: max(1, len(named) // count)][:count] if named else []
    return picks or sea[:count]


def _gazetteer_namer() -> Any:
    """``(lat, lon) -> str | None`` from the gazetteer, only if its index already exists
    (building it takes a while, too long for a quick summary)."""
    try:
        from geosleuth.geo.gazetteer import Gazetteer, index_path
        from geosleuth.settings import load_settings

        settings, _ = load_settings()
        if not index_path(settings.cache_dir).is_file():
            return None
        gaz = Gazetteer.open(settings.cache_dir)
    except Exception:  # an optional service: without it, places are named by zone
        return None

    def name(lat: float, lon: float) -> str | None:
        try:
            found = gaz.nearest(lat, lon, limit=1, max_km=100.0)
        except Exception:
            return None
        if not found:
            return None
        place, km = found[0]
        return f"{km:.0f} km from {place.name}, {place.country_code}"

    return name
