"""Issue 20: waiting time that does not count (tickets on hold, `tk.wait.*`), acknowledgements with a note and an
estimated arrival (`urg.ack.*`), and leave that touches duty (`oc.leave.*`)."""

MESSAGES: dict[str, dict[str, str]] = {
    # -- commands ---------------------------------------------------------------------------------------------
    "cmd.wait": {"zh_CN": "工单等待甲方/第三方/备件，暂停计时：/wait 编号 原因",
                 "en": "put a ticket on hold for the client / a third party / parts (clock paused): /wait N reason"},
    "cmd.resume": {"zh_CN": "结束工单等待，恢复计时：/resume 编号",
                   "en": "end a ticket's wait, the clock runs again: /resume N"},
    "tk.usage.wait": {
        "zh_CN": "请写工单编号和等待原因（待甲方确认、等待第三方、待备件），例如：/wait 12 待备件 硬盘已下单",
        "en": "Please give the ticket number and what it waits for (client, third party, parts), "
              "e.g. /wait 12 parts disk ordered"},
    "tk.usage.resume": {"zh_CN": "请写工单编号，例如：/resume 12",
                        "en": "Please give the ticket number, e.g. /resume 12"},
    # -- reasons ----------------------------------------------------------------------------------------------
    "tk.wait.reason.client": {"zh_CN": "待甲方确认", "en": "waiting for the client"},
    "tk.wait.reason.third_party": {"zh_CN": "等待第三方", "en": "waiting for a third party"},
    "tk.wait.reason.parts": {"zh_CN": "待备件", "en": "waiting for spare parts"},
    "tk.wait.ask": {"zh_CN": "工单 #{id} 在等待什么？选择后暂停计时。",
                    "en": "What does ticket #{id} wait for? The clock pauses once you choose."},
    # -- answers ----------------------------------------------------------------------------------------------
    "tk.waiting": {"zh_CN": "⏸ 工单 #{id}：{reason}，{since} 起暂停计时（超期提醒也暂停）。已通知报告人；"
                            "等待结束后发送 /resume {id}，截止时间将按暂停的工作时间顺延。",
                   "en": "⏸ Ticket #{id}: {reason}, clock paused since {since} (overdue reminders too). The "
                         "requester was told; send /resume {id} when it ends: the due time moves by the paused "
                         "working time."},
    "tk.resumed": {"zh_CN": "▶️ 工单 #{id} 恢复计时：本次暂停工作时间 {paused}（累计 {total}），截止时间顺延至 {due}。",
                   "en": "▶️ Ticket #{id}: clock running again. Paused working time {paused} (in all {total}); "
                         "now due {due}."},
    "tk.wait.vendor_only": {"zh_CN": "只有乙方工程师可以将工单置为等待。",
                            "en": "Only the vendor's engineers can put a ticket on hold."},
    "tk.wait.not_yours": {"zh_CN": "只有报告人、甲方或乙方工程师可以结束工单 #{id} 的等待。",
                          "en": "Only the requester, the client side or the vendor's engineers can end ticket "
                                "#{id}'s wait."},
    "tk.wait.urgent": {"zh_CN": "工单 #{id} 是紧急请求，按一小时到岗规则考核，不能暂停计时。",
                       "en": "Ticket #{id} is an urgent request: the one-hour arrival rule decides it, its clock "
                             "cannot pause."},
    "tk.wait.already": {"zh_CN": "工单 #{id} 已在等待（{reason}，{since} 起）。",
                        "en": "Ticket #{id} is already on hold ({reason}, since {since})."},
    "tk.wait.overdue": {"zh_CN": "工单 #{id} 已于 {due} 超期，超期后不能再暂停计时。",
                        "en": "Ticket #{id} was due {due}: once overdue its clock can no longer pause."},
    "tk.wait.not_waiting": {"zh_CN": "工单 #{id} 没有在等待，计时正常进行。",
                            "en": "Ticket #{id} is not on hold; its clock is running."},
    "tk.btn.resume": {"zh_CN": "▶️ 已处理，恢复计时", "en": "▶️ Done, resume the clock"},
    "tk.notify.waiting": {
        "zh_CN": "⏸ 您报告的工单 #{id}（{text}）{reason}：{note}\n{name} 于 {since} 暂停计时。"
                 "处理好后请点下方按钮或发送 /resume {id}。",
        "en": "⏸ Your ticket #{id} ({text}) is {reason}: {note}\n{name} paused its clock at {since}. When it is "
              "done, press the button below or send /resume {id}."},
    "tk.notify.resumed": {"zh_CN": "▶️ {name} 结束了工单 #{id} 的等待：暂停工作时间 {paused}，截止时间顺延至 {due}。",
                          "en": "▶️ {name} ended ticket #{id}'s wait: paused working time {paused}, now due {due}."},
    "tk.show.waiting": {"zh_CN": "\n⏸ 等待中：{reason}（{since} 起）{note}",
                        "en": "\n⏸ On hold: {reason} (since {since}) {note}"},
    "tk.show.paused": {"zh_CN": "\n累计暂停工作时间：{paused}（不计入处理时限）",
                       "en": "\nPaused working time in all: {paused} (not counted)"},
    "tk.list.waiting": {"zh_CN": " ⏸等待中", "en": " ⏸on hold"},
    "tk.act.wait": {"zh_CN": "暂停计时（等待）", "en": "paused the clock (on hold)"},
    "tk.act.resume": {"zh_CN": "恢复计时", "en": "resumed the clock"},
    "tk.duration.hm": {"zh_CN": "{h}小时{m}分钟", "en": "{h} h {m} min"},
    "tk.duration.h": {"zh_CN": "{h}小时", "en": "{h} h"},
    "tk.duration.m": {"zh_CN": "{m}分钟", "en": "{m} min"},
    # -- the score ----------------------------------------------------------------------------------------------
    "score.why.paused": {
        "zh_CN": "⏸ 等待时间不计（完成率）：{n} 张工单暂停计时共 {paused}，截止时间已相应顺延；"
                 "当前仍在等待 {waiting} 张（暂不计入）。",
        "en": "⏸ Waiting time not counted (completion): {n} tickets paused for {paused} in all, their due times "
              "moved by it; {waiting} still on hold (not counted yet)."},
    "report.detail.completion.paused_tickets": {"zh_CN": "曾暂停计时的工单", "en": "Tickets that waited"},
    "report.detail.completion.paused_minutes": {"zh_CN": "暂停的工作时间（分钟）",
                                                "en": "Paused working time (minutes)"},
    "report.detail.completion.waiting_now": {"zh_CN": "正在等待（暂不计入）", "en": "On hold now (not counted yet)"},
    # -- acknowledging an urgent request with a note and an estimated arrival (item 5) ---------------------------
    "urg.btn.eta.10": {"zh_CN": "10分钟到", "en": "10 min"},
    "urg.btn.eta.20": {"zh_CN": "20分钟到", "en": "20 min"},
    "urg.btn.eta.30": {"zh_CN": "30分钟到", "en": "30 min"},
    "urg.btn.eta.45": {"zh_CN": "45分钟到", "en": "45 min"},
    "urg.eta_note": {"zh_CN": "收到，预计 {minutes} 分钟到", "en": "Got it, there in about {minutes} min"},
    "urg.eta_hint": {"zh_CN": "预计多久到？点下方按钮，或发送 /ack {id} 收到，预计10:30到",
                     "en": "When will you be there? Press a button below, or send /ack {id} got it, in 20 min"},
    "urg.acked_eta": {"zh_CN": "已确认收到紧急请求 #{id}，预计 {eta} 到（已告知报告人和项目群）。"
                               "到岗时限仍是 {deadline}。",
                      "en": "Urgent request #{id} acknowledged, arriving about {eta} (the raiser and the group were "
                            "told). The deadline is still {deadline}."},
    "urg.acked_note": {"zh_CN": "已确认收到紧急请求 #{id}：{note}（已告知报告人和项目群）。请于 {deadline} 前到岗。",
                       "en": "Urgent request #{id} acknowledged: {note} (the raiser and the group were told). Be on "
                             "site by {deadline}."},
    "urg.ack_eta_raiser": {"zh_CN": "👍 {name} 已收到您的紧急请求 #{id}：{note}\n"
                                    "预计 {eta} 到（到岗时限 {deadline}）。",
                           "en": "👍 {name} got your urgent request #{id}: {note}\nArriving about {eta} (deadline "
                                 "{deadline})."},
    "urg.ack_note_raiser": {"zh_CN": "👍 {name} 已收到您的紧急请求 #{id}：{note}",
                            "en": "👍 {name} got your urgent request #{id}: {note}"},
    "urg.ack_eta_group": {"zh_CN": "👍 紧急请求 #{id}：{name} 已收到，预计 {eta} 到（到岗时限 {deadline}）。{note}",
                          "en": "👍 Urgent request #{id}: {name} is on it, arriving about {eta} (deadline "
                                "{deadline}). {note}"},
    "urg.ack_note_group": {"zh_CN": "👍 紧急请求 #{id}：{name} 已收到。{note}",
                           "en": "👍 Urgent request #{id}: {name} is on it. {note}"},
    "urg.eta_bad": {"zh_CN": "预计到达时间 {eta} 不对（已过去或在 12 小时以后）。例如：{examples}",
                    "en": "The estimated arrival {eta} cannot be right (passed, or more than 12 hours away). "
                          "For example: {examples}"},
    "urg.eta_examples": {"zh_CN": "/ack 12 收到，预计20分钟到、/ack 12 预计10:30到、/ack 12 20 min",
                         "en": "/ack 12 got it, in 20 min, /ack 12 预计10:30到, /ack 12 20 min"},
    "urg.status.eta": {"zh_CN": "；预计 {eta} 到", "en": "; estimated arrival {eta}"},
    "urg.status.eta_missed": {"zh_CN": "；⚠️ 未按预计 {eta} 到达（不单独计为超时，以一小时到岗为准）",
                              "en": "; ⚠️ missed the estimate of {eta} (not a breach by itself: the one hour "
                                    "decides)"},
    "web.urg.eta": {"zh_CN": "预计到达（{name}：{note}）", "en": "estimated arrival ({name}: {note})"},
    "web.urg.eta_missed": {"zh_CN": "⚠️ 未按预计时间到达（不单独计为超时）",
                           "en": "⚠️ estimate missed (not a breach by itself)"},
    # -- leave that touches duty (item 6) ------------------------------------------------------------------------
    "oc.leave.swap_ask_peer": {"zh_CN": "🔄 {name} 的请假已批准，{day} 原由其值班。请您替其值 {day} 的班，是否同意？",
                               "en": "🔄 {name}'s leave was approved and they were on duty on {day}. Will you take "
                                     "their duty on {day}?"},
    "oc.leave.swap_proposed_own": {"zh_CN": "您请假的 {day} 原排有值班，已请 {peer} 替班（对方同意后由主管批准）。",
                                   "en": "You were on duty on {day}, a day of your leave: {peer} was asked to take "
                                         "it (their OK, then a supervisor's)."},
    "oc.leave.swap_proposed": {"zh_CN": "🔄 {name} 请假，{day} 的值班已请 {peer} 替班。可替班的人：{names}。",
                               "en": "🔄 {name} is on leave; {peer} was asked to take the duty on {day}. Who could "
                                     "cover: {names}."},
    "oc.leave.gap": {"zh_CN": "⚠️ 值班缺口：{name} 请假，{day} 原由其值班，但没有可替班的工程师（都在请假或已值班）。"
                              "请用 /oncall set {day} 姓名 重新安排，否则当天紧急请求只能找项目负责人。",
                     "en": "⚠️ Duty gap: {name} is on leave on {day}, a duty day, and no engineer could cover (all on "
                           "leave or on duty). Set it with /oncall set {day} name, or urgent requests that day go "
                           "to the lead only."},
    "oc.leave.gap_own": {"zh_CN": "您请假的 {day} 原排有值班，目前没有人可替班，已提醒项目负责人和主管重新安排。",
                         "en": "You were on duty on {day}, a day of your leave; nobody could cover yet, so the lead "
                               "and the supervisors were told to rearrange it."},
}
