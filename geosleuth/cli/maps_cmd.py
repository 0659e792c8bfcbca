"""``geosleuth maps import|list|remove`` (offline regions) and ``geosleuth map search|nearby|
cooccur|reverse`` (ask the map, offline first, online when network use is on)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

maps_app = typer.Typer(help="Imported OpenStreetMap extracts: import, list, remove.",
                       no_args_is_help=True)
map_app = typer.Typer(help="Ask the map: search, nearby, cooccur, reverse.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(maps_app, name="maps")
    app.add_typer(map_app, name="map")


_JSON = typer.Option(False, "--json", help="Print JSON.")
_DATA = typer.Option(None, "--data-dir", help="Where imported regions live (default: settings).")
_ONLINE = typer.Option(None, "--online/--offline",
                       help="Ask OSM's online services / only imported regions "
                            "(default: regions first, online if network use is on).")
_NETWORK = typer.Option(None, "--network/--no-network", help="Allow network use (online maps).")
_FILES = typer.Argument(..., help="OSM extract files.")
_TAG = typer.Option(None, "--tag", metavar="KEY=VALUE",
                    help="A tag the feature must carry (VALUE * for any); repeatable.")
_PATTERN = typer.Option(..., "--pattern", metavar="PATTERN",
                        help="name=Rathaus,highway=bus_stop or a JSON object; 2 to 5 of them.")


def _settings(data_dir: Path | None, network: bool | None = None) -> Any:
    from geosleuth.settings import load_settings

    settings, _ = load_settings({"data_dir": data_dir, "network": network})
    return settings


def _point(text: str) -> tuple[float, float]:
    from geosleuth.errors import BadInputError

    try:
        lat, lon = (float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        raise BadInputError(f"{text!r} is not LAT,LON (e.g. 47.14,9.52)") from None
    return lat, lon


def _tags(items: list[str] | None) -> dict[str, str]:
    from geosleuth.errors import BadInputError

    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise BadInputError(f"{item!r} is not KEY=VALUE (e.g. amenity=pharmacy, shop=*)")
        out[key.strip()] = value.strip()
    return out


def _pattern(text: str) -> dict[str, Any]:
    """``name=Rathaus,highway=bus_stop`` or a JSON object ``{"name": ..., "tags": {...}}``."""
    import json

    if text.lstrip().startswith("{"):
        return dict(json.loads(text))
    tags = _tags([p for p in text.split(",") if p.strip()])
    name = tags.pop("name", None)
    return {"name": name, "tags": tags} if name else {"tags": tags}


def _clean(text: str | None) -> str:
    """Map text printed on a terminal: control characters shown, not obeyed."""
    if text is None:
        return "-"
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _print_answer(answer: Any, as_json: bool) -> None:
    import json

    if as_json:
        typer.echo(json.dumps({
            "op": answer.op, "source": answer.source, "regions": answer.regions,
            "covered": answer.covered,
            "matches": [m.as_dict() for m in answer.matches],
            "groups": [g.as_dict() for g in answer.groups],
        }, ensure_ascii=False, indent=2))
        return
    if not answer.covered:
        typer.echo("no imported region covers this query and network use is off "
                   "(see 'geosleuth maps import' and --network)")
        return
    where = answer.source if answer.source != "offline" else ", ".join(answer.regions)
    if answer.empty:
        typer.echo(f"no match ({where})")
        return
    for m in answer.matches:
        dist = f"  {m.distance_m:7.0f} m" if m.distance_m is not None else ""
        role = f"{m.role:8s} " if m.role else ""
        kind = next((f"{k}={m.tags[k]}" for k in ("amenity", "shop", "tourism", "highway",
                                                  "railway", "place", "building")
                     if k in m.tags), "")
        typer.echo(f"{role}{m.score:4.2f}  {m.lat:10.6f} {m.lon:11.6f}{dist}  "
                   f"{_clean(m.name)}  [{_clean(kind)}]  {m.osm_type}/{m.osm_id}")
    for g in answer.groups:
        names = " + ".join(_clean(m.name) for m in g.members)
        typer.echo(f"{g.score:4.2f}  {g.lat:10.6f} {g.lon:11.6f}  spread {g.spread_m:5.0f} m  "
                   f"{names}")
    typer.echo(f"({where})")


@maps_app.command("import", help="Import OSM extracts (.osm.pbf, .osm, .osm.gz, .osm.bz2).")
def maps_import(
    files: list[Path] = _FILES,
    name: str | None = typer.Option(None, "--name", help="Region name (one file only)."),
    data_dir: Path | None = _DATA,
    as_json: bool = _JSON,
) -> None:
    import json

    from geosleuth.errors import BadInputError
    from geosleuth.maps.regions import RegionStore

    if name and len(files) > 1:
        raise BadInputError("--name works with one file at a time")
    store = RegionStore(_settings(data_dir).data_dir)
    results = []
    for path in files:
        shown: list[int] = []

        def progress(stage: str, count: int, shown: list[int] = shown) -> None:
            shown.append(count)
            print(f"\r  {stage} {count:,} objects", end="", file=sys.stderr, flush=True)

        info, stats = store.import_file(path, name, progress=None if as_json else progress)
        if shown:
            print(file=sys.stderr)
        results.append({**info.as_dict(), "seconds": round(stats.seconds, 2),
                        "nodes": stats.nodes, "ways": stats.ways, "relations": stats.relations})
        if not as_json:
            typer.echo(f"imported {info.name}: {info.features:,} features ({stats.nodes:,} nodes, "
                       f"{stats.ways:,} ways, {stats.relations:,} relations) in "
                       f"{stats.seconds:.1f} s; index {info.bytes / 1e6:.1f} MB")
    if as_json:
        typer.echo(json.dumps(results, indent=2))


@maps_app.command("list", help="List the imported regions.")
def maps_list(data_dir: Path | None = _DATA, as_json: bool = _JSON) -> None:
    import json

    from geosleuth.maps.regions import RegionStore

    regions = RegionStore(_settings(data_dir).data_dir).list()
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in regions], indent=2))
        return
    if not regions:
        typer.echo("no region imported; use 'geosleuth maps import FILE.osm.pbf'")
        return
    for r in regions:
        box = ", ".join(f"{v:.3f}" for v in r.bbox) if r.bbox else "-"
        typer.echo(f"{r.name:30s} {r.features:9,} features  {r.bytes / 1e6:7.1f} MB  "
                   f"{','.join(r.countries) or '-':10s} [{box}]")


@maps_app.command("remove", help="Remove an imported region.")
def maps_remove(name: str = typer.Argument(...), data_dir: Path | None = _DATA) -> None:
    from geosleuth.maps.regions import RegionStore

    info = RegionStore(_settings(data_dir).data_dir).remove(name)
    typer.echo(f"removed {info.name}")


def _ask(op: str, data_dir: Path | None, network: bool | None, as_json: bool,
         **kwargs: Any) -> None:
    from geosleuth.maps.service import MapService

    answer = MapService(_settings(data_dir, network)).ask(op, **kwargs)
    _print_answer(answer, as_json)


@map_app.command("search", help="Features named like TEXT.")
def map_search(
    text: str = typer.Argument(...),
    near: str | None = typer.Option(None, "--near", help="LAT,LON to search around."),
    radius: float | None = typer.Option(None, "--radius", help="Metres around --near."),
    country: str | None = typer.Option(None, "--country", help="ISO 3166 alpha-2 code."),
    tag: list[str] | None = _TAG,
    limit: int = typer.Option(10, "--limit", min=1, max=50),
    online: bool | None = _ONLINE,
    network: bool | None = _NETWORK,
    data_dir: Path | None = _DATA,
    as_json: bool = _JSON,
) -> None:
    _ask("search", data_dir, network, as_json, text=text, near=_point(near) if near else None,
         radius_m=radius, country=country, tags=_tags(tag), limit=limit, online=online)


@map_app.command("nearby", help="Features with tags or a name within a radius of LAT,LON.")
def map_nearby(
    point: str = typer.Argument(..., help="LAT,LON (put -- before a negative latitude)"),
    radius: float = typer.Option(500.0, "--radius", help="Metres."),
    tag: list[str] | None = _TAG,
    name: str | None = typer.Option(None, "--name", help="A name to look for."),
    limit: int = typer.Option(10, "--limit", min=1, max=50),
    online: bool | None = _ONLINE,
    network: bool | None = _NETWORK,
    data_dir: Path | None = _DATA,
    as_json: bool = _JSON,
) -> None:
    _ask("nearby", data_dir, network, as_json, near=_point(point), radius_m=radius,
         tags=_tags(tag), text=name, limit=limit, online=online)


@map_app.command("cooccur", help="Places where features of every --pattern lie close together.")
def map_cooccur(
    pattern: list[str] = _PATTERN,
    within: float = typer.Option(150.0, "--within", help="Metres between the features."),
    near: str | None = typer.Option(None, "--near", help="LAT,LON of the area."),
    radius: float | None = typer.Option(None, "--radius", help="Metres around --near."),
    limit: int = typer.Option(10, "--limit", min=1, max=50),
    online: bool | None = _ONLINE,
    network: bool | None = _NETWORK,
    data_dir: Path | None = _DATA,
    as_json: bool = _JSON,
) -> None:
    _ask("cooccur", data_dir, network, as_json, patterns=[_pattern(p) for p in pattern],
         within_m=within, near=_point(near) if near else None, radius_m=radius, limit=limit,
         online=online)


@map_app.command("reverse", help="What is at LAT,LON: address, street, place, area.")
def map_reverse(
    point: str = typer.Argument(..., help="LAT,LON (put -- before a negative latitude)"),
    online: bool | None = _ONLINE,
    network: bool | None = _NETWORK,
    data_dir: Path | None = _DATA,
    as_json: bool = _JSON,
) -> None:
    _ask("reverse", data_dir, network, as_json, near=_point(point), online=online)
