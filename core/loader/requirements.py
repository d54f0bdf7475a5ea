"""Check that the Python packages an integration needs are installed in the right version.

The hub does not install anything while it runs: the operator installs an integration (and
so its requirements) with pip; this check says exactly what is missing.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable

from packaging.requirements import Requirement


def requirement_problems(domain: str, requirements: Iterable[str]) -> list[str]:
    """One sentence per requirement of ``domain`` that this environment does not satisfy.

    Requirements whose environment marker excludes this machine (e.g.
    ``; sys_platform == 'win32'``) are skipped.
    """
    problems: list[str] = []
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{domain} needs {text}, which is not installed (pip install '{text}')")
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            problems.append(f"{domain} needs {text}, but {installed} is installed")
    return problems
