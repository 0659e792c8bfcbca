"""Sign benchmark: rendered signs naming real places, through the whole offline pipeline.

    python benchmarks/bench_signs.py                  # 47 places x 3 text heights (~15 min)
    python benchmarks/bench_signs.py --quick          # 12 places (one per script), 1 height
    python benchmarks/bench_signs.py --out ''         # print only, write nothing

For each place of ``PLACES`` (47 real places in 38 countries, 12 scripts) a sign naming
it (alone, with a street or station word, or with a distance) is rendered with Debian's
Noto fonts onto a photo-like background (``geosleuth.testing.signs``: 1024x768, JPEG q85,
every other sign tilted 2 degrees) at text heights of 20, 32 and 48 px, saved as a JPEG
and investigated with ``investigate_photo`` (offline reasoner, tool cache off), as
``geosleuth locate`` does. Nothing here reads /work/shared; nothing is fetched.

Figures, overall, per script and per text height:

* OCR character accuracy = 1 - CER: Levenshtein distance between the NFC text of the lines
  read and the sign text, whitespace left out of both, over the sign text's length,
  clipped at 0.
  ``auto`` is the reading inside the investigation (its ``ocr_signage`` evidence);
  ``rapidocr`` and ``tesseract`` call ``geosleuth_plugins.ocr_signage.reading.read_image``
  with that engine on the same pixels.
* country accuracy: verdict country == the place's country (no answer counts as wrong);
* within 25 km: geodesic distance from the verdict point to the place <= 25 km;
* median wall time of ``investigate_photo`` per photo (the machine is shared: the load
  average is printed).

The tables are printed and written into ``--out`` (benchmarks/signs.md) between the
markers ``<!-- bench_signs:begin -->`` and ``<!-- bench_signs:end -->``; the rest of that
file (the discussion) is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- bench_signs:begin -->", "<!-- bench_signs:end -->"
SIZE = (1024, 768)
TEXT_HEIGHTS = (20, 32, 48)
WITHIN_KM = 25.0


@dataclass(frozen=True)
class Place:
    sign: str  # the sign's text, as it would be written there
    script: str  # as geosleuth.testing.signs names it
    country: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float
    name: str  # English name, for the tables


# Real places; coordinates are the well-known city (or landmark) centres, to about 0.01
# degree, which is far finer than the 25 km the benchmark measures. The sign texts are
# the places' own names in the local language, some with a street word, a station or a
# distance, as signs show them.
PLACES: tuple[Place, ...] = (
    # Latin
    Place("Rua Augusta Lisboa", "Latin", "PT", 38.7105, -9.1366, "Lisbon"),
    Place("ulica Floriańska Kraków", "Latin", "PL", 50.0647, 19.9450, "Kraków"),
    Place("Marienplatz München", "Latin", "DE", 48.1374, 11.5755, "Munich"),
    Place("Göteborg 12 km", "Latin", "SE", 57.7089, 11.9746, "Gothenburg"),
    Place("Rue de la Paix Nantes", "Latin", "FR", 47.2184, -1.5536, "Nantes"),
    Place("Calle Sierpes Sevilla", "Latin", "ES", 37.3891, -5.9845, "Seville"),
    Place("Via Roma Firenze", "Latin", "IT", 43.7696, 11.2558, "Florence"),
    Place("Utrecht Centraal", "Latin", "NL", 52.0894, 5.1100, "Utrecht"),
    Place("Brno 20 km", "Latin", "CZ", 49.1951, 16.6068, "Brno"),
    Place("İzmir Konak", "Latin", "TR", 38.4189, 27.1287, "İzmir"),
    Place("Phố Hàng Bạc Hà Nội", "Latin", "VN", 21.0341, 105.8520, "Hanoi"),
    Place("Avenida Paulista São Paulo", "Latin", "BR", -23.5614, -46.6559, "São Paulo"),
    Place("Andrássy út Budapest", "Latin", "HU", 47.5030, 19.0630, "Budapest"),
    Place("Avenida Constitución Monterrey", "Latin", "MX", 25.6866, -100.3161, "Monterrey"),
    # Cyrillic
    Place("Улица Ленина Москва", "Cyrillic", "RU", 55.7558, 37.6173, "Moscow"),
    Place("Новосибирск", "Cyrillic", "RU", 55.0084, 82.9357, "Novosibirsk"),
    Place("вулиця Хрещатик Київ", "Cyrillic", "UA", 50.4470, 30.5220, "Kyiv"),
    Place("проспект Независимости Минск", "Cyrillic", "BY", 53.9006, 27.5590, "Minsk"),
    Place("бул. Витоша София", "Cyrillic", "BG", 42.6900, 23.3200, "Sofia"),
    Place("Кнез Михаилова Београд", "Cyrillic", "RS", 44.8176, 20.4569, "Belgrade"),
    # Greek
    Place("Οδός Ερμού Αθήνα", "Greek", "GR", 37.9760, 23.7300, "Athens"),
    Place("Θεσσαλονίκη 8 km", "Greek", "GR", 40.6401, 22.9444, "Thessaloniki"),
    Place("Λεμεσός", "Greek", "CY", 34.7071, 33.0226, "Limassol"),
    # Han
    Place("南京东路 上海", "Han", "CN", 31.2360, 121.4800, "Shanghai"),
    Place("成都市 春熙路", "Han", "CN", 30.6570, 104.0800, "Chengdu"),
    Place("臺北車站", "Han", "TW", 25.0478, 121.5170, "Taipei"),
    Place("香港 中環", "Han", "HK", 22.2819, 114.1580, "Hong Kong"),
    # Japanese
    Place("きょうと 京都駅", "Japanese", "JP", 34.9858, 135.7588, "Kyoto"),
    Place("さっぽろ 札幌駅", "Japanese", "JP", 43.0687, 141.3508, "Sapporo"),
    Place("おおさか 大阪城", "Japanese", "JP", 34.6873, 135.5262, "Osaka"),
    # Hangul
    Place("서울역", "Hangul", "KR", 37.5547, 126.9707, "Seoul"),
    Place("부산역", "Hangul", "KR", 35.1151, 129.0422, "Busan"),
    Place("평양", "Hangul", "KP", 39.0392, 125.7625, "Pyongyang"),
    # Arabic (Arabic and Persian)
    Place("شارع الملك فهد الرياض", "Arabic", "SA", 24.7136, 46.6753, "Riyadh"),
    Place("ميدان التحرير القاهرة", "Arabic", "EG", 30.0444, 31.2357, "Cairo"),
    Place("الدار البيضاء", "Arabic", "MA", 33.5731, -7.5898, "Casablanca"),
    Place("شارع الشيخ زايد دبي", "Arabic", "AE", 25.2048, 55.2708, "Dubai"),
    Place("خیابان ولیعصر تهران", "Arabic", "IR", 35.6892, 51.3890, "Tehran"),
    # Hebrew
    Place("ירושלים", "Hebrew", "IL", 31.7683, 35.2137, "Jerusalem"),
    Place("רחוב הרצל חיפה", "Hebrew", "IL", 32.7940, 34.9896, "Haifa"),
    # Thai
    Place("ถนนสุขุมวิท กรุงเทพมหานคร", "Thai", "TH", 13.7563, 100.5018, "Bangkok"),
    Place("เชียงใหม่", "Thai", "TH", 18.7883, 98.9853, "Chiang Mai"),
    # Devanagari
    Place("नई दिल्ली", "Devanagari", "IN", 28.6139, 77.2090, "New Delhi"),
    Place("मुंबई सेंट्रल", "Devanagari", "IN", 18.9690, 72.8205, "Mumbai"),
    Place("काठमाडौं", "Devanagari", "NP", 27.7172, 85.3240, "Kathmandu"),
    # Georgian and Armenian
    Place("რუსთაველის გამზირი თბილისი", "Georgian", "GE", 41.7010, 44.7930, "Tbilisi"),
    Place("Գյումրի", "Armenian", "AM", 40.7894, 43.8475, "Gyumri"),
)


@dataclass
class Row:
    place: Place
    height: int
    read: dict[str, str]  # engine -> text read
    country: str | None
    km: float | None
    seconds: float
    place_names: int  # place names the gazetteer matched in the text


def char_accuracy(read: str, truth: str) -> float:
    """1 - CER of ``read`` against ``truth``, NFC, with whitespace left out of both: the
    OCR joins Thai, Han and kana lines without spaces, and a sign's spacing is layout."""
    a, b = ("".join(unicodedata.normalize("NFC", t).split()) for t in (read, truth))
    return max(0.0, 1.0 - Levenshtein.distance(a, b) / max(1, len(b)))


def _md(text: str) -> str:
    """Text from a photo, quoted and escaped for a Markdown table cell."""
    return json.dumps(text, ensure_ascii=False).replace("|", "\\|").replace("`", "\\`")


def run(places: Iterable[Place], heights: Iterable[int], engines: list[str]) -> list[Row]:
    from geosleuth_plugins.ocr_signage.reading import read_image

    from geosleuth.cases.runner import investigate_photo
    from geosleuth.geo.distance import geodesic_km
    from geosleuth.settings import load_settings
    from geosleuth.testing.signs import sign_photo

    settings = load_settings()[0].model_copy(update={"cache": False})
    rows: list[Row] = []
    heights = list(heights)
    with tempfile.TemporaryDirectory(prefix="bench-signs-") as tmp:
        for i, place in enumerate(places):
            for height in heights:
                photo = sign_photo(place.sign, place.script, size=SIZE, text_px=height,
                                   seed=i * 7 + height, palette=i, tilt_deg=2.0 * (i % 2))
                path = Path(tmp) / f"{i}-{height}.jpg"
                photo.image.save(path, quality=85)
                t0 = time.perf_counter()
                record = investigate_photo(path, settings).record
                took = time.perf_counter() - t0
                evidence = record["evidence"]
                read = {"auto": " ".join(line["text"] for e in evidence
                                         if e["tool"] == "ocr_signage"
                                         for line in e["data"].get("lines", []))}
                if engines:
                    from PIL import Image

                    with Image.open(path) as im:
                        pixels = im.convert("RGB")
                    for name in engines:
                        lines = read_image(pixels, choice=name).lines
                        read[name] = " ".join(line.text for line in lines)
                v = record["verdict"]
                km = (geodesic_km(v["lat"], v["lon"], place.lat, place.lon)
                      if v["lat"] is not None else None)
                names = sum(1 for e in evidence if e["tool"] == "text_clues"
                            and e["data"].get("clue") == "place_name")
                rows.append(Row(place, height, read, v["country_code"], km, took, names))
                ok = "ok" if v["country_code"] == place.country else "WRONG"
                print(f"  {place.name} {height}px: {ok} {v['country_code']} "
                      f"{'-' if km is None else f'{km:.0f} km'} {took:.1f} s "
                      f"read {read['auto']!r}", file=sys.stderr, flush=True)
    return rows


def _pct(values: list[bool]) -> str:
    return f"{100 * sum(values) / len(values):.0f} %" if values else "–"


def _mean(values: list[float]) -> str:
    return f"{statistics.mean(values):.2f}" if values else "–"


def tables(rows: list[Row], engines: list[str]) -> str:
    names = ["auto", *engines]
    out: list[str] = []
    countries = sorted({r.place.country for r in rows})
    scripts = list(dict.fromkeys(r.place.script for r in rows))
    heights = sorted({r.height for r in rows})
    out.append(f"{len({r.place for r in rows})} places in {len(countries)} countries, "
               f"{len(scripts)} scripts, text heights {', '.join(f'{h} px' for h in heights)}: "
               f"{len(rows)} photos of {SIZE[0]}x{SIZE[1]}. Load average at the end: "
               f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n")

    def block(title: str, key: str, groups: list[tuple[str, list[Row]]]) -> None:
        out.append(f"\n### {title}\n")
        out.append(f"| {key} | photos | " + " | ".join(f"OCR {n}" for n in names)
                   + " | country | within 25 km | median s |")
        out.append("|---|---|" + "---|" * len(names) + "---|---|---|")
        for label, group in groups:
            ocr = [_mean([char_accuracy(r.read[n], r.place.sign) for r in group])
                   for n in names]
            ok = [r.country == r.place.country for r in group]
            near = [r.km is not None and r.km <= WITHIN_KM for r in group]
            secs = statistics.median(r.seconds for r in group)
            out.append(f"| {label} | {len(group)} | " + " | ".join(ocr)
                       + f" | {_pct(ok)} | {_pct(near)} | {secs:.1f} |")

    block("Overall", "set", [("**all**", rows)])
    block("Per script", "script",
          [(s, [r for r in rows if r.place.script == s]) for s in scripts])
    block("Per text height", "text height",
          [(f"{h} px", [r for r in rows if r.height == h]) for h in heights])

    out.append("\n### Every photo whose country was wrong or whose verdict was over 25 km "
               "away\n")
    out.append("| place | country | text height | sign | read (auto) | verdict country "
               "| distance | place names matched |")
    out.append("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r.country == r.place.country and r.km is not None and r.km <= WITHIN_KM:
            continue
        dist = "no answer" if r.km is None else f"{r.km:,.0f} km"
        out.append(f"| {r.place.name} | {r.place.country} | {r.height} px | "
                   f"{_md(r.place.sign)} | {_md(r.read['auto'])} | {r.country or '–'} | "
                   f"{dist} | {r.place_names} |")
    return "\n".join(out) + "\n"


def write(path: Path, body: str, command: str) -> None:
    block = (f"{BEGIN}\nMeasured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
             f"`{command}`.\n\n{body}{END}")
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        new = head + block + rest.split(END, 1)[1]
    else:
        new = (old or "# Signs to countries: measured figures\n\n") + block + "\n"
    path.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="one place per script, text height 32 px only")
    parser.add_argument("--heights", type=int, nargs="+", default=list(TEXT_HEIGHTS))
    parser.add_argument("--engines", nargs="*", default=["rapidocr", "tesseract"],
                        help="engines read separately besides auto (none: skip)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "signs.md"),
                        help="Markdown file to write the tables into ('' for none)")
    args = parser.parse_args()
    places: list[Place] = list(PLACES)
    heights = args.heights
    if args.quick:
        places = list({p.script: p for p in reversed(PLACES)}.values())[::-1]
        heights = [32]
    rows = run(places, heights, list(args.engines))
    body = tables(rows, list(args.engines))
    print(body)
    if args.out:
        command = "python benchmarks/bench_signs.py " + " ".join(sys.argv[1:])
        write(Path(args.out), body, command.strip())
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
