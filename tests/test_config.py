"""Loading and validating linli.yaml: every problem reported with its file and line."""

import logging
import re
import textwrap
from pathlib import Path

import pytest

from linli.config import CONFIG_FILE, DEFAULT_CONFIG, HomeZone, HubConfig, load_config
from linli.exceptions import ConfigError
from linli.testing.plugin import HubFactory

VALID = """\
community:
  name: 阳光花园
  time_zone: Asia/Urumqi
  language: en
database:
  url: postgresql+psycopg://linli:secret@db.example.com/linli
http:
  host: 127.0.0.1
  port: 8300
logging:
  level: WARNING
integrations:
  mqtt:
    broker: mqtt.example.com
  demo:
"""


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_FILE).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def problems(folder: Path) -> str:
    """The message of the ConfigError that loading ``folder`` raises."""
    with pytest.raises(ConfigError) as caught:
        load_config(folder)
    return str(caught.value)


def test_valid_file_gives_every_field(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, VALID))
    assert config == HubConfig(
        config_dir=tmp_path.resolve(),
        name="阳光花园",
        time_zone="Asia/Urumqi",
        language="en",
        database_url="postgresql+psycopg://linli:secret@db.example.com/linli",
        http_host="127.0.0.1",
        http_port=8300,
        log_level="warning",
        integrations={"mqtt": {"broker": "mqtt.example.com"}, "demo": {}},
    )


def test_only_the_name_is_required(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "community:\n  name: 阳光花园\n"))
    assert config.name == "阳光花园"
    assert (config.time_zone, config.language) == ("Asia/Shanghai", "zh-Hans")
    assert (config.http_host, config.http_port, config.log_level) == ("0.0.0.0", 8123, "info")
    assert config.integrations == {}


def test_default_database_is_sqlite_in_the_config_folder(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "config", "community:\n  name: x\n"))
    assert config.database_url == f"sqlite:///{tmp_path.resolve() / 'config' / 'linli.db'}"


def test_relative_sqlite_path_is_taken_from_the_config_folder(tmp_path: Path) -> None:
    folder = write(tmp_path, "community: {name: x}\ndatabase: {url: 'sqlite:///data/x.db'}\n")
    assert load_config(folder).database_url == f"sqlite:///{tmp_path.resolve()}/data/x.db"


def test_plain_postgresql_url_uses_psycopg(tmp_path: Path) -> None:
    folder = write(tmp_path, "community: {name: x}\ndatabase: {url: 'postgresql://u:p@h/db'}\n")
    assert load_config(folder).database_url == "postgresql+psycopg://u:p@h/db"


def test_empty_sections_mean_defaults(tmp_path: Path) -> None:
    folder = write(tmp_path, "community:\n  name: x\ndatabase:\nhttp:\nlogging:\nintegrations:\n")
    assert load_config(folder).http_port == 8123


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            """\
            community:
              name: 阳光花园
              time_zone: Asia/Shangai
            """,
            ", line 3, column 3: community.time_zone: unknown time zone 'Asia/Shangai'; "
            "did you mean 'Asia/Shanghai'?",
            id="bad time zone",
        ),
        pytest.param(
            """\
            community:
              name: 阳光花园
              nmae: typo
            """,
            ", line 3, column 3: community.nmae: unknown option; did you mean 'name'?",
            id="unknown option",
        ),
        pytest.param(
            "community:\n  name: x\nplugins: {}\n",
            ", line 3, column 1: plugins: unknown section; expected one of community, database, "
            "http, logging, discovery, recorder, alarms, integrations",
            id="unknown section",
        ),
        pytest.param(
            "community:\n  name: x\nhttp:\n  port: '8123'\n",
            ", line 4, column 3: http.port: expected a port number from 1 to 65535, got '8123'",
            id="wrong type",
        ),
        pytest.param(
            "community:\n  name: x\nrecorder:\n  keep_days: 0\n",
            ", line 4, column 3: recorder.keep_days: expected a number above 0 and at most 3650, "
            "got 0",
            id="keep nothing",
        ),
        pytest.param(
            "community:\n  name: x\nrecorder:\n  max_backlog: 1.5\n",
            ", line 4, column 3: recorder.max_backlog: expected a whole number, got 1.5",
            id="fractional backlog",
        ),
        pytest.param(
            "community:\n  name: x\nrecorder:\n  exclude_entities: [Sensor.Noisy]\n",
            ", line 4, column 3: recorder.exclude_entities: expected entity ids, got "
            "'Sensor.Noisy'",
            id="bad entity id",
        ),
        pytest.param(
            "community:\n  name: x\nhttp:\n  port: 70000\n",
            ", line 4, column 3: http.port: expected a port number from 1 to 65535, got 70000",
            id="port out of range",
        ),
        pytest.param(
            "community:\n  name: x\n  language: fr\n",
            ", line 3, column 3: community.language: expected zh-Hans or en, got 'fr'",
            id="bad language",
        ),
        pytest.param(
            "community:\n  time_zone: Asia/Shanghai\n",
            ", line 1, column 1: community.name: required option is missing",
            id="missing name",
        ),
        pytest.param(
            "http:\n  port: 8123\n",
            ", line 1, column 1: community: required section is missing",
            id="missing community",
        ),
        pytest.param(
            "community:\n  name: x\nhttp: 8123\n",
            ", line 3, column 1: http: expected options under it (name: value), got 8123",
            id="section is not a mapping",
        ),
        pytest.param(
            "community:\n  name: x\n  name: y\n",
            ", line 3, column 3: community.name: written twice (also on line 2); remove one",
            id="duplicate key",
        ),
        pytest.param(
            "community:\n  name: x\ndatabase:\n  url: mysql://u:p@h/db\n",
            ", line 4, column 3: database.url: unsupported database 'mysql'",
            id="unsupported database",
        ),
        pytest.param(
            "community:\n  name: x\nintegrations:\n  Bad-Domain: {}\n",
            ", line 4, column 3: integrations.Bad-Domain: an integration's domain is lower-case",
            id="bad integration domain",
        ),
        pytest.param(
            "community:\n  name: [阳光\n",
            ", line 3, column 1: invalid YAML: while parsing a flow sequence (line 2), "
            "expected ',' or ']'",
            id="YAML syntax",
        ),
        pytest.param(
            "community:\n\tname: x\n",
            ", line 2, column 1: invalid YAML: found character '\\t' that cannot start any token "
            "(indent with spaces, not tabs)",
            id="tab",
        ),
        pytest.param(
            "- community\n- http\n",
            ", line 1: expected sections (community:, http:, …) at the top of the file, got a list",
            id="not a mapping",
        ),
        pytest.param(
            "# everything commented out\n",
            " has no settings: it needs at least `community:` with `name:`",
            id="empty",
        ),
    ],
)
def test_problem_is_reported_with_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    message = problems(write(tmp_path, text))
    assert f"{tmp_path.resolve() / CONFIG_FILE}{expected}" in message


def test_every_problem_is_reported_at_once_in_file_order(tmp_path: Path) -> None:
    message = problems(
        write(
            tmp_path,
            """\
            logging:
              level: loud
            community:
              name: 阳光花园
              time_zone: Asia/Shangai
            http:
              port: 0
            """,
        )
    )
    assert message.startswith("Invalid configuration (3 problems):\n")
    lines = message.splitlines()[1:]
    assert [re.search(r", line (\d+), column", line)[1] for line in lines] == ["2", "5", "7"]
    assert "logging.level: expected debug, info, warning or error, got 'loud'" in lines[0]


def test_database_password_is_never_echoed(tmp_path: Path) -> None:
    folder = write(tmp_path, "community: {name: x}\ndatabase: {url: 'nonsense://u:hunter2@h:x'}\n")
    message = problems(folder)
    assert "database.url: not a database URL" in message
    assert "hunter2" not in message


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_bytes("community:\n  name: 阳光花园\n".encode("gbk"))
    message = problems(tmp_path)
    assert f"{tmp_path.resolve() / CONFIG_FILE}, line 2: not UTF-8 text" in message


def test_utf8_with_byte_order_mark_is_fine(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_bytes("community:\n  name: 阳光花园\n".encode("utf-8-sig"))
    assert load_config(tmp_path).name == "阳光花园"


def test_missing_file_is_an_error_without_create(tmp_path: Path) -> None:
    message = problems(tmp_path)
    assert message.startswith(f"No configuration file {tmp_path.resolve() / CONFIG_FILE}")
    assert not (tmp_path / CONFIG_FILE).exists()


def test_missing_file_is_created_with_defaults(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "new" / "config"
    with caplog.at_level(logging.INFO, logger="linli.config"):
        config = load_config(folder, create=True)
    path = folder.resolve() / CONFIG_FILE
    assert path.read_text(encoding="utf-8") == DEFAULT_CONFIG
    assert f"Created the default configuration {path}" in caplog.text
    assert config.name == "我的小区"
    assert config.database_url == f"sqlite:///{folder.resolve() / 'linli.db'}"


def test_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    write(tmp_path, "community:\n  name: 阳光花园\n")
    assert load_config(tmp_path, create=True).name == "阳光花园"


def test_config_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("not a folder")
    with pytest.raises(ConfigError, match="Cannot create the default configuration file"):
        load_config(tmp_path / "config", create=True)


def test_discovery_can_be_limited_or_switched_off(tmp_path: Path) -> None:
    (tmp_path / "linli.yaml").write_text(
        "community:\n  name: x\ndiscovery:\n  enabled: false\n  interfaces: [127.0.0.1]\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    assert config.discovery is False
    assert config.discovery_interfaces == ("127.0.0.1",)

    (tmp_path / "linli.yaml").write_text(
        "community:\n  name: x\ndiscovery:\n  interfaces: [eth0]\n", encoding="utf-8"
    )
    expected = r"line 4, column 3: discovery\.interfaces: expected an IP address, got 'eth0'"
    with pytest.raises(ConfigError, match=expected):
        load_config(tmp_path)


def test_recorder_settings(tmp_path: Path) -> None:
    write(
        tmp_path,
        """\
        community:
          name: x
        recorder:
          commit_interval: 0.5
          keep_days: 30
          keep_days_protected: 3
          exclude_event_types: [call_service]
          exclude_entities: [sensor.noisy_meter]
        """,
    )
    recorder = load_config(tmp_path).recorder
    assert recorder.commit_interval == 0.5
    assert (recorder.keep_days, recorder.keep_days_protected) == (30, 3)
    assert recorder.exclude_event_types == ("call_service",)
    assert recorder.exclude_entities == ("sensor.noisy_meter",)
    assert recorder.max_backlog == 100_000  # the default


def test_the_communitys_place_is_its_home_zone(tmp_path: Path) -> None:
    text = "community:\n  name: x\n  latitude: 31.2304\n  longitude: 121.4737\n  radius: 300\n"
    assert load_config(write(tmp_path, text)).home == HomeZone(31.2304, 121.4737, 300)
    text = "community:\n  name: x\n  latitude: 31.2304\n  longitude: 121.4737\n"
    assert load_config(write(tmp_path, text)).home == HomeZone(31.2304, 121.4737, 100.0)
    assert load_config(write(tmp_path, "community:\n  name: x\n")).home is None


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (
            "  latitude: 31.2\n",
            "line 3, column 3: community.latitude: the community's place needs both latitude "
            "and longitude",
        ),
        (
            "  latitude: 121.47\n  longitude: 31.23\n",
            "line 3, column 3: community.latitude: expected degrees from -90 to 90, got 121.47",
        ),
        (
            "  latitude: 31.2\n  longitude: 121.4\n  radius: 0\n",
            "community.radius: expected a number above 0 and at most 10000, got 0",
        ),
    ],
)
def test_a_wrong_place_is_named(tmp_path: Path, place: str, expected: str) -> None:
    assert expected in problems(write(tmp_path, "community:\n  name: x\n" + place))


async def test_the_hub_writes_the_home_zone_at_start(hub_factory: HubFactory) -> None:
    hub = await hub_factory(home=HomeZone(31.2304, 121.4737, 300))
    zone = hub.states.get("zone.home")
    assert zone is not None
    assert (zone.attributes["latitude"], zone.attributes["radius"]) == (31.2304, 300)
