"""Which ladder an alarm climbs: configured in linli.yaml per alarm type or severity, else
the default for its severity; a wrong ladder is reported with its line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alarm_people import Family

from linli.alarms.ladder import DEFAULT_LADDERS, Rung, Step, ladder_for
from linli.alarms.model import Severity
from linli.config import AlarmsConfig, load_config
from linli.exceptions import ConfigError
from linli.plugins import PluginManager
from linli.testing import fire_time_changed
from linli.testing.plugin import HubFactory

YAML = """\
community:
  name: 幸福小区
alarms:
  ladders:
    sos:
      - {notify: household, timeout: 30}
      - {notify: security, timeout: 30}
    warning:
      - notify: security
  external:
    - {channel: webhook, to: "+8613800000000"}
  phone_channels: [webhook]
  webhook:
    url: https://sms.example.com/linli
    secret: s3cret
  retries: 2
"""


def test_the_ladder_of_an_alarm() -> None:
    ladders = {"sos": (Step(Rung.security, 10),), "major": (Step(Rung.household, 5),)}
    assert ladder_for(ladders, "sos", Severity.minor) == ladders["sos"]
    assert ladder_for(ladders, "fall", Severity.major) == ladders["major"]
    assert ladder_for(ladders, "fall", Severity.critical) == DEFAULT_LADDERS[Severity.critical]
    assert [step.notify for step in DEFAULT_LADDERS[Severity.critical]] == list(Rung)
    assert {step.timeout for step in DEFAULT_LADDERS[Severity.critical]} == {60}


def test_the_alarms_section(tmp_path: Path) -> None:
    (tmp_path / "linli.yaml").write_text(YAML, encoding="utf-8")
    settings = load_config(tmp_path).alarms
    assert settings.ladders == {
        "sos": (Step(Rung.household, 30), Step(Rung.security, 30)),
        "warning": (Step(Rung.security, 60),),
    }
    assert [(c.channel, c.to) for c in settings.external] == [("webhook", "+8613800000000")]
    assert settings.phone_channels == ("webhook",)
    assert (settings.webhook.url, settings.webhook.secret) == (
        "https://sms.example.com/linli",
        "s3cret",
    )
    assert (settings.retries, settings.retry_delay) == (2, 5.0)
    (tmp_path / "linli.yaml").write_text("community: {name: x}\n", encoding="utf-8")
    assert load_config(tmp_path).alarms == AlarmsConfig()


def test_a_wrong_ladder_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "linli.yaml").write_text(
        """\
community:
  name: 幸福小区
alarms:
  ladders:
    sos:
      - {notify: household, timeout: 30}
      - {notify: neighbours}
      - {notify: security, timeout: 0, after: 5}
    Fall: []
  external: [110]
  webhook: {url: "ftp://x"}
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    problems = str(raised.value).splitlines()[1:]
    assert [problem.split("linli.yaml, ")[1] for problem in problems] == [
        "line 7, column 10: alarms.ladders.sos.1.notify: expected household, caregivers, "
        "security or external, got 'neighbours'",
        "line 8, column 28: alarms.ladders.sos.2.timeout: expected a number above 0 and at "
        "most 86400, got 0",
        "line 8, column 40: alarms.ladders.sos.2.after: unknown option; expected notify or timeout",
        "line 9, column 5: alarms.ladders.Fall: an alarm type is lower-case letters, digits "
        "and underscores",
        "line 10, column 14: alarms.external.0: expected a contact such as {channel: webhook, "
        'to: "+8613800000000"}, got 110',
        "line 11, column 3: alarms.webhook.secret: required option is missing",
        "line 11, column 13: alarms.webhook.url: expected an http:// or https:// URL, got "
        "'ftp://x'",
    ]


async def test_a_configured_ladder_is_climbed(
    hub_factory: HubFactory, plugins: PluginManager
) -> None:
    settings = AlarmsConfig(ladders={"sos": (Step(Rung.household, 30), Step(Rung.security, 30))})
    hub = await hub_factory(plugins=plugins, alarms=settings)
    family = Family(hub)
    alarm = family.sos()
    fire_time_changed(hub, timedelta(seconds=30))
    assert hub.alarms.get(alarm.id).escalation_step == 1
    assert hub.alarms.get(alarm.id).next_escalation_at is None  # the desk is the last step
    [daughter, guard] = await family.told(family.daughter, family.guard)
    assert (len(daughter), len(guard)) == (0, 1)  # no caregivers' step in this ladder
