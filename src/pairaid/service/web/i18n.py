"""Chinese and English wording of the dashboard (the pattern of :mod:`pairaid.report.i18n`).

:data:`LABELS` maps a key to its ``zh`` and ``en`` text; :func:`t` looks one up. Messages
of the service itself (refusals, validation errors) are shown as the server words them.
"""

from __future__ import annotations

from pairaid.report.i18n import LANGS, Lang

__all__ = ["LABELS", "LANGS", "Lang", "t", "lang_of"]

LABELS: dict[str, tuple[str, str]] = {
    "app": ("对口支援协调平台", "pairaid coordination"),
    "lang_switch": ("English", "中文"),
    "signin": ("登录", "Sign in"),
    "signout": ("退出", "Sign out"),
    "token": ("API 令牌", "API token"),
    "token_help": ("由 `pairaid users add` 打印的令牌", "The token printed by `pairaid users add`"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "dataset": ("数据集", "Data set"),
    "error": ("错误", "Error"),
    "done": ("已保存", "Saved"),
    "board": ("全国看板", "National board"),
    "recipient_page": ("受援方", "Recipient"),
    "donor_page": ("支援方", "Donor"),
    "coordinator_page": ("协调", "Coordination"),
    "audit_page": ("审计记录", "Audit trail"),
    "read_only": ("只读", "read only"),
    "role": ("角色", "Role"),
    "region": ("地区", "Region"),
    "recipient": ("受援方", "Recipient"),
    "donor": ("支援方", "Donor"),
    "resource": ("资源", "Resource"),
    "beds": ("床位", "beds"),
    "icu_beds": ("重症床位", "ICU beds"),
    "doctors": ("医生", "doctors"),
    "nurses": ("护士", "nurses"),
    "needed": ("需求", "Needed"),
    "pledged": ("已认捐", "Pledged"),
    "accepted": ("已确认", "Accepted"),
    "dispatched": ("已派出", "Dispatched"),
    "received": ("已接收", "Received"),
    "open": ("未覆盖", "Open"),
    "uncovered": ("未覆盖比例", "Uncovered share"),
    "level": ("预警等级", "Escalation"),
    "green": ("绿", "green"),
    "yellow": ("黄", "yellow"),
    "red": ("红", "red"),
    "all": ("全部", "all"),
    "filter": ("筛选", "Filter"),
    "search": ("地区（代码或名称）", "Region (code or name)"),
    "units": ("单位：床或人", "units: beds or persons"),
    "levels_note": ("城市等级取其各资源未覆盖比例（未覆盖 ÷ 需求）的最大值：≥ {yellow:.0%} 为黄，"
                    "≥ {red:.0%} 为红。",
                    "A city's level is the largest uncovered share (open ÷ needed) of its "
                    "resources: yellow from {yellow:.0%}, red from {red:.0%}."),
    "map_title": ("受援方按预警等级着色；连线为已确认的对口支援",
                  "Recipients coloured by escalation level; lines join accepted pairs"),
    "updated": ("更新于", "Updated"),
    "no_rows": ("暂无数据", "Nothing yet"),
    "needs": ("需求", "Needs"),
    "new_need": ("提出需求", "State a need"),
    "amend": ("修改", "Amend"),
    "quantity": ("数量", "Quantity"),
    "start": ("开始", "Start"),
    "end": ("结束", "End"),
    "reason": ("理由", "Reason"),
    "save": ("保存", "Save"),
    "dispatches": ("派出", "Dispatches"),
    "receipt": ("确认接收", "Confirm receipt"),
    "depart": ("出发", "Depart"),
    "arrive": ("到达", "Arrive"),
    "open_needs": ("未满足的需求", "Open needs"),
    "pledge": ("认捐", "Pledge"),
    "pledges": ("认捐", "Pledges"),
    "status": ("状态", "Status"),
    "proposed": ("待确认", "proposed"),
    "cancelled": ("已取消", "cancelled"),
    "accept": ("确认", "Accept"),
    "cancel": ("取消", "Cancel"),
    "dispatch": ("派出", "Dispatch"),
    "capacities": ("能力", "Capacities"),
    "capacity": ("能力", "Capacity"),
    "free": ("可用", "Free"),
    "set_capacity": ("设定能力", "Set capacity"),
    "import_plan": ("导入方案", "Import a plan run"),
    "plan_name": ("方案名称", "Plan name"),
    "pairs_csv": ("配对表 pairs.csv", "pairs.csv"),
    "flows_csv": ("流量表 flows.csv", "flows.csv"),
    "plan_imported": ("已导入方案 {name}：{pledges} 项认捐，{skipped} 项跳过",
                      "Imported plan {name}: {pledges} pledges, {skipped} skipped"),
    "chain_ok": ("哈希链完整（{n} 条）", "Hash chain intact ({n} entries)"),
    "chain_broken": ("哈希链被破坏", "Hash chain broken"),
    "seq": ("序号", "Seq"),
    "at": ("时间", "At"),
    "user": ("用户", "User"),
    "action": ("操作", "Action"),
    "entity": ("对象", "Entity"),
    "id": ("编号", "ID"),
    "need": ("需求", "Need"),
    "forbidden_title": ("无权访问", "Not allowed"),
    "sort": ("排序", "Sort"),
}


def t(key: str, lang: Lang, **fields: object) -> str:
    """The ``lang`` wording of ``key``, formatted with ``fields``; an unknown key is itself."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**fields) if fields else text


def lang_of(value: str | None) -> Lang:
    """``value`` if it is a known language, else English."""
    return "zh" if value == "zh" else "en"
