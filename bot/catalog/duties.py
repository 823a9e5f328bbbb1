"""Contract duties (#8): staff changes, onboarding papers, security incidents, drills, audit, data lifecycle."""

_PAPERS = {
    "confidentiality": ("安全保密承诺书", "confidentiality commitment"),
    "no_criminal_record": ("无犯罪记录证明", "no-criminal-record certificate"),
    "training": ("安全培训", "security training"),
}
_SECTIONS = {
    "discovery": ("发现经过", "discovery"),
    "cause": ("原因分析", "cause"),
    "impact": ("影响范围", "impact"),
    "handling": ("处置方案", "handling plan"),
    "approval": ("甲方批准处置方案", "client's approval of the plan"),
    "improvements": ("改进措施", "improvements"),
}
_SECTION_WORD = {"discovery": "发现", "cause": "原因", "impact": "影响", "handling": "处置", "improvements": "改进"}
_SCENARIOS = {
    "key_staff_loss": ("关键人员流失", "loss of key staff"),
    "exit_voluntary": ("乙方主动退出服务", "vendor leaves the service voluntarily"),
    "exit_qualification": ("乙方丧失资质退出服务", "vendor loses its qualification"),
    "exit_acquisition": ("乙方被收购退出服务", "vendor is acquired"),
    "exit_merger": ("乙方合并退出服务", "vendor merges"),
    "exit_bankruptcy": ("乙方破产退出服务", "vendor goes bankrupt"),
}

MESSAGES: dict[str, dict[str, str]] = {
    # -- commands ------------------------------------------------------------------------------------------
    "cmd.staffchange": {"zh_CN": "申请更换驻场工程师（需甲方批准，交接不少于20天）",
                        "en": "ask to replace an on-site engineer (client approval, hand-over ≥ 20 days)"},
    "cmd.replace": {"zh_CN": "甲方要求更换驻场工程师", "en": "client: demand that an engineer be replaced"},
    "cmd.compliance": {"zh_CN": "查看保密承诺书、无犯罪记录证明、安全培训情况",
                       "en": "confidentiality, certificate and training status of everyone"},
    "cmd.papers": {"zh_CN": "登记收到的材料：/papers 姓名 保密承诺 日期",
                   "en": "record a paper received: /papers name confidentiality date"},
    "cmd.drills": {"zh_CN": "查看应急演练计划与结果", "en": "the emergency drill plan and results"},
    "cmd.drill": {"zh_CN": "安排演练或登记结果：/drill plan … 或 /drill done …",
                  "en": "plan a drill or record its result: /drill plan … or /drill done …"},
    "cmd.incident": {"zh_CN": "报告安全事件（立即通知甲方）并补充报告",
                     "en": "report a security incident (client told at once) and complete the report"},
    "cmd.incidents": {"zh_CN": "查看安全事件及处理状态", "en": "list security incidents and their status"},
    "cmd.audit": {"zh_CN": "查看操作记录：/audit [时间段] [姓名]", "en": "the audit trail: /audit [period] [person]"},
    "duty.done_toast": {"zh_CN": "已记录", "en": "Recorded"},
    "duty.bad_day": {
        "zh_CN": "没看懂日期「{text}」。可以这样写：2022-11-01、11月1日、下周一、明天",
        "en": "I could not read the date “{text}”. Dates that work: 2022-11-01, Nov 1, next monday, tomorrow",
    },
    # -- staff changes -----------------------------------------------------------------------------------
    "staff.change_usage": {
        "zh_CN": "用法：/staffchange 离任人 新人姓名:TelegramID 开始日期 原因\n"
                 "例如：/staffchange {example} 郑新人:100003 2022-11-01 个人原因\n"
                 "甲方联系人批准后开始交接，交接不少于 {days} 天后离任人才解除。\n\n进行中的人员变更：\n{open}",
        "en": "Usage: /staffchange <leaving> <new name>:<Telegram id> <start date> <reason>\n"
              "Example: /staffchange {example} 郑新人:100003 2022-11-01 personal reasons\n"
              "After the client's contact approves, the hand-over starts; the leaver is released after at least "
              "{days} days.\n\nStaff changes in progress:\n{open}",
    },
    "staff.line.demanded": {"zh_CN": "#{id} 甲方要求更换 {leaving}，待负责人提名接替人员",
                            "en": "#{id} client demands replacing {leaving}; the lead has to name the joiner"},
    "staff.line.pending": {"zh_CN": "#{id} {leaving} → {joining}（{start} 起），待甲方批准",
                           "en": "#{id} {leaving} → {joining} (from {start}), waiting for the client's approval"},
    "staff.line.handover": {"zh_CN": "#{id} {leaving} → {joining} 交接中，{release} 解除 {leaving}",
                            "en": "#{id} {leaving} → {joining} in hand-over; {leaving} is released on {release}"},
    "staff.bad_joiner": {
        "zh_CN": "没看懂新人「{text}」。请写成 姓名:TelegramID，例如 郑新人:100003",
        "en": "I could not read the joiner “{text}”. Write name:Telegram id, for example 郑新人:100003",
    },
    "staff.client_only": {"zh_CN": "只有甲方联系人或甲方主管可以要求更换人员。",
                          "en": "Only the client's contact or a supervisor may demand a replacement."},
    "staff.not_an_engineer": {"zh_CN": "「{name}」不是在岗的驻场工程师。",
                              "en": "“{name}” is not an on-site engineer on the project."},
    "staff.already_open": {"zh_CN": "{name} 已有进行中的人员变更 #{id}。",
                           "en": "{name} already has staff change #{id} in progress."},
    "staff.demand_notice": {
        "zh_CN": "📋 甲方（{by}）要求更换驻场工程师 {name}（变更 #{id}）。\n原因：{reason}\n"
                 "请提名接替人员，例如：\n/staffchange {name} 郑新人:100003 {start} {reason}",
        "en": "📋 The client ({by}) demands that {name} be replaced (change #{id}).\nReason: {reason}\n"
              "Please name the joiner, for example:\n/staffchange {name} 郑新人:100003 {start} {reason}",
    },
    "staff.start_in_past": {"zh_CN": "开始日期 {date} 已经过去，请填今天或以后的日期。",
                            "en": "The start date {date} has passed; give today or a later date."},
    "staff.joiner_exists": {"zh_CN": "名单中已有「{name}」或 Telegram ID {telegram_id}，请核对。",
                            "en": "“{name}” or Telegram id {telegram_id} is already on the roster; please check."},
    "staff.btn_approve": {"zh_CN": "✅ 同意", "en": "✅ Approve"},
    "staff.btn_reject": {"zh_CN": "❌ 不同意", "en": "❌ Reject"},
    "staff.approval_request": {
        "zh_CN": "📋 人员变更申请 #{id}（{lead}）\n离任：{leaving}\n接任：{joining}，{start} 到岗\n原因：{reason}\n"
                 "批准后交接 {days} 天，{release} 起解除 {leaving}。请审批：",
        "en": "📋 Staff change request #{id} ({lead})\nLeaving: {leaving}\nJoining: {joining}, on site from {start}\n"
              "Reason: {reason}\nIf approved, the hand-over lasts {days} days and {leaving} is released on "
              "{release}. Please decide:",
    },
    "staff.change_requested": {
        "zh_CN": "已提交人员变更 #{id}：{leaving} → {joining}，{start} 起交接，最早 {release} 解除 {leaving}。"
                 "已发给 {asked} 位甲方联系人审批。",
        "en": "Staff change #{id} submitted: {leaving} → {joining}, hand-over from {start}, {leaving} released "
              "on {release} at the earliest. Sent to {asked} client contact(s) for approval.",
    },
    "staff.only_client_contact": {"zh_CN": "人员变更需由甲方项目联系人审批。",
                                  "en": "A staff change is approved by the client's project contact."},
    "staff.unknown_change": {"zh_CN": "没有人员变更 #{id}。", "en": "There is no staff change #{id}."},
    "staff.already_decided": {"zh_CN": "人员变更 #{id} 已处理过了。", "en": "Staff change #{id} was decided already."},
    "staff.rejected_notice": {"zh_CN": "❌ 甲方（{by}）未同意人员变更 #{id}（{leaving} → {joining}）。",
                              "en": "❌ The client ({by}) rejected staff change #{id} ({leaving} → {joining})."},
    "staff.handover_notice": {
        "zh_CN": "✅ 甲方（{by}）已同意人员变更 #{id}：{joining} 于 {start} 到岗开始交接；"
                 "{leaving} 的最后交接日为 {last_day}，{release} 解除。",
        "en": "✅ The client ({by}) approved staff change #{id}: {joining} starts the hand-over on {start}; "
              "{leaving}'s last hand-over day is {last_day}, released on {release}.",
    },
    "staff.welcome": {
        "zh_CN": "欢迎加入「{project}」！您将于 {start} 到岗，与 {leaving} 交接至 {last_day}。"
                 "请在到岗后 15 个工作日内提交安全保密承诺书和无犯罪记录证明。发送 /help 查看可用命令。",
        "en": "Welcome to “{project}”! You start on {start} and take over from {leaving} until {last_day}. "
              "Please hand in the confidentiality commitment and the no-criminal-record certificate within 15 "
              "working days. Send /help to see your commands.",
    },
    "staff.released_notice": {
        "zh_CN": "👋 人员变更 #{id} 完成：交接 {days} 天已满，{leaving} 于 {last_day} 离任，{joining} 正式接任。",
        "en": "👋 Staff change #{id} is complete: the {days}-day hand-over is over, {leaving} left on {last_day} "
              "and {joining} has taken over.",
    },
    "staff.replace_usage": {
        "zh_CN": "用法：/replace 姓名 原因\n例如：/replace {example} 多次未按时到岗",
        "en": "Usage: /replace <name> <reason>\nExample: /replace {example} repeatedly late on site",
    },
    "staff.replace_done": {
        "zh_CN": "已记录更换要求 #{id}（{name}），并通知乙方负责人提名接替人员，提名后会请您审批。",
        "en": "Replacement demand #{id} ({name}) recorded; the vendor's lead is asked to name a joiner, "
              "whom you will be asked to approve.",
    },
    "staff.approved_reply": {
        "zh_CN": "✅ 已同意人员变更 #{id}：{joining} 于 {start} 开始交接，{release} 解除离任人。",
        "en": "✅ Staff change #{id} approved: {joining} starts the hand-over on {start}; the leaver is released "
              "on {release}.",
    },
    "staff.rejected_reply": {"zh_CN": "❌ 已驳回人员变更 #{id}。", "en": "❌ Staff change #{id} rejected."},
    # -- onboarding papers -------------------------------------------------------------------------------------
    **{f"papers.kind.{k}": {"zh_CN": zh, "en": en} for k, (zh, en) in _PAPERS.items()},
    **{f"papers.reminder.{k}": {
        "zh_CN": f"⏰ 提醒：{{name}} 的{zh}应于 {{due}} 前提交/完成。收到后请用 /papers 登记。",
        "en": f"⏰ Reminder: {{name}}'s {en} is due by {{due}}. Record it with /papers when received.",
    } for k, (zh, en) in _PAPERS.items()},
    **{f"papers.overdue.{k}": {
        "zh_CN": f"⚠️ {{name}} 的{zh}已逾期（应于 {{due}} 前），请尽快补交并用 /papers 登记。",
        "en": f"⚠️ {{name}}'s {en} is overdue (was due by {{due}}); please hand it in and record it with /papers.",
    } for k, (zh, en) in _PAPERS.items()},
    "papers.state.done": {"zh_CN": "✅ {received}", "en": "✅ {received}"},
    "papers.state.done_next": {"zh_CN": "✅ {received}（下次 {due} 前）", "en": "✅ {received} (next by {due})"},
    "papers.state.pending": {"zh_CN": "⏳ 待交，{due} 前", "en": "⏳ due by {due}"},
    "papers.state.overdue": {"zh_CN": "⚠️ 已逾期（应于 {due} 前）", "en": "⚠️ overdue (was due by {due})"},
    "papers.person": {"zh_CN": "👤 {name}（{start} 到岗）", "en": "👤 {name} (on site from {start})"},
    "papers.item": {"zh_CN": "  · {paper}：{state}", "en": "  · {paper}: {state}"},
    "papers.status": {"zh_CN": "📑 入场材料与安全培训（逾期 {overdue} 项）\n\n{people}",
                      "en": "📑 Onboarding papers and security training ({overdue} overdue)\n\n{people}"},
    "papers.usage": {
        "zh_CN": "用法：/papers 姓名 材料 日期\n材料：保密承诺、无犯罪记录、安全培训\n"
                 "例如：/papers {example} 保密承诺 2022-10-09",
        "en": "Usage: /papers <name> <paper> <date>\nPaper: confidentiality, no_criminal_record, training\n"
              "Example: /papers {example} confidentiality 2022-10-09",
    },
    "papers.bad_kind": {
        "zh_CN": "没看懂材料「{text}」。可选：保密承诺、无犯罪记录、安全培训",
        "en": "I could not read the paper “{text}”. Choose: confidentiality, no_criminal_record, training",
    },
    "papers.future_date": {"zh_CN": "日期 {date} 还没到，请填实际收到（或培训）的日期。",
                           "en": "{date} has not come yet; give the day it was received (or held)."},
    "papers.before_start": {
        "zh_CN": "日期 {date} 早于 {name} 的到岗日期 {start}，请填到岗后实际收到（或培训）的日期。",
        "en": "{date} is before {name} started on the project ({start}); give the day it was received (or held).",
    },
    "papers.already_recorded": {"zh_CN": "{name} 在 {date} 的这项记录已经登记过了。",
                                "en": "This record of {name} on {date} was already recorded."},
    "papers.recorded": {"zh_CN": "已登记：{name} 的{paper}，{date}。当前状态：{state}",
                        "en": "Recorded: {name}'s {paper}, {date}. Status now: {state}"},
    # -- security incidents --------------------------------------------------------------------------------
    **{f"incident.section.{k}": {"zh_CN": zh, "en": en} for k, (zh, en) in _SECTIONS.items()},
    **{f"incident.ask.{k}": {
        "zh_CN": f"请补充安全事件 #{{id}} 的「{zh}」：直接回复本消息，"
                 f"或发送 /incident {{id}} {_SECTION_WORD[k]} 内容。",
        "en": f"Please add the {en} of security incident #{{id}}: reply to this message, or send "
              f"/incident {{id}} {k} <text>.",
    } for k, (zh, en) in _SECTIONS.items() if k != "approval"},
    **{f"incident.remind.{k}": {
        "zh_CN": f"⏰ 安全事件 #{{id}}（{{summary}}）的报告尚未完成，请补充「{zh}」：直接回复本消息，"
                 f"或发送 /incident {{id}} {_SECTION_WORD[k]} 内容。",
        "en": f"⏰ The report of security incident #{{id}} ({{summary}}) is not complete: please add the {en} — "
              f"reply to this message, or send /incident {{id}} {k} <text>.",
    } for k, (zh, en) in _SECTIONS.items() if k != "approval"},
    **{f"incident.approval.{k}": {"zh_CN": zh, "en": en} for k, (zh, en) in {
        "none": ("尚未提交处置方案", "no plan submitted yet"), "requested": ("待甲方批准", "waiting for the client"),
        "approved": ("甲方已批准", "approved by the client"), "returned": ("甲方退回修改", "returned for revision"),
    }.items()},
    "incident.usage": {
        "zh_CN": "用法：/incident 事件描述（立即通知甲方联系人、主管和乙方负责人）\n"
                 "补充报告：/incident 编号 发现|原因|影响|处置|改进 内容\n例如：/incident 3 原因 防火墙策略配置错误",
        "en": "Usage: /incident <what happened> (the client's contact, supervisors and the lead are told at once)\n"
              "Complete the report: /incident <N> discovery|cause|impact|handling|improvements <text>\n"
              "Example: /incident 3 cause a wrong firewall rule",
    },
    "incident.section_usage": {
        "zh_CN": "请在项目名称后写内容：/incident {id} 发现|原因|影响|处置|改进 内容。",
        "en": "Write the text after the section: /incident {id} discovery|cause|impact|handling|improvements "
              "<text>.",
    },
    "incident.alert": {
        "zh_CN": "🚨 安全事件 #{id}（{at}）\n报告人：{reporter}\n情况：{summary}\n"
                 "请立即关注，报告人将继续补充原因、影响和处置方案。",
        "en": "🚨 Security incident #{id} ({at})\nReported by: {reporter}\nWhat happened: {summary}\n"
              "Please attend now; the reporter will add the cause, impact and handling plan.",
    },
    "incident.reported": {
        "zh_CN": "已登记安全事件 #{id}，并已立即通知 {alerted} 位甲方联系人/主管/乙方负责人。",
        "en": "Security incident #{id} recorded; {alerted} client contact(s)/supervisor(s)/lead(s) were told at once.",
    },
    "incident.section_saved": {"zh_CN": "已记录事件 #{id} 的「{section}」。",
                               "en": "Saved the {section} of incident #{id}."},
    "incident.unknown": {"zh_CN": "没有安全事件 #{id}。", "en": "There is no security incident #{id}."},
    "incident.closed": {"zh_CN": "安全事件 #{id} 的报告已完成，不能再修改。",
                        "en": "The report of security incident #{id} is complete and can no longer change."},
    "incident.bad_section": {"zh_CN": "没有「{section}」这一项。", "en": "There is no section “{section}”."},
    "incident.not_yours": {"zh_CN": "只有报告人、项目负责人或管理员可以补充事件 #{id}。",
                           "en": "Only the reporter, the lead or an administrator may add to incident #{id}."},
    "incident.btn_approve": {"zh_CN": "✅ 批准方案", "en": "✅ Approve plan"},
    "incident.btn_return": {"zh_CN": "↩️ 退回修改", "en": "↩️ Return for revision"},
    "incident.plan_request": {
        "zh_CN": "📝 安全事件 #{id}（{summary}）的处置方案待您批准（{reporter}）：\n{plan}",
        "en": "📝 The handling plan of security incident #{id} ({summary}) needs your approval ({reporter}):\n{plan}",
    },
    "incident.client_only": {"zh_CN": "处置方案由甲方联系人或甲方主管批准。",
                             "en": "The handling plan is approved by the client's contact or a supervisor."},
    "incident.no_plan_pending": {"zh_CN": "事件 #{id} 目前没有待批准的处置方案。",
                                 "en": "Incident #{id} has no handling plan waiting for approval."},
    "incident.plan_approved": {"zh_CN": "✅ {by} 已批准安全事件 #{id} 的处置方案。",
                               "en": "✅ {by} approved the handling plan of security incident #{id}."},
    "incident.plan_returned": {
        "zh_CN": "↩️ {by} 退回了安全事件 #{id} 的处置方案，请修改后直接回复本消息，"
                 "或发送 /incident {id} 处置 新方案。",
        "en": "↩️ {by} returned the handling plan of security incident #{id}. Reply to this message with a "
              "revised plan, or send /incident {id} handling <plan>.",
    },
    "incident.plan_approved_reply": {"zh_CN": "✅ 已批准事件 #{id} 的处置方案。",
                                     "en": "✅ The handling plan of incident #{id} is approved."},
    "incident.plan_returned_reply": {"zh_CN": "↩️ 已退回事件 #{id} 的处置方案，报告人会修改。",
                                     "en": "↩️ The plan of incident #{id} was returned; the reporter will revise it."},
    "incident.completed": {
        "zh_CN": "📄 安全事件 #{id} 报告已完成\n情况：{summary}\n发现经过：{discovery}\n原因分析：{cause}\n"
                 "影响范围：{impact}\n处置方案（甲方已批准）：{handling}\n改进措施：{improvements}",
        "en": "📄 The report of security incident #{id} is complete\nWhat happened: {summary}\nDiscovery: {discovery}\n"
              "Cause: {cause}\nImpact: {impact}\nHandling (approved by the client): {handling}\n"
              "Improvements: {improvements}",
    },
    "incident.report_complete": {"zh_CN": "📄 事件 #{id} 的报告已完整，已发送给甲方和负责人。",
                                 "en": "📄 The report of incident #{id} is complete and was sent to the client "
                                       "and the lead."},
    "incident.waiting_approval": {"zh_CN": "事件 #{id} 的各项已填写，正在等待甲方批准处置方案。",
                                  "en": "Every section of incident #{id} is filled; the plan waits for the "
                                        "client's approval."},
    "incident.status.open": {"zh_CN": "待补充：{missing}", "en": "missing: {missing}"},
    "incident.status.closed": {"zh_CN": "✅ 已完成", "en": "✅ complete"},
    "incident.detail_line": {"zh_CN": "{section}：{text}", "en": "{section}: {text}"},
    "incident.detail": {
        "zh_CN": "🚨 安全事件 #{id}：{summary}\n{sections}\n处置方案：{approval}\n状态：{status}",
        "en": "🚨 Security incident #{id}: {summary}\n{sections}\nHandling plan: {approval}\nStatus: {status}",
    },
    "incident.line": {"zh_CN": "#{id} {at} {reporter}：{summary}（{status}）",
                      "en": "#{id} {at} {reporter}: {summary} ({status})"},
    "incident.list": {"zh_CN": "🚨 安全事件：\n{incidents}", "en": "🚨 Security incidents:\n{incidents}"},
    # -- emergency drills --------------------------------------------------------------------------------
    **{f"drill.scenario.{k}": {"zh_CN": zh, "en": en} for k, (zh, en) in _SCENARIOS.items()},
    "drill.plan": {
        "zh_CN": "🧯 应急演练计划：\n{drills}\n\n合同要求、尚未安排的场景：\n{unscheduled}\n\n"
                 "安排：/drill plan 场景 日期（如 /drill plan S1 2022-11-20）；登记结果：/drill done 编号 结果",
        "en": "🧯 Emergency drill plan:\n{drills}\n\nContract scenarios not planned yet:\n{unscheduled}\n\n"
              "Plan: /drill plan <scenario> <date> (e.g. /drill plan S1 2022-11-20); result: /drill done <N> <result>",
    },
    "drill.line.planned": {"zh_CN": "#{id} {date} {scenario}（待演练）", "en": "#{id} {date} {scenario} (planned)"},
    "drill.line.done": {"zh_CN": "#{id} {date} {scenario} ✅ {result}", "en": "#{id} {date} {scenario} ✅ {result}"},
    "drill.unscheduled_line": {"zh_CN": "{code} {scenario}", "en": "{code} {scenario}"},
    "drill.usage": {
        "zh_CN": "用法：/drill plan 场景 日期（场景可写 S1–S6 或名称）\n/drill done 编号 结果\n"
                 "例如：/drill done 1 演练顺利，备用人员30分钟内到岗",
        "en": "Usage: /drill plan <scenario> <date> (scenario: S1–S6 or a name)\n/drill done <N> <result>\n"
              "Example: /drill done 1 went well, stand-in on site within 30 minutes",
    },
    "drill.date_in_past": {"zh_CN": "日期 {date} 已经过去，请安排今天或以后的日期。",
                           "en": "{date} has passed; plan it for today or later."},
    "drill.already_planned": {"zh_CN": "这个场景在 {date} 已经安排过了。",
                              "en": "This scenario is already planned on {date}."},
    "drill.unknown": {"zh_CN": "没有演练 #{id}，请看 /drills。", "en": "There is no drill #{id}; see /drills."},
    "drill.already_done": {"zh_CN": "演练 #{id} 的结果已经登记过了。",
                           "en": "Drill #{id}'s result is already recorded."},
    "drill.planned": {"zh_CN": "已安排演练 #{id}：{date} {scenario}。届时会提前提醒。",
                      "en": "Drill #{id} planned: {date} {scenario}. Reminders will follow."},
    "drill.recorded": {"zh_CN": "已登记演练 #{id}（{scenario}）的结果：{result}",
                       "en": "Recorded the result of drill #{id} ({scenario}): {result}"},
    "drill.result_notice": {"zh_CN": "🧯 应急演练 #{id}（{scenario}，{date}）已完成，{by} 登记结果：{result}",
                            "en": "🧯 Emergency drill #{id} ({scenario}, {date}) is done; {by} recorded: {result}"},
    "drill.remind": {"zh_CN": "⏰ 应急演练 #{id}「{scenario}」定于 {date}，请提前准备。",
                     "en": "⏰ Emergency drill #{id} “{scenario}” is planned on {date}; please prepare."},
    "drill.today": {"zh_CN": "🧯 今天（{date}）进行应急演练 #{id}「{scenario}」，"
                              "完成后请用 /drill done {id} 结果 登记。",
                    "en": "🧯 Emergency drill #{id} “{scenario}” is today ({date}); record it with "
                          "/drill done {id} <result>."},
    "drill.overdue": {"zh_CN": "⚠️ 应急演练 #{id}「{scenario}」（{date}）还没有登记结果，"
                                "请用 /drill done {id} 结果 登记。",
                      "en": "⚠️ Emergency drill #{id} “{scenario}” ({date}) has no result yet; record it with "
                            "/drill done {id} <result>."},
    # -- audit ------------------------------------------------------------------------------------------
    "audit.line": {"zh_CN": "{at} {actor} {action} {target}", "en": "{at} {actor} {action} {target}"},
    "audit.everyone": {"zh_CN": "所有人", "en": "everyone"},
    "audit.list": {
        "zh_CN": "🔎 操作记录 {first} 至 {last}（{who}）：共 {total} 条，显示最近 {shown} 条{narrow}\n{lines}",
        "en": "🔎 Audit trail {first} to {last} ({who}): {total} entries, the latest {shown} shown{narrow}\n{lines}",
    },
    "audit.narrow": {"zh_CN": "（更早的记录请缩短时间段查看，例如 /audit {first} 至 {last}）",
                     "en": " (for the earlier ones, ask for a shorter period, e.g. /audit {first} to {last})"},
    "audit.empty": {"zh_CN": "🔎 {first} 至 {last}（{who}）没有操作记录。",
                    "en": "🔎 No audit entries from {first} to {last} ({who})."},
    # -- data lifecycle --------------------------------------------------------------------------------------
    "data.backup_failed": {"zh_CN": "⚠️ 每日自动备份失败：{error}。请检查磁盘和备份目录。",
                           "en": "⚠️ The daily backup failed: {error}. Please check the disk and the backup folder."},
}
