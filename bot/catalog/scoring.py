"""Texts of the assessment score, deductions, payments and the monthly report (#7)."""

MESSAGES: dict[str, dict[str, str]] = {
    # -- commands ------------------------------------------------------------------------------------
    "cmd.score": {"zh_CN": "考核得分、付款档位与预计尾款：/score [时间段]，失分明细：/score why",
                  "en": "assessment score, payment tier and projection: /score [period]; lost points: /score why"},
    "cmd.deduct": {"zh_CN": "甲方扣分：/deduct <项目> <分数> <原因>",
                   "en": "record a client deduction: /deduct <component> <points> <reason>"},
    "cmd.deductions": {"zh_CN": "查看甲方扣分：/deductions [时间段]",
                       "en": "list the client's deductions: /deductions [period]"},
    "cmd.payments": {"zh_CN": "付款进度与预计尾款", "en": "payment milestones and the projected final payment"},
    "cmd.paid": {"zh_CN": "登记付款：/paid <款项> <日期> [金额]；更正：/paid fix …",
                 "en": "record a payment: /paid <milestone> <date> [amount]; correct one: /paid fix …"},
    "cmd.report": {"zh_CN": "月度报告（Excel + 图表）：/report [月份]",
                   "en": "monthly report (Excel + chart): /report [month]"},

    # -- components ----------------------------------------------------------------------------------
    "score.component.daily_maintenance": {"zh_CN": "日常维护", "en": "Daily maintenance"},
    "score.component.responsiveness": {"zh_CN": "响应度", "en": "Responsiveness"},
    "score.component.completion": {"zh_CN": "完成率", "en": "Completion"},
    "score.component.satisfaction": {"zh_CN": "满意率", "en": "Satisfaction"},
    "score.component.attendance": {"zh_CN": "出勤", "en": "Attendance"},
    "score.unit.daily_maintenance": {"zh_CN": "天", "en": "days"},
    "score.unit.responsiveness": {"zh_CN": "次", "en": "requests"},
    "score.unit.completion": {"zh_CN": "单", "en": "tickets"},
    "score.unit.satisfaction": {"zh_CN": "评", "en": "ratings"},
    "score.unit.attendance": {"zh_CN": "天", "en": "days"},

    # -- periods -------------------------------------------------------------------------------------
    "score.period.month": {"zh_CN": "{month}（{start} 至 {end}）", "en": "{month} ({start} to {end})"},
    "score.period.contract": {"zh_CN": "合同至今（{start} 至 {end}）", "en": "contract to date ({start} to {end})"},
    "score.period.range": {"zh_CN": "{start} 至 {end}", "en": "{start} to {end}"},
    "score.period_outside": {
        "zh_CN": "{start} 至 {end} 不在合同服务期（{contract_start} 至 {contract_end}）的已过日期内，没有可算的得分。",
        "en": "{start} to {end} is not within the past days of the service period ({contract_start} to "
              "{contract_end}); there is no score to compute.",
    },
    "score.component_unavailable": {
        "zh_CN": "「{component}」的数据暂时无法取得（该功能尚未上线），暂不能计算得分。",
        "en": "The figures for “{component}” are not available yet (that feature is not live), so the score "
              "cannot be computed.",
    },

    # -- /score ----------------------------------------------------------------------------------------
    "score.header": {
        "zh_CN": "📊 考核得分｜{period}\n总分 {total} / {max} · {tier} 档 · 付款比例 {ratio}",
        "en": "📊 Assessment score | {period}\nTotal {total} / {max} · tier {tier} · pays {ratio}",
    },
    "score.change": {"zh_CN": "较上月 {delta}（{previous}，{period}）",
                     "en": "Since last month {delta} ({previous}, {period})"},
    "score.line": {
        "zh_CN": "{name} {points}/{max} · {rate}（{numerator}/{denominator} {unit}）{deduction}",
        "en": "{name} {points}/{max} · {rate} ({numerator}/{denominator} {unit}){deduction}",
    },
    "score.line_deduction": {"zh_CN": "，甲方扣 {points}", "en": ", client deducted {points}"},
    "score.times.ack": {"zh_CN": "  ⏱ 确认：中位 {median} 分钟，90% 在 {p90} 分钟内",
                        "en": "  ⏱ Acknowledged: median {median} min, 90% within {p90} min"},
    "score.times.arrive": {"zh_CN": "  🚶 到岗：中位 {median} 分钟，90% 在 {p90} 分钟内",
                           "en": "  🚶 Arrived: median {median} min, 90% within {p90} min"},
    "score.projected": {
        "zh_CN": "预计尾款 {amount}\n（合同额 {contract} × {ratio} − 前期各期款项 {paid}，已付未付均计）",
        "en": "Projected final payment {amount}\n(contract {contract} × {ratio} − earlier instalments {paid}, "
              "paid or still due)",
    },
    "score.not_tracked": {
        "zh_CN": "{start} 至 {end} 期间机器人尚未开始记录（从 {tracked} 起记录），无法评分。"
                 "如机器人启用前的考勤等另有记录，可在配置中设置 contract.tracking_start。",
        "en": "The bot kept no record from {start} to {end} (it has kept one since {tracked}), so there is no "
              "score for it. If that time was recorded elsewhere, set contract.tracking_start in the config.",
    },
    "score.counted_from": {
        "zh_CN": "（从 {day} 起计：机器人此前未记录，之前的日子不算缺勤、缺日志。）",
        "en": "(Counted from {day}, when the bot began keeping the record: no day before it counts as missing.)",
    },
    "score.top_tier": {"zh_CN": "已在最高档。", "en": "Already in the top tier."},
    "score.next_tier": {
        "zh_CN": "进入 {tier} 档（付 {ratio}）需超过 {threshold} 分，还差 {gap} 分；任一即可：\n{options}",
        "en": "Tier {tier} (pays {ratio}) needs more than {threshold}, {gap} to go; any one of:\n{options}",
    },
    "score.next_tier_none": {
        "zh_CN": "进入 {tier} 档（付 {ratio}）需超过 {threshold} 分，还差 {gap} 分；单靠任何一项都不够。",
        "en": "Tier {tier} (pays {ratio}) needs more than {threshold}, {gap} to go; no single component can "
              "close the gap alone.",
    },
    "score.hint.daily_maintenance": {"zh_CN": "· 有维护日志的工作日多 {n} 天", "en": "· {n} more working days with a "
                                                                           "maintenance log"},
    "score.hint.responsiveness": {"zh_CN": "· 按时到岗的紧急请求多 {n} 次", "en": "· {n} more urgent requests "
                                                                           "reached in time"},
    "score.hint.completion": {"zh_CN": "· 按时完成的工单多 {n} 张", "en": "· {n} more tickets resolved on time"},
    "score.hint.satisfaction": {"zh_CN": "· 满意评价多 {n} 个（替代不满意）", "en": "· {n} more “satisfied” "
                                                                           "ratings (instead of “unsatisfied”)"},
    "score.hint.attendance": {"zh_CN": "· 出勤多 {n} 天", "en": "· {n} more attendance days"},
    "score.why_hint": {"zh_CN": "每一分的去向：/score why", "en": "Where each point went: /score why"},

    # -- /score why ------------------------------------------------------------------------------------
    "score.why.header": {"zh_CN": "🔎 失分明细｜{period}", "en": "🔎 Lost points | {period}"},
    "score.why.component": {"zh_CN": "【{name}】{points}/{max}，失 {lost} 分",
                            "en": "[{name}] {points}/{max}, lost {lost}"},
    "score.why.line": {"zh_CN": "−{cost} {name}：{text}", "en": "−{cost} {name}: {text}"},
    "score.why.deduction_text": {"zh_CN": "甲方扣分（{actor}，{day}）：{reason}",
                                 "en": "client deduction ({actor}, {day}): {reason}"},
    "score.why.unlisted": {"zh_CN": "其余失分（该项未逐条列明）",
                           "en": "other losses (not itemised by this component)"},
    "score.why.none": {"zh_CN": "这段时间没有失分。", "en": "No points were lost in this period."},
    "score.why.more_component": {"zh_CN": "……另有 {n} 条：/score why {component} 查看更多。",
                                 "en": "… {n} more: /score why {component} shows more."},

    # -- deductions --------------------------------------------------------------------------------------
    "score.deduct.usage": {
        "zh_CN": "用法：/deduct <项目> <分数> <原因>\n例如：/deduct 响应度 2 10月12日故障未按时到岗\n"
                 "项目：日常维护、响应度、完成率、满意率、出勤。原因前可写日期（2022-10-12）记到那天。",
        "en": "Usage: /deduct <component> <points> <reason>\nFor example: /deduct responsiveness 2 late on 12 Oct\n"
              "Components: daily_maintenance, responsiveness, completion, satisfaction, attendance. "
              "Start the reason with a date (2022-10-12) to count it on that day.",
    },
    "score.deduct.bad_component": {
        "zh_CN": "没有「{text}」这一项。可选：日常维护、响应度、完成率、满意率、出勤。",
        "en": "There is no component “{text}”. Choose: daily_maintenance, responsiveness, completion, "
              "satisfaction, attendance.",
    },
    "score.deduct.bad_points": {
        "zh_CN": "扣分「{text}」不对：须大于 0、最多两位小数，且不超过该项满分 {max}。"
                 "例如：/deduct 响应度 2 故障未按时到岗",
        "en": "“{text}” is not a valid deduction: it must be above 0, with at most 2 decimal places, and at most "
              "the component's {max} points. For example: /deduct responsiveness 2 late on site",
    },
    "score.deduct.done": {
        "zh_CN": "已记录 #{id}：{component} 扣 {points} 分（计入 {day}）。\n原因：{reason}\n"
                 "已通知项目负责人和双方联系人。单项最低 0 分。",
        "en": "Recorded #{id}: {component} −{points} (counted on {day}).\nReason: {reason}\nThe lead and both "
              "parties' contacts were told. A component never goes below 0.",
    },
    "score.deduct.notice": {
        "zh_CN": "⚠️ {actor} 对「{component}」扣 {points} 分（计入 {day}）：{reason}",
        "en": "⚠️ {actor} deducted {points} from “{component}” (counted on {day}): {reason}",
    },
    "score.deductions.header": {"zh_CN": "📝 甲方扣分｜{period}\n共 {count} 条，合计 {total} 分",
                                "en": "📝 Client deductions | {period}\n{count} in all, {total} points"},
    "score.deductions.line": {"zh_CN": "#{id} {day} {component} −{points}：{reason}（{actor}）",
                              "en": "#{id} {day} {component} −{points}: {reason} ({actor})"},
    "score.deductions.none": {"zh_CN": "{period} 没有甲方扣分。", "en": "No client deductions in {period}."},

    # -- payments ------------------------------------------------------------------------------------------
    "pay.milestone.signing": {"zh_CN": "首付款", "en": "Signing payment"},
    "pay.milestone.midterm": {"zh_CN": "中期款", "en": "Mid-term payment"},
    "pay.milestone.final": {"zh_CN": "尾款", "en": "Final payment"},
    "pay.header": {"zh_CN": "💰 付款进度｜合同额 {amount}", "en": "💰 Payments | contract {amount}"},
    "pay.line": {"zh_CN": "{name}（{share}）{amount}\n  应付日期 {due} · {status}",
                 "en": "{name} ({share}) {amount}\n  due {due} · {status}"},
    "pay.share.by_score": {"zh_CN": "按考核结果", "en": "by the assessment"},
    "pay.status.paid": {"zh_CN": "✅ 已付 {amount}（{day}）", "en": "✅ paid {amount} ({day})"},
    "pay.status.unpaid": {"zh_CN": "未付", "en": "not paid"},
    "pay.status.overdue": {"zh_CN": "⚠️ 未付，已过应付日期", "en": "⚠️ not paid, past due"},
    "pay.due.after_assessment": {"zh_CN": "服务期满终评后", "en": "after the final assessment"},
    "pay.projection": {
        "zh_CN": "按合同至今得分 {total}（{tier} 档，付 {ratio}），预计尾款 {amount}"
                 "（已扣前期各期款项 {paid}，已付未付均计）。",
        "en": "At the contract-to-date score {total} (tier {tier}, pays {ratio}) the final payment would be "
              "{amount} (less the earlier instalments, {paid}, paid or still due).",
    },
    "pay.projection_unavailable": {"zh_CN": "暂时无法计算得分，尾款预计暂缺。",
                                   "en": "The score cannot be computed yet, so there is no projection."},
    "pay.usage": {
        "zh_CN": "用法：/paid <款项> <日期> [金额]\n例如：/paid 首付款 2022-02-10 43600\n"
                 "款项：{milestones}（也可写 1、2、3）。更正已登记的：/paid fix <款项> <日期> [金额]",
        "en": "Usage: /paid <milestone> <date> [amount]\nFor example: /paid signing 2022-02-10 43600\n"
              "Milestones: {milestones} (or 1, 2, 3). To correct a record: /paid fix <milestone> <date> [amount]",
    },
    "pay.unknown_milestone": {"zh_CN": "没有「{text}」这笔款项。可选：{milestones}（也可写 1、2、3）",
                              "en": "There is no milestone “{text}”. Choose: {milestones} (or 1, 2, 3)"},
    "pay.bad_amount": {
        "zh_CN": "金额「{text}」不对：请写大于 0、最多两位小数的金额（元），例如 /paid 中期款 2022-09-01 174400；"
                 "不写金额则按应付额登记。",
        "en": "“{text}” is not a valid amount: give a number above 0 (CNY, at most 2 decimal places), e.g. "
              "/paid midterm 2022-09-01 174400; leave it out to record the scheduled amount.",
    },
    "pay.over_contract": {
        "zh_CN": "金额「{text}」超过了合同总额 {contract}，没有登记。"
                 "请写实际到账的金额，例如 /paid 中期款 2022-09-01 174400。",
        "en": "“{text}” is more than the whole contract ({contract}); nothing was recorded. Give the amount "
              "that arrived, e.g. /paid midterm 2022-09-01 174400.",
    },
    "pay.over_due": {
        "zh_CN": "金额「{text}」超过了{name}最多可付的 {max}（{basis}），没有登记。"
                 "请核对后重写；不写金额则按 {max} 登记。",
        "en": "“{text}” is more than the {max} at most due on the {name} ({basis}); nothing was recorded. Please "
              "check it; leave the amount out to record {max}.",
    },
    "pay.nothing_due": {
        "zh_CN": "{name}目前没有应付的金额（{basis}），没有登记。",
        "en": "Nothing is due on the {name} now ({basis}); nothing was recorded.",
    },
    "pay.basis.share": {"zh_CN": "合同额 {contract} 的 {share}，即 {amount}",
                        "en": "{share} of the contract's {contract}, i.e. {amount}"},
    "pay.basis.score": {
        "zh_CN": "按合同至今得分 {total}（{tier} 档，付 {ratio}），合同额 {contract} × {ratio} 减去此前款项 {paid}",
        "en": "at the contract-to-date score {total} (tier {tier}, pays {ratio}): {ratio} of {contract} less "
              "{paid} paid before",
    },
    "pay.too_early": {
        "zh_CN": "付款日期 {day} 早于{name}最早可付的 {earliest}（{condition}），没有登记。请写实际到账的日期。",
        "en": "{day} is before the {name} could fall due ({earliest}, {condition}); nothing was recorded. Please "
              "give the day the payment arrived.",
    },
    "pay.anchor.signed": {"zh_CN": "合同签订后", "en": "after signing"},
    "pay.anchor.six_months": {"zh_CN": "服务满 6 个月后", "en": "after six months of service"},
    "pay.anchor.end": {"zh_CN": "服务期满后", "en": "after the service period"},
    "pay.already_recorded": {
        "zh_CN": "{name}已登记：{day} 支付 {amount}，没有重复登记。如需更正，请发：/paid fix {args}",
        "en": "The {name} is already recorded: {amount} on {day}; nothing was changed. To correct it, send: "
              "/paid fix {args}",
    },
    "pay.nothing_to_fix": {
        "zh_CN": "{name}还没有登记，无需更正。请直接登记：/paid {args}",
        "en": "The {name} has not been recorded yet, so there is nothing to correct. Record it: /paid {args}",
    },
    "pay.fix_usage": {
        "zh_CN": "用法：/paid fix <款项> <日期> [金额]\n例如：/paid fix 首付款 2022-02-11 43600\n"
                 "款项：{milestones}（也可写 1、2、3）。更正会记入审计日志。",
        "en": "Usage: /paid fix <milestone> <date> [amount]\nFor example: /paid fix signing 2022-02-11 43600\n"
              "Milestones: {milestones} (or 1, 2, 3). The correction is kept in the audit log.",
    },
    "pay.corrected": {
        "zh_CN": "已更正：{name} 由 {old_day} 支付 {old_amount} 改为 {day} 支付 {amount}（已记入审计日志）。",
        "en": "Corrected: the {name} from {old_amount} on {old_day} to {amount} on {day} (kept in the audit log).",
    },
    "pay.status.flagged": {
        "zh_CN": "⚠️ 登记的付款无效（金额「{amount}」，日期 {day}），未计入；请甲方联系人用 /paid fix 更正",
        "en": "⚠️ the recorded payment is invalid (amount “{amount}”, date {day}) and is not counted; the client's "
              "contact can correct it with /paid fix",
    },
    "score.payment_flagged": {
        "zh_CN": "⚠️ 有付款登记无效（{names}），按应付额计算；详见 /payments。",
        "en": "⚠️ A recorded payment is invalid ({names}); the scheduled amount is used instead. See /payments.",
    },
    "pay.future_date": {"zh_CN": "付款日期 {day} 还没到，请写实际到账的日期。",
                        "en": "{day} has not come yet; please give the day the payment arrived."},
    "pay.recorded": {"zh_CN": "已登记：{name} 于 {day} 支付 {amount}（应付日期 {due}）。",
                     "en": "Recorded: {name} paid {amount} on {day} (due {due})."},

    # -- monthly report ---------------------------------------------------------------------------------------
    "report.generated": {"zh_CN": "{month} 月度报告已生成，Excel 和图表马上发给您。",
                         "en": "The {month} report is ready; the Excel file and the chart follow."},
    "report.caption.workbook": {
        "zh_CN": "📑 {month} 月度报告｜总分 {total}（{tier} 档，付 {ratio}）",
        "en": "📑 {month} monthly report | total {total} (tier {tier}, pays {ratio})",
    },
    "report.caption.chart": {"zh_CN": "📈 各项得分逐月对比（截至 {month}）",
                             "en": "📈 Component points month by month (to {month})"},
    "report.sheet.score": {"zh_CN": "考核得分", "en": "Score"},
    "report.sheet.attendance": {"zh_CN": "出勤", "en": "Attendance"},
    "report.sheet.tickets": {"zh_CN": "工单", "en": "Tickets"},
    "report.sheet.daily": {"zh_CN": "日常维护", "en": "Daily maintenance"},
    "report.sheet.urgent": {"zh_CN": "紧急请求", "en": "Urgent requests"},
    "report.sheet.deductions": {"zh_CN": "甲方扣分", "en": "Deductions"},
    "report.sheet.indicators": {"zh_CN": "监控指标", "en": "Monitoring indicators"},
    "report.title": {"zh_CN": "{project} 月度报告 {month}", "en": "{project} monthly report {month}"},
    "report.field.period": {"zh_CN": "统计期间", "en": "Period"},
    "report.field.total": {"zh_CN": "总分", "en": "Total"},
    "report.field.tier": {"zh_CN": "档位", "en": "Tier"},
    "report.field.ratio": {"zh_CN": "付款比例", "en": "Payment ratio"},
    "report.field.projected": {"zh_CN": "预计尾款（元）", "en": "Projected final payment (CNY)"},
    "report.field.generated": {"zh_CN": "生成时间", "en": "Generated"},
    "report.col.component": {"zh_CN": "考核项", "en": "Component"},
    "report.col.key": {"zh_CN": "代码", "en": "Key"},
    "report.col.points": {"zh_CN": "得分", "en": "Points"},
    "report.col.max": {"zh_CN": "满分", "en": "Max"},
    "report.col.rate": {"zh_CN": "比率", "en": "Rate"},
    "report.col.numerator": {"zh_CN": "分子", "en": "Numerator"},
    "report.col.denominator": {"zh_CN": "分母", "en": "Denominator"},
    "report.col.deductions": {"zh_CN": "甲方扣分", "en": "Deductions"},
    "report.col.deducted": {"zh_CN": "扣分", "en": "Points deducted"},
    "report.col.when": {"zh_CN": "时间", "en": "When"},
    "report.col.item": {"zh_CN": "事项", "en": "Item"},
    "report.col.units": {"zh_CN": "计数", "en": "Units"},
    "report.col.cost": {"zh_CN": "失分", "en": "Cost"},
    "report.col.value": {"zh_CN": "数值", "en": "Value"},
    "report.col.reason": {"zh_CN": "原因", "en": "Reason"},
    "report.col.actor": {"zh_CN": "记录人", "en": "Recorded by"},
    "report.col.day": {"zh_CN": "日期", "en": "Day"},
    "report.section.details": {"zh_CN": "明细数据", "en": "Details"},
    "report.section.losses": {"zh_CN": "失分事项", "en": "Losses"},
    "report.section.engineers": {"zh_CN": "按工程师", "en": "By engineer"},
    "report.yes": {"zh_CN": "是", "en": "yes"},
    "report.no": {"zh_CN": "否", "en": "no"},
    # what each component's figures (ComponentRate.details) mean, per component
    "report.detail.attendance.first": {"zh_CN": "统计起始日", "en": "First day counted"},
    "report.detail.attendance.last": {"zh_CN": "统计截止日", "en": "Last day counted"},
    "report.detail.attendance.expected_days": {"zh_CN": "应出勤人天", "en": "Person-days expected"},
    "report.detail.attendance.present_days": {"zh_CN": "出勤人天", "en": "Person-days present"},
    "report.detail.attendance.late_days": {"zh_CN": "迟到人天", "en": "Person-days late"},
    "report.detail.attendance.leave_days": {"zh_CN": "请假人天", "en": "Person-days on leave"},
    "report.detail.attendance.absent_days": {"zh_CN": "缺勤人天", "en": "Person-days absent"},
    "report.detail.attendance.made_up_days": {"zh_CN": "补卡人天", "en": "Person-days made up"},
    "report.detail.attendance.holiday_duty_days": {"zh_CN": "节假日值班人天", "en": "Holiday duty person-days"},
    "report.detail.attendance.outside_site_days": {"zh_CN": "不在现场签到人天",
                                                   "en": "Person-days checked in off site"},
    "report.detail.attendance.leave_counts_as_present": {"zh_CN": "请假计为出勤",
                                                         "en": "Leave counts as present"},
    "report.detail.attendance.late_weight": {"zh_CN": "迟到折算（每次扣人天）",
                                             "en": "Late arrival weight (person-days)"},
    "report.detail.attendance.engineers.name": {"zh_CN": "工程师", "en": "Engineer"},
    "report.detail.attendance.engineers.expected": {"zh_CN": "应出勤", "en": "Expected"},
    "report.detail.attendance.engineers.present": {"zh_CN": "出勤", "en": "Present"},
    "report.detail.attendance.engineers.late": {"zh_CN": "迟到", "en": "Late"},
    "report.detail.attendance.engineers.leave": {"zh_CN": "请假", "en": "Leave"},
    "report.detail.attendance.engineers.absent": {"zh_CN": "缺勤", "en": "Absent"},
    "report.detail.attendance.engineers.rate": {"zh_CN": "出勤率", "en": "Rate"},
    "report.detail.completion.due": {"zh_CN": "到期工单（计入）", "en": "Tickets due (counted)"},
    "report.detail.completion.on_time": {"zh_CN": "按时完成", "en": "Resolved on time"},
    "report.detail.completion.not_yet_due": {"zh_CN": "未到期、未完成（暂不计入）",
                                             "en": "Open, not yet due (not counted yet)"},
    "report.detail.satisfaction.satisfied": {"zh_CN": "满意", "en": "Satisfied"},
    "report.detail.satisfaction.basically": {"zh_CN": "基本满意", "en": "Basically satisfied"},
    "report.detail.satisfaction.unsatisfied": {"zh_CN": "不满意", "en": "Unsatisfied"},
    "report.detail.satisfaction.weight": {"zh_CN": "基本满意折算", "en": "Weight of “basically satisfied”"},
    "report.detail.daily_maintenance.workdays": {"zh_CN": "工作日", "en": "Working days"},
    "report.detail.daily_maintenance.logged": {"zh_CN": "有维护日志的工作日", "en": "Working days with a log"},
    "report.detail.responsiveness.count": {"zh_CN": "紧急请求", "en": "Urgent requests"},
    "report.detail.responsiveness.in_time": {"zh_CN": "按时到岗", "en": "Reached in time"},
    "report.detail.responsiveness.missed": {"zh_CN": "未按时到岗", "en": "Not reached in time"},
    "report.detail.responsiveness.pending": {"zh_CN": "尚在时限内", "en": "Still within the deadline"},
    "report.detail.responsiveness.cancelled": {"zh_CN": "时限前取消（不计入）",
                                               "en": "Cancelled before the deadline (not counted)"},
    "report.detail.responsiveness.off_site": {"zh_CN": "到岗位置不在现场", "en": "Arrivals located off site"},
    "report.detail.responsiveness.off_site_ids": {"zh_CN": "到岗位置不在现场的请求编号",
                                                  "en": "Requests with an off-site arrival"},
    "report.detail.responsiveness.ack_median_min": {"zh_CN": "确认用时中位数（分钟）",
                                                    "en": "Median minutes to acknowledge"},
    "report.detail.responsiveness.ack_p90_min": {"zh_CN": "确认用时90分位（分钟）",
                                                 "en": "90th percentile minutes to acknowledge"},
    "report.detail.responsiveness.arrive_median_min": {"zh_CN": "到岗用时中位数（分钟）",
                                                       "en": "Median minutes to arrive"},
    "report.detail.responsiveness.arrive_p90_min": {"zh_CN": "到岗用时90分位（分钟）",
                                                    "en": "90th percentile minutes to arrive"},
    "report.indicator.failures": {"zh_CN": "故障（紧急请求）次数", "en": "Failures (urgent requests)"},
    "report.indicator.response_rate": {"zh_CN": "按时到岗率", "en": "Arrived within the deadline"},
    "report.indicator.tickets_due": {"zh_CN": "到期工单数", "en": "Tickets due"},
    "report.indicator.completion_rate": {"zh_CN": "业务需求及时完成率", "en": "Timely completion rate"},
    "report.indicator.satisfaction_rate": {"zh_CN": "满意率", "en": "Satisfaction rate"},
    # the tickets feature's indicators (bot.services.tickets.ticket_indicators)
    "report.indicator.tickets.start": {"zh_CN": "统计起始日", "en": "From"},
    "report.indicator.tickets.end": {"zh_CN": "统计截止日", "en": "To"},
    "report.indicator.tickets.tickets": {"zh_CN": "工单总数", "en": "Tickets raised"},
    "report.indicator.tickets.failures": {"zh_CN": "故障数（工单服务 + 紧急）", "en": "Failures (service + urgent)"},
    "report.indicator.tickets.urgent": {"zh_CN": "紧急工单", "en": "Urgent tickets"},
    "report.indicator.tickets.by_kind": {"zh_CN": "工单数（{kind}）", "en": "Tickets ({kind})"},
    "report.indicator.tickets.resolved": {"zh_CN": "已解决", "en": "Resolved"},
    "report.indicator.tickets.resolution_rate": {"zh_CN": "故障解决率", "en": "Resolution rate"},
    "report.indicator.tickets.take_minutes_median": {"zh_CN": "受理用时中位数（分钟）",
                                                     "en": "Median minutes to take"},
    "report.indicator.tickets.take_minutes_p90": {"zh_CN": "受理用时90分位（分钟）",
                                                  "en": "90th percentile minutes to take"},
    "report.indicator.tickets.resolve_minutes_median": {"zh_CN": "解决用时中位数（分钟）",
                                                        "en": "Median minutes to resolve"},
    "report.indicator.tickets.resolve_minutes_p90": {"zh_CN": "解决用时90分位（分钟）",
                                                     "en": "90th percentile minutes to resolve"},
    "report.indicator.tickets.timely_completion_rate": {"zh_CN": "工单及时完成率",
                                                        "en": "Tickets resolved on time (rate)"},
    "report.indicator.tickets.timely_completed": {"zh_CN": "按时完成工单", "en": "Tickets resolved on time"},
    "report.indicator.tickets.due": {"zh_CN": "到期工单", "en": "Tickets due"},
    "report.indicator.source_note": {
        "zh_CN": "以下为工单模块提供的监控指标：",
        "en": "Monitoring indicators from the tickets feature:",
    },
    "report.indicator.missing_note": {
        "zh_CN": "工单模块尚未提供更多监控指标（ticket_indicators），以上为按考核数据计算的部分。",
        "en": "The tickets feature does not provide further indicators yet (ticket_indicators); the rows above "
              "are computed from the assessment figures.",
    },
    "report.chart.title": {"zh_CN": "各项得分逐月", "en": "Component points by month"},
    "report.chart.total": {"zh_CN": "总分", "en": "Total"},
}
