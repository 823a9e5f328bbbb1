"""Recurring inspections (巡检计划) and escalation channels (phone / SMS), issue 20."""

MESSAGES = {
    "cmd.inspections": {"zh_CN": "巡检计划（列表/新增/暂停/完成）",
                        "en": "recurring inspections (list/add/pause/done)"},
    "insp.usage": {
        "zh_CN": "用法：\n/inspections — 查看巡检计划\n/inspections add 每月1日 09:30 备份恢复验证 — 新增（负责人；"
                 "末尾加「工单」则每次生成工单）\n/inspections pause 2 · /inspections resume 2 — 暂停/恢复（负责人）\n"
                 "/inspections done 2 已完成恢复演练 — 登记完成",
        "en": "Usage:\n/inspections — list the recurring inspections\n/inspections add monthly1 09:30 Backup restore "
              "check — add one (lead; end with \"ticket\" to open a ticket each time)\n/inspections pause 2 · "
              "/inspections resume 2 — pause/resume (lead)\n/inspections done 2 restore tested — mark it done",
    },
    "insp.usage_add": {
        "zh_CN": "没看懂这个巡检计划。请写频率、时间和名称，例如：\n/inspections add 每月1日 09:30 备份恢复验证\n"
                 "/inspections add 每周5 16:00 机房巡检\n/inspections add 每季度10日 10:00 安全补丁检查 工单\n"
                 "频率：每天、每周N（1=周一）、每月N日、每季度N日。",
        "en": "I could not read that inspection. Give the frequency, the time and a name, e.g.:\n/inspections add "
              "monthly1 09:30 Backup restore check\n/inspections add weekly5 16:00 Server room round\n"
              "/inspections add quarterly10 10:00 Security patch check ticket\nFrequency: daily, weeklyN (1 = Monday), "
              "monthlyN, quarterlyN.",
    },
    "insp.lead_only": {"zh_CN": "只有项目负责人可以新增、暂停或恢复巡检计划。",
                       "en": "Only the project lead can add, pause or resume inspections."},
    "insp.name_taken": {"zh_CN": "已有名为「{name}」的巡检计划，请换个名称。",
                        "en": "An inspection named \"{name}\" exists already; choose another name."},
    "insp.not_found": {"zh_CN": "没有编号为 {text} 的巡检计划。发送 /inspections 查看编号，例如 /inspections done 1",
                       "en": "There is no inspection {text}. Send /inspections for the numbers, e.g. "
                             "/inspections done 1"},
    "insp.already_paused": {"zh_CN": "巡检计划「{name}」已经暂停。", "en": "\"{name}\" is paused already."},
    "insp.not_paused": {"zh_CN": "巡检计划「{name}」没有暂停。", "en": "\"{name}\" is not paused."},
    "insp.nothing_open": {"zh_CN": "巡检计划「{name}」目前没有待完成的任务。",
                          "en": "\"{name}\" has no run waiting to be done."},
    "insp.added": {"zh_CN": "✅ 已新增巡检计划 #{id}「{name}」：{when}（遇非工作日顺延到下一个工作日）。",
                   "en": "✅ Added inspection #{id} \"{name}\": {when} (a non-working day moves to the next "
                         "working day)."},
    "insp.paused": {"zh_CN": "⏸ 巡检计划 #{id}「{name}」已暂停，不再生成任务。",
                    "en": "⏸ Inspection #{id} \"{name}\" is paused; no new runs."},
    "insp.resumed": {"zh_CN": "▶️ 巡检计划 #{id}「{name}」已恢复。", "en": "▶️ Inspection #{id} \"{name}\" resumed."},
    "insp.done": {"zh_CN": "✅ 巡检 #{id}「{name}」（{day}）已登记完成。",
                  "en": "✅ Inspection #{id} \"{name}\" ({day}) recorded as done."},
    "insp.done_late": {"zh_CN": "✅ 巡检 #{id}「{name}」（{day}）已登记完成；已超过当日，"
                                "仍计为一项未按期完成的日常维护。",
                       "en": "✅ Inspection #{id} \"{name}\" ({day}) recorded as done; it is past its day, so it "
                             "still counts as a missed daily-maintenance item."},
    "insp.list": {"zh_CN": "📋 巡检计划：\n{lines}", "en": "📋 Recurring inspections:\n{lines}"},
    "insp.list_empty": {"zh_CN": "还没有巡检计划。负责人可以新增，例如：/inspections add 每月1日 09:30 备份恢复验证",
                        "en": "No recurring inspections yet. The lead can add one, e.g. /inspections add monthly1 "
                              "09:30 Backup restore check"},
    "insp.line": {"zh_CN": "#{id} {name} — {when}，{kind} — {state}", "en": "#{id} {name} — {when}, {kind} — {state}"},
    "insp.every.daily": {"zh_CN": "每个工作日", "en": "every working day"},
    "insp.every.weekly": {"zh_CN": "每周{day}", "en": "weekly on day {day}"},
    "insp.every.monthly": {"zh_CN": "每月{day}日", "en": "monthly on the {day}"},
    "insp.every.quarterly": {"zh_CN": "每季度首月{day}日", "en": "quarterly on the {day}"},
    "insp.creates.ticket": {"zh_CN": "生成工单", "en": "opens a ticket"},
    "insp.creates.checklist": {"zh_CN": "检查单", "en": "checklist"},
    "insp.state.paused": {"zh_CN": "已暂停", "en": "paused"},
    "insp.state.none": {"zh_CN": "尚未到期", "en": "not yet due"},
    "insp.state.open": {"zh_CN": "{day} 待完成", "en": "due {day}, open"},
    "insp.state.done": {"zh_CN": "{day} 已完成（{at}）", "en": "{day} done ({at})"},
    "insp.state.missed": {"zh_CN": "{day} 未按期完成，待补做", "en": "{day} missed, still open"},
    "insp.opened": {"zh_CN": "🧰 今日巡检 #{id}：{name}（{day}）。完成后发送 /inspections done {id}",
                    "en": "🧰 Inspection due today #{id}: {name} ({day}). When done, send /inspections done {id}"},
    "insp.opened_ticket": {"zh_CN": "🧰 今日巡检 #{id}：{name}（{day}），已生成工单 #{ticket}，解决工单即完成。",
                           "en": "🧰 Inspection due today #{id}: {name} ({day}); ticket #{ticket} opened, resolving "
                                 "it completes the inspection."},
    "insp.btn.done": {"zh_CN": "已完成", "en": "Done"},
    "insp.ticket_text": {"zh_CN": "巡检：{name}（{day}）", "en": "Inspection: {name} ({day})"},
    "insp.reminder": {"zh_CN": "⏰ 巡检 #{id}「{name}」（{day}）尚未完成。完成后发送 /inspections done {id}",
                      "en": "⏰ Inspection #{id} \"{name}\" ({day}) is not done yet. When done, send "
                            "/inspections done {id}"},
    "insp.missed": {"zh_CN": "⚠️ 巡检 #{id}「{name}」未在 {day} 当日完成，计为一项未完成的日常维护。",
                    "en": "⚠️ Inspection #{id} \"{name}\" was not done on {day}; it counts as a missed "
                          "daily-maintenance item."},
    "insp.loss.missed": {"zh_CN": "巡检未按期完成：{name}（{day}）",
                         "en": "inspection not done on its day: {name} ({day})"},
    # escalation channels (phone / SMS)
    "chan.urgent_call": {"zh_CN": "紧急请求#{id}无人确认：{text}。请于{deadline}前到岗，并在群内点收到。",
                         "en": "Urgent request #{id} unacknowledged: {text}. Be on site by {deadline}; press "
                               "Acknowledge in the chat."},
    "chan.failed_admin": {"zh_CN": "⚠️ {channel} 通道呼叫 {name}（{subject}）失败：{error}",
                          "en": "⚠️ Call over {channel} to {name} ({subject}) failed: {error}"},
    "chan.name.http": {"zh_CN": "电话/短信", "en": "phone/SMS"},
    "chan.name.ding": {"zh_CN": "钉钉DING", "en": "DingTalk DING"},
    "chan.outcome.queued": {"zh_CN": "{channel} 呼叫 {name}：已排队", "en": "{channel} call to {name}: queued"},
    "chan.outcome.ok": {"zh_CN": "{channel} 呼叫 {name}：成功（{detail}）",
                        "en": "{channel} call to {name}: accepted ({detail})"},
    "chan.outcome.retry": {"zh_CN": "{channel} 呼叫 {name}：失败，将重试（{detail}）",
                           "en": "{channel} call to {name}: failed, will retry ({detail})"},
    "chan.outcome.failed": {"zh_CN": "{channel} 呼叫 {name}：最终失败（{detail}）",
                            "en": "{channel} call to {name}: failed for good ({detail})"},
    "urg.detail": {"zh_CN": "紧急请求 #{id}：{text}\n{status}\n时间线：\n{timeline}",
                   "en": "Urgent request #{id}: {text}\n{status}\nTimeline:\n{timeline}"},
    "urg.detail_not_found": {"zh_CN": "没有紧急请求 #{id}。发送 /urgents 查看未完成的请求。",
                             "en": "There is no urgent request #{id}. Send /urgents for the open ones."},
}
