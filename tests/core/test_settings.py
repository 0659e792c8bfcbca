from pathlib import Path

import pytest

from geosleuth.errors import ConfigError
from geosleuth.settings import load_settings


def test_precedence_flag_env_file_default(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('backend = "file-backend"\nsteps = 5\npaths = 3\n', encoding="utf-8")
    env = {"GEOSLEUTH_STEPS": "7", "GEOSLEUTH_PATHS": "4"}
    settings, sources = load_settings({"paths": 6, "model": None}, environ=env, path=cfg)
    assert settings.backend == "file-backend" and sources["backend"] == "file"
    assert settings.steps == 7 and sources["steps"] == "env"
    assert settings.paths == 6 and sources["paths"] == "flag"
    assert settings.model is None and sources["model"] == "default"
    assert settings.coverage == 0.8 and sources["coverage"] == "default"


def test_env_lists_and_tables(tmp_path: Path) -> None:
    env = {
        "GEOSLEUTH_DISABLED_TOOLS": "ocr_signage, map_search",
        "GEOSLEUTH_SERVERS": '{"lab": {"base_url": "http://127.0.0.1:1/v1", "model": "m"}}',
    }
    settings, _ = load_settings({}, environ=env, path=tmp_path / "none.toml")
    assert settings.disabled_tools == ["ocr_signage", "map_search"]
    assert settings.servers["lab"].model == "m"


def test_unknown_key_in_file_names_file_and_key(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("stepz = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="stepz"):
        load_settings({}, environ={}, path=cfg)


def test_bad_value_says_which_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="steps"):
        load_settings({}, environ={"GEOSLEUTH_STEPS": "many"}, path=tmp_path / "none.toml")


def test_broken_toml(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("steps = = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="TOML"):
        load_settings({}, environ={}, path=cfg)


def test_unknown_key_says_what_was_meant(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('stepz = 5\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings({}, environ={}, path=cfg)
    assert str(info.value) == f"{cfg}: unknown setting 'stepz'; did you mean 'steps'?"
    cfg.write_text('openai_key = "sk"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"did you mean 'openai_api_key'\?$"):
        load_settings({}, environ={}, path=cfg)
    cfg.write_text('zzz = 1\n', encoding="utf-8")  # nothing close: no guess
    with pytest.raises(ConfigError, match=r"unknown setting 'zzz'; see 'geosleuth config'$"):
        load_settings({}, environ={}, path=cfg)
    cfg.write_text('[servers.local]\nbsae_url = "http://127.0.0.1:8000/v1"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^setting 'servers.local.bsae_url' \(file\): .*;"
                                          r" did you mean 'base_url'\?$"):
        load_settings({}, environ={}, path=cfg)


def test_read_settings_leaves_out_what_is_wrong_and_says_so(tmp_path: Path) -> None:
    from geosleuth.settings import read_settings

    cfg = tmp_path / "config.toml"
    cfg.write_text('stepz = 5\nbackend = "openai"\npaths = "many"\n', encoding="utf-8")
    settings, sources, problems = read_settings({}, environ={"GEOSLEUTH_PATHS": "3"}, path=cfg)
    assert settings.backend == "openai" and sources["backend"] == "file"
    assert settings.paths == 3 and sources["paths"] == "env"  # env over file, as always
    assert settings.steps == 12 and sources["steps"] == "default"
    assert problems == [f"{cfg}: unknown setting 'stepz'; did you mean 'steps'?"]
    settings, sources, problems = read_settings({}, environ={}, path=cfg)
    assert settings.paths == 1 and sources["paths"] == "default"  # the bad value left out
    assert problems[1].startswith("setting 'paths' (file): Input should be a valid integer")
    cfg.write_text("steps = = 5\n", encoding="utf-8")
    settings, _, problems = read_settings({}, environ={}, path=cfg)
    assert settings.steps == 12 and len(problems) == 1 and "not valid TOML" in problems[0]
