"""Texts of the on-call rota and holiday duty (#6): /oncall, /dutyplan, /swap and the rota's reminders."""

MESSAGES = {
    "cmd.oncall": {"zh_CN": "查看值班（负责人/主管可设置：/oncall set 时间段 姓名）",
                   "en": "show the on-call rota (lead/supervisor: /oncall set period names)"},
    "cmd.dutyplan": {"zh_CN": "假期值班计划：/dutyplan 国庆", "en": "holiday duty plan: /dutyplan national day"},
    "cmd.swap": {"zh_CN": "换班：/swap 日期 姓名", "en": "swap a duty day: /swap date name"},
    "oc.now_hours": {"zh_CN": "现在是工作时间，在岗：{names}", "en": "Working hours now; on site: {names}"},
    "oc.now_rota": {"zh_CN": "现在值班：{names}", "en": "On call now: {names}"},
    "oc.now_lead": {"zh_CN": "⚠️ 现在无人排班，紧急请求将通知项目负责人：{names}",
                    "en": "⚠️ Nobody is on the rota now; urgent requests go to the project lead: {names}"},
    "oc.view": {
        "zh_CN": "{now}\n\n今后 {days} 天值班（工作日白天全体工程师"
                 "在岗；值班时段为非工作时间，至次日上班）：\n{lines}\n\n"
                 "设置：/oncall set 10月15日至10月16日 姓名",
        "en": "{now}\n\nRota for the next {days} days (on working days everyone is on site in working hours; a duty "
              "day covers the hours outside them, until the next morning):\n{lines}\n\n"
              "To set: /oncall set 2022-10-15 to 2022-10-16 name",
    },
    "oc.day_line": {"zh_CN": "{day} {label}：{names}", "en": "{day} {label}: {names}"},
    "oc.label.workday": {"zh_CN": "工作日", "en": "working day"},
    "oc.label.restday": {"zh_CN": "休息日", "en": "day off"},
    "oc.unassigned": {"zh_CN": "未排班", "en": "nobody"},
    "oc.usage": {
        "zh_CN": "没看懂「{text}」。用法：\n/oncall — 查看现在谁值班和今后 7 天的值班表\n"
                 "/oncall set 时间段 姓名 — 设置值班（负责人/主管），例如 /oncall set 10月15日至10月16日 姓名",
        "en": "I could not read “{text}”. Usage:\n/oncall — who is on duty now and the rota of the next 7 days\n"
              "/oncall set <period> <names> — set the rota (lead/supervisor), e.g. "
              "/oncall set 2022-10-15 to 2022-10-16 name",
    },
    "oc.set_usage": {
        "zh_CN": "用法：/oncall set 时间段 姓名，例如 /oncall set 10月15日至10月16日 林海，"
                 "或带时间：/oncall set 今晚 林海、/oncall set 今天18:00至明天09:00 林海",
        "en": "Usage: /oncall set period names, e.g. /oncall set 2022-10-15 to 2022-10-16 Lin, or with times: "
              "/oncall set tonight Lin, /oncall set 今天18:00至明天09:00 Lin",
    },
    "oc.set_done_span": {"zh_CN": "✅ 已设置值班：{start} 至 {end}，{names}。",
                         "en": "✅ On call from {start} to {end}: {names}."},
    "oc.set_done": {"zh_CN": "✅ 已设置值班：{first} 至 {last}，{names}。",
                    "en": "✅ On call from {first} to {last}: {names}."},
    "oc.not_engineer": {"zh_CN": "{name} 不是驻场工程师，不能排入值班。",
                        "en": "{name} is not an on-site engineer and cannot be on call."},
    "oc.period_too_long": {"zh_CN": "一次最多设置 {days} 天。", "en": "At most {days} days at a time."},
    "oc.no_holiday": {
        "zh_CN": "日历中没有即将到来的法定节假日。",
        "en": "No statutory holiday is coming up in the calendar.",
    },
    "oc.unknown_holiday": {
        "zh_CN": "没找到节假日「{text}」。可以写：元旦、春节、清明、五一、端午、中秋、国庆（可加年份：2022 国庆）。",
        "en": "No holiday “{text}”. Try: new year, spring festival, qingming, labor day, dragon boat, mid-autumn, "
              "national day (optionally with a year: 2022 national day).",
    },
    "oc.no_engineers": {
        "zh_CN": "名单上没有驻场工程师，无法排班。",
        "en": "There are no on-site engineers to put on duty.",
    },
    "oc.plan_view": {
        "zh_CN": "📋 {holiday}（{first} 至 {last}）值班计划 — {status}"
                 "\n{lines}\n累计值班天数（含此前假期）：{totals}",
        "en": "📋 {holiday} ({first} to {last}) duty plan — {status}\n{lines}\n"
              "Duty days so far (earlier holidays included): {totals}",
    },
    "oc.plan_none_yet": {
        "zh_CN": "{holiday}（{first} 至 {last}）还没有值班计划。值班计划由项目负责人或主管制定。",
        "en": "There is no duty plan for {holiday} ({first} to {last}) yet. The lead or a supervisor makes it.",
    },
    "oc.plan_status.proposed": {"zh_CN": "待主管批准", "en": "awaiting a supervisor's approval"},
    "oc.plan_status.approved": {"zh_CN": "已批准", "en": "approved"},
    "oc.plan_for_approval": {
        "zh_CN": "📋 {holiday}（{first} 至 {last}）假期值班计划（建议）：\n{lines}\n请审核，点「批准」后写入值班表。",
        "en": "📋 Proposed duty plan for {holiday} ({first} to {last}"
              "):\n{lines}\nPress “Approve” to put it on the rota.",
    },
    "oc.btn.approve": {"zh_CN": "批准", "en": "Approve"},
    "oc.btn.agree": {"zh_CN": "同意", "en": "Agree"},
    "oc.btn.decline": {"zh_CN": "拒绝", "en": "Decline"},
    "oc.plan_approved": {"zh_CN": "已批准{holiday}值班计划，已写入值班表。",
                         "en": "{holiday} duty plan approved and put on the rota."},
    "oc.plan_approved_group": {"zh_CN": "📋 {holiday}假期值班计划已由 {name} 批准：\n{lines}",
                               "en": "📋 {name} approved the {holiday} duty plan:\n{lines}"},
    "oc.plan_not_found": {"zh_CN": "这个值班计划不存在。", "en": "This duty plan does not exist."},
    "oc.plan_already_approved": {"zh_CN": "{holiday}值班计划已经批准过了。",
                                 "en": "The {holiday} duty plan is already approved."},
    "oc.swap_usage": {"zh_CN": "用法：/swap 日期 姓名，例如 /swap 10月3日 周小舟",
                      "en": "Usage: /swap date name, e.g. /swap 2022-10-03 Zhou"},
    "oc.swap_bad_peer": {"zh_CN": "不能和「{name}」换班：请选另一位驻场工程师。",
                         "en": "You cannot swap with {name}: choose another on-site engineer."},
    "oc.swap_past": {"zh_CN": "{day} 已经过去，不能换班。", "en": "{day} is in the past; it cannot be swapped."},
    "oc.swap_not_on_duty": {"zh_CN": "{day} 不是您的值班日，不能换出。", "en": "You are not on duty on {day}."},
    "oc.swap_not_found": {"zh_CN": "这个换班申请不存在。", "en": "This swap request does not exist."},
    "oc.swap_already_answered": {
        "zh_CN": "这个换班申请已经处理过了。",
        "en": "This swap request was already answered.",
    },
    "oc.swap_requested": {
        "zh_CN": "已请 {name} 确认替您值 {day} 的班；对方同意后还需主管批准。",
        "en": "{name} was asked to take your duty on {day}; a supervisor approves after they agree.",
    },
    "oc.swap_ask_peer": {"zh_CN": "🔄 {name} 请您替其值 {day} 的班，是否同意？",
                         "en": "🔄 {name} asks you to take their duty on {day}. Do you agree?"},
    "oc.swap_peer_agreed": {"zh_CN": "{name} 同意替您值 {day} 的班，等待主管批准。",
                            "en": "{name} agreed to take your duty on {day}; waiting for a supervisor."},
    "oc.swap_peer_declined": {"zh_CN": "{name} 不同意替您值 {day} 的班，值班不变。",
                              "en": "{name} declined to take your duty on {day}; the rota is unchanged."},
    "oc.swap_ask_supervisor": {
        "zh_CN": "🔄 换班申请：{day} 由 {name} 换给 {peer}，{peer} 已同意。是否批准？",
        "en": "🔄 Swap request: {day} from {name} to {peer}, who agreed. Approve?",
    },
    "oc.swap_approved": {"zh_CN": "✅ 换班已由 {supervisor} 批准：{day} 由 {peer} 值班（原 {name}）。",
                         "en": "✅ {supervisor} approved the swap: {peer} is on duty on {day} (was {name})."},
    "oc.swap_declined": {"zh_CN": "换班未获 {supervisor} 批准：{day} 仍由 {name} 值班。",
                         "en": "{supervisor} declined the swap: {name} stays on duty on {day}."},
    "oc.toast.agreed": {"zh_CN": "已同意，等待主管批准", "en": "Agreed; waiting for a supervisor"},
    "oc.toast.declined": {"zh_CN": "已拒绝", "en": "Declined"},
    "oc.toast.approved": {"zh_CN": "已批准", "en": "Approved"},
    "oc.holiday_your_days": {
        "zh_CN": "📅 明天起是{holiday}假期，您的值班日：{days}"
                 "。值班期间请保持电话畅通，收到紧急请求须 1 小时内到岗。",
        "en": "📅 The {holiday} holiday starts tomorrow. Your duty days: {days}. Keep your phone on; an urgent "
              "request means on site within 1 hour.",
    },
    "oc.holiday_plan_group": {"zh_CN": "📅 {holiday}（{first} 至 {last}）值班安排：\n{lines}",
                              "en": "📅 {holiday} ({first} to {last}) duty rota:\n{lines}"},
    "oc.holiday_no_plan_group": {
        "zh_CN": "⚠️ 明天起是{holiday}假期（{first} 至 {last}），尚无值班安排。请尽快用 /dutyplan 制定并批准。",
        "en": "⚠️ The {holiday} holiday ({first} to {last}) starts tomorrow and nobody is on the rota. "
              "Use /dutyplan to propose and approve a plan.",
    },
    "oc.morning_span": {
        "zh_CN": "☀️ 今天（{day}）由您值班：{start} 至 {end}。收到紧急请求须 1 小时内到岗。",
        "en": "☀️ You are on duty today ({day}): from {start} to {end}. An urgent request means on site within 1 hour.",
    },
    "oc.morning": {
        "zh_CN": "☀️ 今天（{day}）由您值班：{start} 起至次日 {start}（工作时间除外）。收到紧急请求须 1 小时内到岗。",
        "en": "☀️ You are on duty today ({day}): from {start} until {start} tomorrow, outside working hours. "
              "An urgent request means on site within 1 hour.",
    },
    "oc.handover": {
        "zh_CN": "🌙 {holiday}值班今天结束。请整理值班期间的情况（处理过的问"
                 "题、未完事项），明天（{next_day}）上班时交接给在岗工程师。",
        "en": "🌙 Your {holiday} duty ends today. Please note what happened (problems handled, open items) and hand "
              "over to the on-site engineers tomorrow ({next_day}) morning.",
    },
    "oc.coverage_gaps": {
        "zh_CN": "⚠️ 今后 {days} 天以下时段无人值班（紧急请求将只通知项目负"
                 "责人）：\n{gaps}\n请用 /oncall set 安排值班。",
        "en": "⚠️ Nobody is on duty in these hours of the next {days} days (urgent requests would reach only the "
              "lead):\n{gaps}\nUse /oncall set to fill them.",
    },
}
