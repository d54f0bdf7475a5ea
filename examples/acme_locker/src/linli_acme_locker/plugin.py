"""The linli plugin of this package (entry point group "linli" in pyproject.toml)."""

from linli.plugins import hookimpl


@hookimpl
def linli_integrations() -> list[str]:
    """The integration packages this plugin contributes."""
    return ["linli_acme_locker"]
