"""Community votes: an owner votes on an open proposal from her phone and sees the count
move; an operator opens a proposal through the form, after a field error."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from browser_helpers import add_resident, add_staff, log_in
from playwright.async_api import Page, expect

from linli.hub import Hub
from linli.testing.governance import add_owners, hold_vote, vote


async def test_an_owner_votes_and_sees_participation_and_the_tally_move(
    page: Page, web_hub: Hub, screenshot
) -> None:
    wang = add_resident(web_hub, "1-1-101", "wang", name="王阿姨", area="89.35")
    neighbours = add_owners(web_hub, ["100", "76.5"])
    decided = await hold_vote(
        web_hub, neighbours, "agree", title="更换小区物业公司", matter="hire_manager"
    )
    assert decided.status == "rejected"  # 2 of 3 units, but not 2/3 of the area
    proposal = web_hub.governance.propose(
        title="在 3 号楼旁安装快递柜",
        description="快递柜由厂商安装和维护。超时取件按天收费。",
        matter="common_parts_business",
        domain="courier_locker",
        action="enable",
        funding_model="market",
        closes_at=web_hub.clock.time() + 7 * 24 * 3600,
        created_by=None,
    )
    vote(web_hub, proposal, neighbours[:1], "agree")
    await web_hub.database.flush()

    await log_in(page, wang)
    await page.get_by_role("navigation").get_by_role("link", name="社区议事").click()
    card = page.locator("community-proposal-card", has_text="在 3 号楼旁安装快递柜")
    await expect(card.get_by_role("heading", name="在 3 号楼旁安装快递柜")).to_be_visible()
    await expect(card).to_contain_text("利用共有部分从事经营活动")
    await expect(card).to_contain_text("启用“快递柜”")
    await expect(card).to_contain_text("市场化收费")
    await expect(card).to_contain_text("1 / 3 户")  # one of three units took part
    await expect(card).to_contain_text("您还没有投票")
    # Open proposals come first; the decided one shows its outcome.
    headings = page.locator("community-proposal-card h3")
    await expect(headings.first).to_have_text("在 3 号楼旁安装快递柜")
    old = page.locator("community-proposal-card", has_text="更换小区物业公司")
    await expect(old).to_contain_text(re.compile("未通过.参与投票的业主不足三分之二"))
    await expect(old.get_by_role("button", name="同意")).to_have_count(0)

    await card.get_by_role("button", name="同意").click()
    await expect(card).to_contain_text("2 / 3 户")  # she took part now
    await expect(card).to_contain_text(re.compile("您当前的选择.同意"))
    await expect(card.get_by_role("button", name="同意")).to_have_attribute("aria-pressed", "true")
    participation = card.get_by_role("meter").first
    await expect(participation).to_have_attribute("aria-valuenow", "67")
    assert web_hub.governance.current_choices(proposal.id) == {
        neighbours[0].unit.id: "agree",
        wang.unit.id: "agree",
    }
    await screenshot("proposals")

    # She changes her mind: the count follows, and the hub keeps only her latest choice.
    await card.get_by_role("button", name="反对").click()
    await expect(card).to_contain_text(re.compile("您当前的选择.反对"))
    await expect(card).to_contain_text("1 / 2 户")  # agreeing of those taking part
    assert web_hub.governance.current_choices(proposal.id)[wang.unit.id] == "disagree"

    # The hub remembers her choice for her: it is there after a reload.
    await page.reload()
    await expect(card).to_contain_text(re.compile("您当前的选择.反对"))


async def test_an_operator_opens_a_proposal_after_fixing_a_field_error(
    page: Page, web_hub: Hub
) -> None:
    add_owners(web_hub, ["100"])
    await log_in(page, add_staff(web_hub, "zhou", name="周经理"))
    await page.get_by_role("navigation").get_by_role("link", name="社区议事").click()
    await expect(page.get_by_text("目前没有正在表决的事项")).to_be_visible()
    await page.get_by_text("发起新的表决").click()
    await page.get_by_label("标题").fill("增设电动汽车充电桩")
    await page.get_by_label("说明").fill("地下车库增设 10 个充电桩。按电量收费。")
    await page.get_by_label("表决事项").select_option("common_parts_business")
    await page.get_by_label("涉及的服务").select_option("ev_charger")
    await page.get_by_label("收费方式").select_option("market")
    await page.get_by_role("button", name="发起表决").click()

    # No deadline: the hub's refusal sits under the field it names.
    closes = page.locator('[data-field="closes_at"]')
    await expect(closes.get_by_role("alert")).to_contain_text("填写的内容有误")
    await expect(page.get_by_label("截止时间")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("标题")).to_have_value("增设电动汽车充电桩")  # kept
    assert not list(web_hub.governance.proposals)

    deadline = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=10)
    await page.get_by_label("截止时间").fill(f"{deadline:%Y-%m-%dT20:00}")
    await page.get_by_role("button", name="发起表决").click()
    card = page.locator("community-proposal-card", has_text="增设电动汽车充电桩")
    await expect(card).to_contain_text(re.compile("启用.电动汽车充电桩.OCPP 1.6J.."))
    await expect(card).to_contain_text("0 / 1 户")
    await expect(closes.get_by_role("alert")).to_be_hidden()
    (proposal,) = web_hub.governance.proposals
    assert (proposal.domain, proposal.action, proposal.funding_model) == (
        "ev_charger",
        "enable",
        "market",
    )
    closes_at = datetime.fromtimestamp(proposal.closes_at, ZoneInfo("Asia/Shanghai"))
    assert (closes_at.date(), closes_at.hour) == (deadline.date(), 20)

    # The operator watches the ballots come in, live.
    owner = add_owners(web_hub, ["80"])
    web_hub.governance.cast(proposal.id, owner[0].user.id, "agree")
    await expect(card).to_contain_text("1 / 2 户")

    # In English too.
    await page.get_by_label("语言").select_option("en")
    await page.get_by_role("navigation").get_by_role("link", name="Community votes").click()
    card = page.locator("community-proposal-card", has_text="增设电动汽车充电桩")
    await expect(card).to_contain_text(re.compile(r"1 of 2 units"))
    await expect(card).to_contain_text("Enable EV Chargers (OCPP 1.6J)")
    await expect(page.get_by_role("heading", name="Open for votes")).to_be_visible()
