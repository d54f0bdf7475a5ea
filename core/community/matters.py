"""The matters owners decide together (PRC Civil Code art. 278) and the bar each sets.

Every matter needs the same quorum: owners holding at least 2/3 of the total exclusive area
and at least 2/3 of all owners take part. Raising the maintenance fund, rebuilding, and
changing the use of common parts or using them for a business then need at least 3/4 of
the participating area and owners to agree; every other matter more than half of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Final


@dataclass(frozen=True, slots=True)
class Bar:
    """A share a part must reach of its whole: at least ``share``, or more than it."""

    share: Fraction
    strict: bool  # True: more than the share; False: at least the share

    def met(self, part: int, whole: int) -> bool:
        """Whether ``part`` of ``whole`` reaches the bar (never when the whole is 0)."""
        if whole == 0:
            return False
        reached = Fraction(part, whole)
        return reached > self.share if self.strict else reached >= self.share

    def __str__(self) -> str:
        return f"{'more than' if self.strict else 'at least'} {self.share}"


QUORUM: Final = Bar(Fraction(2, 3), strict=False)
MAJORITY: Final = Bar(Fraction(1, 2), strict=True)
SUPERMAJORITY: Final = Bar(Fraction(3, 4), strict=False)


class Matter(StrEnum):
    """The items of art. 278, paragraph 1 (item 8 is two matters: a use, a business)."""

    procedural_rules = "procedural_rules"
    management_statute = "management_statute"
    elect_committee = "elect_committee"
    hire_manager = "hire_manager"
    use_maintenance_fund = "use_maintenance_fund"
    raise_maintenance_fund = "raise_maintenance_fund"
    rebuild = "rebuild"
    change_common_use = "change_common_use"
    common_parts_business = "common_parts_business"
    other = "other"


@dataclass(frozen=True, slots=True)
class MatterRule:
    item: int  # the item of art. 278, paragraph 1
    title: str  # as the Civil Code words it
    approval: Bar


RULES: Final[dict[Matter, MatterRule]] = {
    Matter.procedural_rules: MatterRule(1, "制定和修改业主大会议事规则", MAJORITY),
    Matter.management_statute: MatterRule(2, "制定和修改管理规约", MAJORITY),
    Matter.elect_committee: MatterRule(3, "选举业主委员会或者更换业主委员会成员", MAJORITY),
    Matter.hire_manager: MatterRule(4, "选聘和解聘物业服务企业或者其他管理人", MAJORITY),
    Matter.use_maintenance_fund: MatterRule(5, "使用建筑物及其附属设施的维修资金", MAJORITY),
    Matter.raise_maintenance_fund: MatterRule(6, "筹集建筑物及其附属设施的维修资金", SUPERMAJORITY),
    Matter.rebuild: MatterRule(7, "改建、重建建筑物及其附属设施", SUPERMAJORITY),
    Matter.change_common_use: MatterRule(8, "改变共有部分的用途", SUPERMAJORITY),
    Matter.common_parts_business: MatterRule(8, "利用共有部分从事经营活动", SUPERMAJORITY),
    Matter.other: MatterRule(9, "有关共有和共同管理权利的其他重大事项", MAJORITY),
}

# Integration types that run only when voted in; system integrations (transports, the web
# app) need no vote.
GOVERNED_TYPES: Final = frozenset({"device", "service"})

# The matter the gate names for an integration nobody has proposed yet: a vendor's devices
# or service in the community are a business on (or a use of) its common parts. A proposal
# may name another matter; any passed proposal to enable the integration lets it run.
INTEGRATION_MATTER: Final = Matter.common_parts_business


def approval_bar(matter: Matter) -> Bar:
    return RULES[matter].approval
