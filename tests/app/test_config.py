"""Ensure settings resolve from defaults, the TOML file and the environment, in that order,
and that every setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app import config
from counter_app.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_file_and_environment_in_order(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('data_dir = "/srv/counter"\n[journal]\nkey_store = "keyring"\n'
                    "clock_max_skew_s = 60\n", encoding="utf-8")
    cfg = config.load(path, env={"COUNTER_APP_JOURNAL_CLOCK_MAX_SKEW_S": "90"})
    assert cfg["journal.key_store"] == "keyring" and cfg.sources["journal.key_store"] == str(path)
    assert cfg["journal.clock_max_skew_s"] == 90
    assert cfg.sources["journal.clock_max_skew_s"] == "COUNTER_APP_JOURNAL_CLOCK_MAX_SKEW_S"
    assert cfg["log.level"] == "INFO" and cfg.sources["log.level"] == "default"
    assert cfg.data_dir == Path("/srv/counter")


def test_command_line_wins(tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    cfg = config.load(empty, env={"COUNTER_APP_DATA_DIR": "/a"}, overrides={"data_dir": "/b"})
    assert cfg.data_dir == Path("/b")


@pytest.mark.parametrize("text, env, fragment", [
    ("[journal]\nkey_store = 'vault'\n", {}, "journal.key_store"),
    ("[journal\n", {}, "格式错误"),
    ("colour = 'red'\n", {}, "未知的配置项"),
    ("", {"COUNTER_APP_JOURNAL_CLOCK_MAX_SKEW_S": "soon"}, "journal.clock_max_skew_s"),
    ("", {"COUNTER_APP_LOG_LEVEL": "LOUD"}, "log.level"),
])
def test_bad_values_name_the_setting(tmp_path, text, env, fragment):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=fragment.replace(".", r"\.")):
        config.load(path, env=env)


def test_a_named_file_must_exist_the_default_one_need_not(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="找不到配置文件"):
        config.load(tmp_path / "none.toml", env={})
    monkeypatch.setenv("COUNTER_APP_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match="gone.toml"):
        config.load(env={})
    monkeypatch.delenv("COUNTER_APP_CONFIG")
    monkeypatch.setattr(config, "default_config_file", lambda: tmp_path / "never-written.toml")
    assert config.load(env={})["log.level"] == "INFO"


def test_every_setting_has_help_and_the_docs_are_current():
    for setting in config.settings():
        assert len(setting.help) > 20, setting.key
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == config.render_docs(), "run: counter-app config docs > docs/configuration.md"
