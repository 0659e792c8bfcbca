"""One typed settings object, and where each value came from.

Precedence: command-line flag > environment (``GEOSLEUTH_<NAME>``) > config file
(TOML, in the platform's user config directory, or ``GEOSLEUTH_CONFIG``) > default.

The layering is written here rather than with pydantic-settings because the
``geosleuth config`` command must say, for every value, which layer it came from, and
pydantic-settings merges its sources without keeping that record.
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from pathlib import Path
from typing import Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from geosleuth.errors import ConfigError

Source = Literal["flag", "env", "file", "default"]
ENV_PREFIX = "GEOSLEUTH_"


def _user_dir(kind: str) -> Path:
    import platformdirs

    getter = {
        "cache": platformdirs.user_cache_dir,
        "data": platformdirs.user_data_dir,
        "config": platformdirs.user_config_dir,
    }[kind]
    return Path(getter("geosleuth", appauthor=False))


class ServerConfig(BaseModel):
    """A named OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str
    model: str | None = None
    api_key: SecretStr | None = None  # the key itself, or:
    api_key_env: str | None = None  # the variable that holds it
    native_tools: bool = True
    vision: bool = True
    json_mode: bool = True
    context_tokens: int = 32_768
    max_image_side: int = 1344


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    backend: str = Field(
        "offline", description="reasoner backend: offline, openai, anthropic, or a named server"
    )
    model: str | None = Field(None, description="model name for the backend")
    openai_api_key: SecretStr | None = Field(
        None, description="OpenAI API key (else OPENAI_API_KEY); never written to a case"
    )
    openai_base_url: str | None = Field(
        None, description="OpenAI endpoint (else OPENAI_BASE_URL, else the SDK's default)"
    )
    anthropic_api_key: SecretStr | None = Field(
        None, description="Anthropic API key (else ANTHROPIC_API_KEY); never written to a case"
    )
    anthropic_base_url: str | None = Field(
        None, description="Anthropic endpoint (else ANTHROPIC_BASE_URL, else the SDK's default)"
    )
    steps: int = Field(12, ge=1, le=200, description="step budget of one investigation path")
    paths: int = Field(1, ge=1, le=32, description="independent investigation paths")
    out: Path = Field(Path("cases"), description="folder that receives case folders")
    cache_dir: Path = Field(
        default_factory=lambda: _user_dir("cache"),
        description="caches (gazetteer index, tool and model calls)",
    )
    data_dir: Path = Field(
        default_factory=lambda: _user_dir("data"), description="imported map extracts"
    )
    cache: bool = Field(True, description="reuse cached tool and model calls")
    network: bool = Field(False, description="allow tools that use the network (online maps)")
    max_pixels: int = Field(
        120_000_000, ge=1, description="refuse images with more pixels (decompression bombs)"
    )
    decode_budget_mb: int = Field(
        256, ge=16,
        description="a photo whose decoded pixels would take more memory (4 bytes a pixel)"
        " is read reduced by the smallest whole factor that fits; the case says so",
    )
    coverage: float = Field(
        0.8, gt=0.0, lt=1.0, description="probability the verdict's radius must hold at least"
    )
    disabled_tools: list[str] = Field(
        default_factory=list, description="tools the reasoner may not use"
    )
    ocr_engine: str = Field("auto", description="OCR engine: auto, rapidocr, tesseract, easyocr")
    language_accuracy: Literal["auto", "high", "low"] = Field(
        "auto", description="lingua: auto (low for Latin), high, low"
    )
    nominatim_url: str = Field(
        "https://nominatim.openstreetmap.org", description="Nominatim endpoint"
    )
    overpass_url: str = Field(
        "https://overpass-api.de/api/interpreter", description="Overpass endpoint"
    )
    contact: str | None = Field(None, description="contact e-mail sent to public map services")
    http_timeout_s: float = Field(20.0, gt=0, description="timeout of one network request")
    send_metadata: bool = Field(False, description="send EXIF fields to a remote model")
    servers: dict[str, ServerConfig] = Field(
        default_factory=dict, description="named OpenAI-compatible servers"
    )
    prices: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="USD per million tokens: {model: {input, output}}"
    )
    max_tokens: int | None = Field(
        None,
        ge=1,
        description="token budget of one path (in + out); a verdict is forced when spent",
    )
    max_cost_usd: float | None = Field(
        None, gt=0, description="cost budget of one path in USD; a verdict is forced when spent"
    )
    model_timeout_s: float = Field(120.0, gt=0, description="timeout of one model request")
    agree_km: float = Field(
        25.0, gt=0, description="parallel paths agree when their verdicts lie this close (km)"
    )
    early_stop_agree: int = Field(
        0, ge=0, description="start this many paths first; skip the rest if they agree (<2: off)"
    )
    max_model_calls: int | None = Field(
        None, ge=1, description="model calls across all paths and the verifier"
    )
    total_tokens: int | None = Field(
        None, ge=1, description="tokens (in + out) across all paths and the verifier"
    )
    total_cost_usd: float | None = Field(
        None, gt=0, description="cost in USD across all paths and the verifier"
    )
    path_temperature: float = Field(
        0.8, ge=0, le=2, description="sampling temperature of the paths after the first"
    )
    calibration: Path | None = Field(
        None, description="calibration map (JSON) applied to the verdict's confidence"
        " (unset: the map shipped with geosleuth, fitted on real photos)"
    )
    tools: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="settings of a clue tool, a [tools.NAME] table (see 'geosleuth tools')",
    )
    calibrate: bool = Field(
        True, description="apply the calibration map to the verdict's confidence"
        " (false: the fusion's own probability)"
    )


def config_path() -> Path:
    explicit = os.environ.get(ENV_PREFIX + "CONFIG")
    return Path(explicit) if explicit else _user_dir("config") / "config.toml"


def _read_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _read_env(environ: dict[str, str], problems: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is None:
            continue
        # Lists and tables are given as JSON in the environment; scalars as they are.
        if field.annotation in (str, Path) or raw[:1] not in "[{":
            values[name] = raw
        else:
            try:
                values[name] = json.loads(raw)
            except json.JSONDecodeError as exc:
                problems.append(f"{ENV_PREFIX}{name.upper()}: not valid JSON ({exc})")
                continue
        if isinstance(values[name], str) and get_origin(field.annotation) is list:
            values[name] = [v.strip() for v in values[name].split(",") if v.strip()]
    return values


def load_settings(
    flags: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
    path: Path | None = None,
) -> tuple[Settings, dict[str, Source]]:
    """Build the settings from the four layers and say where each value came from; the
    first problem (an unknown key, a bad value, a file that is not TOML) is a ConfigError."""
    settings, sources, problems = read_settings(flags, environ, path)
    if problems:
        raise ConfigError(problems[0])
    return settings, sources


def read_settings(
    flags: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
    path: Path | None = None,
) -> tuple[Settings, dict[str, Source], list[str]]:
    """The settings as ``load_settings`` builds them, leaving out what is wrong: each
    unknown key, value that does not validate, or unreadable file is one line in the list
    (with "did you mean" for a misspelt key), and the value below it stands. ``geosleuth
    config`` shows both, so a bad config file can still be looked at."""
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    environ = dict(os.environ) if environ is None else environ
    path = path or config_path()
    problems: list[str] = []
    try:
        from_file = _read_file(path)
    except ConfigError as exc:
        problems.append(str(exc))
        from_file = {}
    layers: list[tuple[Source, dict[str, Any]]] = [
        ("file", from_file),
        ("env", _read_env(environ, problems)),
        ("flag", flags),
    ]
    given: dict[str, list[tuple[Source, Any]]] = {}
    for source, values in layers:
        for key, value in values.items():
            if key not in Settings.model_fields:
                where = path if source == "file" else source
                problems.append(f"{where}: unknown setting {key!r}; "
                                + (_did_you_mean(key, Settings) or "see 'geosleuth config'"))
                continue
            given.setdefault(key, []).append((source, value))
    while True:
        merged = {key: layers_of[-1][1] for key, layers_of in given.items()}
        sources: dict[str, Source] = {name: "default" for name in Settings.model_fields}
        sources |= {key: layers_of[-1][0] for key, layers_of in given.items()}
        try:
            return Settings(**merged), sources, problems
        except ValidationError as exc:
            # a misspelt key in a table comes first: it is why a required key is missing
            err = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
            top = str(err["loc"][0])
            key = ".".join(str(p) for p in err["loc"])
            hint = ""
            if err["type"] == "extra_forbidden" and top == "servers" and len(err["loc"]) == 3:
                hint = "; " + (_did_you_mean(str(err["loc"][2]), ServerConfig)
                               or f"a server takes {', '.join(ServerConfig.model_fields)}")
            problems.append(f"setting {key!r} ({sources.get(top, 'default')}): {err['msg']}{hint}")
            given[top].pop()  # the layer below, or the default, stands
            if not given[top]:
                del given[top]


def _did_you_mean(key: str, model: type[BaseModel]) -> str:
    guess = difflib.get_close_matches(key, list(model.model_fields), n=1)
    return f"did you mean {guess[0]!r}?" if guess else ""
