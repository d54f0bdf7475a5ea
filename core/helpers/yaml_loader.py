"""The YAML loader of the files people write for the hub (``linli.yaml``,
``automations.yaml``, blueprints): PyYAML's safe loader, but with YAML 1.2's numbers.

YAML 1.1 reads ``22:00`` as the base-60 number 1320, so ``at: 22:00`` written without
quotes would be refused as "not a time". Here a number has no colons: ``22:00`` stays text.
"""

from __future__ import annotations

import re
from typing import Final

import yaml

_INT: Final = "tag:yaml.org,2002:int"
_FLOAT: Final = "tag:yaml.org,2002:float"


class SafeLoader(yaml.SafeLoader):
    """yaml.SafeLoader whose ints and floats are YAML 1.1's without base 60."""


SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SafeLoader.add_implicit_resolver(
    _INT,
    re.compile(
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+)$""",
        re.X,
    ),
    list("-+0123456789"),
)
SafeLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
        |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def safe_load(text: str) -> object:
    """The data of ``text``, read with :class:`SafeLoader`."""
    return yaml.load(text, Loader=SafeLoader)
