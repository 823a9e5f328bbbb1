"""Texts of tickets (work orders), the FAQ and the daily maintenance log."""

_SUMMARY_ZH = "工单 #{id}：{text}\n类别：{category}｜系统：{system}｜区域：{region}\n状态：{status}｜截止：{due}"
_SUMMARY_EN = ("Ticket #{id}: {text}\nKind: {category} | System: {system} | Region: {region}\n"
               "Status: {status} | Due: {due}")

MESSAGES: dict[str, dict[str, str]] = {
    # --- commands (/help and menus) ---
    "cmd.ticket": {"zh_CN": "报工单：/ticket 问题描述（或回复某条消息发 /ticket）；/ticket 编号 查看",
                   "en": "raise a ticket: /ticket description (or reply /ticket to a message); /ticket N shows one"},
    "cmd.tickets": {"zh_CN": "工单列表：/tickets [open|mine|overdue|本月…]",
                    "en": "list tickets: /tickets [open|mine|overdue|this month…]"},
    "cmd.take": {"zh_CN": "受理工单：/take 编号", "en": "take a ticket: /take N"},
    "cmd.resolve": {"zh_CN": "办结工单：/resolve 编号 处理情况", "en": "resolve a ticket: /resolve N what was done"},
    "cmd.reopen": {"zh_CN": "重新打开工单：/reopen 编号 原因", "en": "reopen a ticket: /reopen N why"},
    "cmd.rate": {"zh_CN": "评价工单：/rate 编号 满意|基本满意|不满意",
                 "en": "rate a ticket: /rate N satisfied|basically|unsatisfied"},
    "cmd.comment": {"zh_CN": "补充评价意见：/comment 编号 意见", "en": "comment on a rating: /comment N text"},
    "cmd.province": {"zh_CN": "登记省平台工单号：/province 编号 省平台单号",
                     "en": "record the province platform ticket number: /province N number"},
    "cmd.estimate": {"zh_CN": "定制开发工作量：/estimate 编号 人天",
                     "en": "custom development estimate: /estimate N days"},
    "cmd.ruling": {"zh_CN": "监理裁定定制开发：/ruling 编号 in|out 说明",
                   "en": "supervising engineer's ruling: /ruling N in|out note"},
    "cmd.checklist": {"zh_CN": "批量数据处理检查单：/checklist 编号 [备份|测试|验证|恢复]",
                      "en": "bulk processing checklist: /checklist N [backup|tested|verified|recovery]"},
    "cmd.faq": {"zh_CN": "常见问题：/faq 查看，/faq 关键词 搜索，/faq add 编号 收录",
                "en": "FAQ: /faq lists, /faq words searches, /faq add N adds a resolved ticket"},
    "cmd.daily": {"zh_CN": "日常巡检记录：/daily 巡检情况；/daily 查看今天的记录",
                  "en": "daily maintenance log: /daily what you checked; /daily alone shows today's"},

    # --- the contract's eleven kinds ---
    "tk.kind.ticket_service": {"zh_CN": "工单服务", "en": "Ticket service"},
    "tk.kind.testing": {"zh_CN": "软件测试", "en": "Software testing"},
    "tk.kind.parameter_change": {"zh_CN": "参数调整", "en": "Parameter change"},
    "tk.kind.data_fix": {"zh_CN": "数据修正/导入", "en": "Data fix / import"},
    "tk.kind.data_query": {"zh_CN": "数据查询统计", "en": "Data query / statistics"},
    "tk.kind.custom_dev": {"zh_CN": "本地定制开发", "en": "Local custom development"},
    "tk.kind.data_exchange": {"zh_CN": "数据交换/接口", "en": "Data exchange / interfaces"},
    "tk.kind.db_training": {"zh_CN": "数据库结构培训", "en": "Database structure training"},
    "tk.kind.bulk_processing": {"zh_CN": "批量数据处理", "en": "Bulk data processing"},
    "tk.kind.training_faq": {"zh_CN": "用户培训/答疑", "en": "User training / FAQ"},
    "tk.kind.client_rules": {"zh_CN": "甲方运维管理要求", "en": "Client's maintenance rules"},

    "tk.status.open": {"zh_CN": "待受理", "en": "open"},
    "tk.status.taken": {"zh_CN": "处理中", "en": "in progress"},
    "tk.status.resolved": {"zh_CN": "已办结待评价", "en": "resolved, awaiting rating"},
    "tk.status.closed": {"zh_CN": "已关闭", "en": "closed"},
    "tk.rating.satisfied": {"zh_CN": "满意", "en": "Satisfied"},
    "tk.rating.basically": {"zh_CN": "基本满意", "en": "Basically satisfied"},
    "tk.rating.unsatisfied": {"zh_CN": "不满意", "en": "Unsatisfied"},
    "tk.check.backup": {"zh_CN": "已备份", "en": "backup taken"},
    "tk.check.tested": {"zh_CN": "已测试", "en": "tested"},
    "tk.check.verified": {"zh_CN": "已验证", "en": "verified"},
    "tk.check.recovery": {"zh_CN": "应急恢复方案已就绪", "en": "recovery plan ready"},
    "tk.ruling.in": {"zh_CN": "合同内（免费实施）", "en": "within the contract (no charge)"},
    "tk.ruling.out": {"zh_CN": "合同外（另行商定）", "en": "outside the contract (to be agreed separately)"},
    "tk.unspecified": {"zh_CN": "未指定", "en": "not specified"},
    "tk.unassigned": {"zh_CN": "尚无处理人", "en": "no assignee yet"},
    "tk.list_separator": {"zh_CN": "、", "en": ", "},

    # --- buttons ---
    "tk.btn.take": {"zh_CN": "我来受理", "en": "Take it"},
    "tk.btn.keep_kind": {"zh_CN": "默认：工单服务", "en": "Default: ticket service"},
    "tk.btn.skip": {"zh_CN": "跳过", "en": "Skip"},
    "tk.btn.check": {"zh_CN": "确认{label}", "en": "Confirm {label}"},

    # --- raising and set-up ---
    "tk.created": {
        "zh_CN": "✅ 已登记" + _SUMMARY_ZH + "{due_note}\n\n请选择工单类别（不选即为「工单服务」）：",
        "en": "✅ Registered. " + _SUMMARY_EN + "{due_note}\n\nPlease choose the kind (default: ticket service):",
    },
    "tk.due.from_text": {"zh_CN": "（按您写的截止时间）", "en": " (the deadline you wrote)"},
    "tk.due.default": {"zh_CN": "（按类别默认时限）", "en": " (the kind's default time limit)"},
    "tk.setup.system": {"zh_CN": _SUMMARY_ZH + "\n\n涉及哪个系统？",
                        "en": _SUMMARY_EN + "\n\nWhich system is it about?"},
    "tk.setup.region": {"zh_CN": _SUMMARY_ZH + "\n\n哪个区域？", "en": _SUMMARY_EN + "\n\nWhich region?"},
    "tk.setup.done": {"zh_CN": "📋 " + _SUMMARY_ZH + "\n\n已通知驻场工程师，处理进展会私信告知您。",
                      "en": "📋 " + _SUMMARY_EN + "\n\nThe on-site engineers have been told; you will hear "
                                                  "about progress in a private message."},
    "tk.setup.saved": {"zh_CN": "已保存", "en": "Saved"},
    "tk.due_past": {"zh_CN": "截止时间 {due} 已经过去了，请写一个将来的时间，"
                             "例如：/ticket 社保卡系统无法登录 明天下午3点前",
                    "en": "The deadline {due} has already passed; please give a future time, for example: "
                          "/ticket card system login fails by tomorrow 3pm"},

    # --- lifecycle replies ---
    "tk.taken": {"zh_CN": "👍 您已受理工单 #{id}，截止 {due}。办结后请发送 /resolve {id} 处理情况",
                 "en": "👍 You took ticket #{id}, due {due}. When done send /resolve {id} what was done"},
    "tk.taken_toast": {"zh_CN": "已受理 #{id}，截止 {due}", "en": "Took #{id}, due {due}"},
    "tk.taken.edit": {"zh_CN": "{text}\n\n👍 {name} 已受理，截止 {due}。办结后请发送 /resolve {id} 处理情况",
                      "en": "{text}\n\n👍 Taken by {name}, due {due}. When done send /resolve {id} what was done"},
    "tk.resolved": {"zh_CN": "✅ 工单 #{id} 已办结{timing}，{asked}",
                    "en": "✅ Ticket #{id} resolved{timing}; {asked}"},
    "tk.resolved.asked_requester": {"zh_CN": "已请报告人评价。", "en": "the requester has been asked to rate it."},
    "tk.resolved.asked_client": {
        "zh_CN": "报告人就是处理人，不能自评，已请甲方（{names}）代为评价。",
        "en": "the requester worked on it and cannot rate it; the client side ({names}) was asked to rate it."},
    "tk.resolved.asked_nobody": {
        "zh_CN": "报告人就是处理人，不能自评；名单上没有可代为评价的甲方主管或甲方项目联系人。",
        "en": "the requester worked on it and cannot rate it; no supervisor or client contact is on the roster "
              "to rate it."},
    "tk.resolved.on_time": {"zh_CN": "（按时完成）", "en": " (on time)"},
    "tk.resolved.late": {"zh_CN": "（已超过截止时间 {due}）", "en": " (after the due time {due})"},
    "tk.reopened": {"zh_CN": "🔄 工单 #{id} 已重新打开，状态：{status}。",
                    "en": "🔄 Ticket #{id} reopened; status: {status}."},
    "tk.province.set": {"zh_CN": "已为工单 #{id} 登记省平台单号：{number}",
                        "en": "Recorded province platform number {number} for ticket #{id}"},
    "tk.estimate.set": {"zh_CN": "已记录工单 #{id} 的工作量估算：{days} 人天（合同内上限 {limit} 人天以内）。",
                        "en": "Recorded the estimate of ticket #{id}: {days} person-days (under the contract "
                              "limit of {limit})."},
    "tk.estimate.outside": {
        "zh_CN": "⚠️ 工单 #{id} 估算 {days} 人天，达到 {limit} 人天（2人月），超出合同免费范围，需监理方裁定。{told}",
        "en": "⚠️ Ticket #{id} is estimated at {days} person-days, reaching {limit} (2 person-months): outside the "
              "contract's free scope; the supervising engineer must rule. {told}"},
    "tk.estimate.told": {"zh_CN": "已请甲方（{names}）记录裁定：/ruling {id} in|out 说明",
                         "en": "The client side ({names}) was asked to record the ruling: /ruling {id} in|out note"},
    "tk.estimate.told_nobody": {
        "zh_CN": "名单上没有甲方主管或甲方项目联系人，未能通知任何人；请线下联系甲方记录裁定：/ruling {id} in|out 说明",
        "en": "No supervisor or client contact is on the roster, so nobody was told; please ask the client to "
              "record the ruling: /ruling {id} in|out note"},
    "tk.ruling.set": {"zh_CN": "已记录对工单 #{id} 的裁定：{verdict}",
                      "en": "Ruling on ticket #{id} recorded: {verdict}"},
    "tk.checklist.show": {"zh_CN": "批量数据处理工单 #{id} 检查单：\n{lines}\n{footer}",
                          "en": "Bulk processing ticket #{id} checklist:\n{lines}\n{footer}"},
    "tk.checklist.line": {"zh_CN": "{mark} {label}", "en": "{mark} {label}"},
    "tk.checklist.complete": {"zh_CN": "全部确认，可以办结：/resolve {id} 处理情况",
                              "en": "All confirmed; it can be resolved: /resolve {id} what was done"},
    "tk.checklist.pending": {"zh_CN": "全部确认后才能办结。", "en": "It can be resolved once everything is confirmed."},
    "tk.rated": {"zh_CN": "感谢评价！工单 #{id}：{rating}，工单已关闭。",
                 "en": "Thank you! Ticket #{id}: {rating}; the ticket is closed."},
    "tk.rated.already": {"zh_CN": "工单 #{id} 已评价过（{rating}），无需重复评价。",
                         "en": "Ticket #{id} was already rated ({rating}); nothing changed."},
    "tk.rated.edit": {"zh_CN": "{text}\n\n已评价：{rating}", "en": "{text}\n\nRated: {rating}"},
    "tk.commented": {"zh_CN": "已记录您对工单 #{id} 的意见，谢谢。",
                     "en": "Your comment on ticket #{id} is recorded, thank you."},

    # --- refusals ---
    "tk.not_found": {"zh_CN": "没有找到工单 #{id}。发送 /tickets 查看未完成的工单。",
                     "en": "There is no ticket #{id}. Send /tickets to see the open ones."},
    "tk.not_yours": {"zh_CN": "抱歉，只有报告人、工程师或甲方主管可以修改工单 #{id}。",
                     "en": "Sorry, only the requester, the engineers or a supervisor may change ticket #{id}."},
    "tk.engineers_only": {"zh_CN": "抱歉，只有驻场工程师可以受理和办结工单。",
                          "en": "Sorry, only the on-site engineers take and resolve tickets."},
    "tk.already_yours": {"zh_CN": "工单 #{id} 已经由您受理了。", "en": "Ticket #{id} is already yours."},
    "tk.already_taken": {"zh_CN": "工单 #{id} 已由 {name} 受理。", "en": "Ticket #{id} was already taken by {name}."},
    "tk.not_open": {"zh_CN": "工单 #{id} 当前状态为「{status}」，不能这样操作。如需重新处理请发送 /reopen {id} 原因",
                    "en": "Ticket #{id} is {status}, so this cannot be done. To work on it again send "
                          "/reopen {id} why"},
    "tk.still_open": {"zh_CN": "工单 #{id} 还没有办结，无需重新打开。",
                      "en": "Ticket #{id} is not resolved yet; no need to reopen it."},
    "tk.checklist_missing": {
        "zh_CN": "⛔ 批量数据处理工单 #{id} 还不能办结，以下步骤尚未确认：{items}。\n请先确认：/checklist {id}",
        "en": "⛔ Bulk processing ticket #{id} cannot be resolved yet; not confirmed: {items}.\n"
              "Confirm first: /checklist {id}"},
    "tk.not_custom_dev": {"zh_CN": "工单 #{id} 不是「本地定制开发」类工单，无需估算或裁定。",
                          "en": "Ticket #{id} is not a custom development; estimates and rulings do not apply."},
    "tk.rulers_only": {"zh_CN": "抱歉，监理裁定只能由甲方主管或甲方项目联系人记录。",
                       "en": "Sorry, only a supervisor or the client's project contact records the ruling."},
    "tk.not_bulk": {"zh_CN": "工单 #{id} 不是「批量数据处理」类工单，没有检查单。",
                    "en": "Ticket #{id} is not a bulk data processing ticket; it has no checklist."},
    "tk.rate_not_yours": {"zh_CN": "抱歉，只有报告人（或甲方主管、甲方项目联系人代为）可以评价工单 #{id}。",
                          "en": "Sorry, only the requester (or a supervisor or the client's contact on their "
                                "behalf) rates ticket #{id}."},
    "tk.rate_own_work": {"zh_CN": "抱歉，您受理或办结了工单 #{id}，不能评价自己的工作；"
                                  "评价由报告人或甲方主管、甲方项目联系人进行。",
                         "en": "Sorry, you took or resolved ticket #{id}, so you cannot rate your own work; the "
                               "requester or the client side rates it."},
    "tk.rate_not_resolved": {"zh_CN": "工单 #{id} 还没有办结，办结后才能评价。",
                             "en": "Ticket #{id} is not resolved yet; it can be rated once resolved."},
    "tk.faq_not_resolved": {"zh_CN": "工单 #{id} 还没有办结，办结后才能收录为常见问题。",
                            "en": "Ticket #{id} is not resolved yet; only resolved tickets go into the FAQ."},

    # --- usage (bad input) ---
    "tk.usage.ticket": {"zh_CN": "请写明问题，例如：/ticket 社保卡系统无法登录 明天下午3点前\n"
                                 "也可以回复某条消息发送 /ticket；查看工单：/ticket 12",
                        "en": "Please describe the problem, for example: /ticket card system login fails by "
                              "tomorrow 3pm\nOr reply /ticket to a message; to see one: /ticket 12"},
    "tk.usage.take": {"zh_CN": "请写工单编号，例如：/take 12",
                      "en": "Please give the ticket number, for example: /take 12"},
    "tk.usage.resolve": {"zh_CN": "请写工单编号和处理情况，例如：/resolve 12 已重置密码，用户可正常登录",
                         "en": "Please give the number and what was done, for example: /resolve 12 password reset, "
                               "the user can log in"},
    "tk.usage.reopen": {"zh_CN": "请写工单编号和原因，例如：/reopen 12 问题仍然存在",
                        "en": "Please give the number and why, for example: /reopen 12 still happens"},
    "tk.usage.province": {"zh_CN": "请写工单编号和省平台单号，例如：/province 12 JS2022-0001",
                          "en": "Please give the number and the province number, "
                                "for example: /province 12 JS2022-0001"},
    "tk.usage.estimate": {"zh_CN": "请写工单编号和人天数，例如：/estimate 12 15",
                          "en": "Please give the number and person-days, for example: /estimate 12 15"},
    "tk.usage.ruling": {"zh_CN": "请写工单编号、in（合同内）或 out（合同外）和说明，"
                                 "例如：/ruling 12 in 经监理确认属合同内",
                        "en": "Please give the number, in or out, and a note, for example: /ruling 12 in confirmed "
                              "by the supervising engineer"},
    "tk.usage.checklist": {"zh_CN": "请写工单编号和步骤（备份、测试、验证、恢复），例如：/checklist 12 备份",
                           "en": "Please give the number and a step (backup, tested, verified, recovery), for "
                                 "example: /checklist 12 backup"},
    "tk.usage.rate": {"zh_CN": "请写工单编号和评价，例如：/rate 12 满意（可选：满意、基本满意、不满意）",
                      "en": "Please give the number and a rating, for example: /rate 12 satisfied "
                            "(satisfied, basically, unsatisfied)"},
    "tk.usage.comment": {"zh_CN": "请写工单编号和意见，例如：/comment 12 响应很及时",
                         "en": "Please give the number and your comment, for example: /comment 12 quick response"},
    "tk.usage.kind": {"zh_CN": "未知的工单类别。", "en": "Unknown ticket kind."},
    "tk.usage.tickets": {"zh_CN": "没看懂要查哪些工单。可以写：/tickets open、/tickets mine、/tickets overdue，"
                                  "或时间段：{examples}",
                         "en": "I could not tell which tickets you want. Try /tickets open, /tickets mine, "
                               "/tickets overdue, or a period: {examples}"},

    # --- notifications ---
    "tk.notify.new": {"zh_CN": "🆕 新工单（报告人：{requester}）\n" + _SUMMARY_ZH,
                      "en": "🆕 New ticket (from {requester})\n" + _SUMMARY_EN},
    "tk.notify.taken": {"zh_CN": "您的工单 #{id} 已由 {name} 受理，预计 {due} 前完成。",
                        "en": "Your ticket #{id} was taken by {name}; due {due}."},
    "tk.rate.ask": {
        "zh_CN": "⭐ 工单 #{id} 已处理完毕：{text}\n处理人：{name}\n处理情况：{resolution}\n\n"
                 "请评价（可直接回复本消息补充意见，或发送 /comment {id} 意见；"
                 "如问题未解决请发送 /reopen {id} 原因）：",
        "en": "⭐ Ticket #{id} is resolved: {text}\nBy: {name}\nWhat was done: {resolution}\n\n"
              "Please rate it (reply to this message to add a comment, or /comment {id} text; if the problem "
              "remains send /reopen {id} why):"},
    "tk.rate.ask_on_behalf": {
        "zh_CN": "⭐ 工单 #{id} 由 {requester} 报告，并由工程师本人处理完毕：{text}\n处理人：{name}\n"
                 "处理情况：{resolution}\n\n处理人不能自评，请您代为评价（可直接回复本消息补充意见；"
                 "如问题未解决请发送 /reopen {id} 原因）：",
        "en": "⭐ Ticket #{id} was raised by {requester} and resolved by the engineers themselves: {text}\n"
              "By: {name}\nWhat was done: {resolution}\n\nThe engineer cannot rate their own work; please rate "
              "it on the requester's behalf (reply to this message to add a comment; if the problem remains "
              "send /reopen {id} why):"},
    "tk.notify.reopened": {"zh_CN": "🔄 工单 #{id} 被 {name} 重新打开：{reason}",
                           "en": "🔄 Ticket #{id} was reopened by {name}: {reason}"},
    "tk.notify.ruling_needed": {
        "zh_CN": "⚠️ 定制开发工单 #{id}（{text}）估算 {days} 人天，达到 {limit} 人天，超出合同免费范围。"
                 "请监理方裁定：/ruling {id} in|out 说明",
        "en": "⚠️ Custom development ticket #{id} ({text}) is estimated at {days} person-days, reaching {limit}: "
              "outside the contract's free scope. Please record the supervising engineer's ruling: "
              "/ruling {id} in|out note"},
    "tk.notify.ruled": {"zh_CN": "工单 #{id} 已由 {name} 记录监理裁定：{verdict}。说明：{note}",
                        "en": "{name} recorded the ruling on ticket #{id}: {verdict}. Note: {note}"},
    "tk.notify.unsatisfied": {"zh_CN": "⚠️ 工单 #{id}（{text}）被 {name} 评为「不满意」，请跟进。",
                              "en": "⚠️ Ticket #{id} ({text}) was rated unsatisfied by {name}; please follow up."},
    "tk.notify.overdue": {"zh_CN": "⏰ 工单 #{id} 已超过截止时间 {due}（{kind_label}）：{text}"
                                   "\n办结后请发送 /resolve {id} 处理情况",
                          "en": "⏰ Ticket #{id} passed its due time {due} ({kind_label}): {text}\n"
                                "When done send /resolve {id} what was done"},
    "tk.notify.overdue_lead": {"zh_CN": "⏰ 工单 #{id} 超期仍未办结（截止 {due}，处理人：{assignee}）：{text}",
                               "en": "⏰ Ticket #{id} is still open past its due time {due} "
                                     "(assignee: {assignee}): {text}"},

    # --- showing and listing ---
    "tk.show": {"zh_CN": _SUMMARY_ZH + "\n报告人：{requester}｜处理人：{assignee}｜省平台单号：{province}{extra}"
    "\n\n处理记录：\n{history}",
                "en": _SUMMARY_EN + "\nRequester: {requester} | Assignee: {assignee} | Province no.: {province}"
                                    "{extra}\n\nHistory:\n{history}"},
    "tk.show.resolution": {"zh_CN": "\n处理情况：{resolution}", "en": "\nWhat was done: {resolution}"},
    "tk.show.rating": {"zh_CN": "\n评价：{rating}{comment}", "en": "\nRating: {rating}{comment}"},
    "tk.show.comment": {"zh_CN": "（意见：{comment}）", "en": " (comment: {comment})"},
    "tk.show.estimate": {"zh_CN": "\n工作量估算：{days} 人天", "en": "\nEstimate: {days} person-days"},
    "tk.show.ruling": {"zh_CN": "\n监理裁定：{verdict}", "en": "\nRuling: {verdict}"},
    "tk.show.checklist": {"zh_CN": "\n检查单：{done}/{total}", "en": "\nChecklist: {done}/{total}"},
    "tk.hist.line": {"zh_CN": "{at} {actor} {action}{detail}", "en": "{at} {actor} {action}{detail}"},
    "tk.hist.detail": {"zh_CN": "：{value}", "en": ": {value}"},
    "tk.act.open": {"zh_CN": "报告", "en": "raised"},
    "tk.act.kind": {"zh_CN": "设定类别", "en": "set the kind"},
    "tk.act.system": {"zh_CN": "设定系统", "en": "set the system"},
    "tk.act.region": {"zh_CN": "设定区域", "en": "set the region"},
    "tk.act.take": {"zh_CN": "受理", "en": "took it"},
    "tk.act.resolve": {"zh_CN": "办结", "en": "resolved"},
    "tk.act.reopen": {"zh_CN": "重新打开", "en": "reopened"},
    "tk.act.province": {"zh_CN": "登记省平台单号", "en": "recorded the province number"},
    "tk.act.estimate": {"zh_CN": "估算工作量（人天）", "en": "estimated (person-days)"},
    "tk.act.ruling": {"zh_CN": "记录监理裁定", "en": "recorded the ruling"},
    "tk.act.checklist": {"zh_CN": "确认检查项", "en": "confirmed a checklist step"},
    "tk.act.rate": {"zh_CN": "评价", "en": "rated"},
    "tk.act.comment": {"zh_CN": "补充意见", "en": "commented"},
    "tk.act.faq": {"zh_CN": "收录为常见问题", "en": "added to the FAQ"},
    "tk.act.overdue_reminded": {"zh_CN": "超期提醒处理人", "en": "overdue: reminded the assignee"},
    "tk.act.lead_reminded": {"zh_CN": "超期提醒项目负责人", "en": "overdue: reminded the lead"},
    "tk.act.auto": {"zh_CN": "（超期未评价，自动评价）", "en": " (not rated in time: rated automatically)"},
    "tk.list.open": {"zh_CN": "未完成的工单（{count}）：\n{lines}", "en": "Open tickets ({count}):\n{lines}"},
    "tk.list.mine": {"zh_CN": "与您有关的工单（{count}）：\n{lines}", "en": "Your tickets ({count}):\n{lines}"},
    "tk.list.overdue": {"zh_CN": "超期未办结的工单（{count}）：\n{lines}", "en": "Overdue tickets ({count}):\n{lines}"},
    "tk.list.period": {"zh_CN": "{start} 至 {end} 报告的工单（{count}）：\n{lines}",
                       "en": "Tickets raised {start} to {end} ({count}):\n{lines}"},
    "tk.list.line": {"zh_CN": "#{id} [{status}] {text} — {assignee}，截止 {due}{late}",
                     "en": "#{id} [{status}] {text} — {assignee}, due {due}{late}"},
    "tk.list.late": {"zh_CN": " ⏰超期", "en": " ⏰overdue"},
    "tk.list.none": {"zh_CN": "（没有）", "en": "(none)"},

    # --- rates: what cost points ---
    "tk.loss.late": {"zh_CN": "工单 #{ticket_id} 未按时完成（截止 {due}，{resolved_at} 办结）：{text}",
                     "en": "Ticket #{ticket_id} not completed on time (due {due}, resolved {resolved_at}): {text}"},
    "tk.loss.still_open": {"zh_CN": "工单 #{ticket_id} 截止 {due} 仍未办结：{text}",
                           "en": "Ticket #{ticket_id} still open after its due time {due}: {text}"},
    "tk.loss.basically": {"zh_CN": "工单 #{ticket_id} 评价为基本满意（{rated_at}）：{text}",
                          "en": "Ticket #{ticket_id} rated basically satisfied ({rated_at}): {text}"},
    "tk.loss.unsatisfied": {"zh_CN": "工单 #{ticket_id} 评价为不满意（{rated_at}）：{text}",
                            "en": "Ticket #{ticket_id} rated unsatisfied ({rated_at}): {text}"},

    # --- FAQ ---
    "faq.added": {"zh_CN": "已把工单 #{id} 收录为常见问题 Q{number}：{question}",
                  "en": "Ticket #{id} added to the FAQ as Q{number}: {question}"},
    "faq.already": {"zh_CN": "工单 #{id} 已经收录在常见问题里了。", "en": "Ticket #{id} is already in the FAQ."},
    "faq.not_allowed": {"zh_CN": "抱歉，只有工程师或甲方主管可以收录常见问题。",
                        "en": "Sorry, only engineers or supervisors add FAQ entries."},
    "faq.usage_add": {"zh_CN": "请写已办结工单的编号，例如：/faq add 12",
                      "en": "Please give a resolved ticket's number, for example: /faq add 12"},
    "faq.list": {"zh_CN": "常见问题（{count}）：\n{lines}", "en": "Frequently asked questions ({count}):\n{lines}"},
    "faq.line": {"zh_CN": "Q{number}. {question}\n   答：{answer}", "en": "Q{number}. {question}\n   A: {answer}"},
    "faq.empty": {"zh_CN": "还没有常见问题。工单办结后可发送 /faq add 编号 收录。",
                  "en": "No FAQ entries yet. Add a resolved ticket with /faq add N."},
    "faq.search_none": {"zh_CN": "没有找到包含「{words}」的常见问题。发送 /faq 查看全部。",
                        "en": "No FAQ entry contains “{words}”. Send /faq to see them all."},
    "faq.search": {"zh_CN": "包含「{words}」的常见问题（{count}）：\n{lines}",
                   "en": "FAQ entries with “{words}” ({count}):\n{lines}"},
    "faq.digest": {"zh_CN": "📚 {month} 常见问题汇编（共 {count} 条，上月新增 {new} 条），"
                            "请各位经办人员参考，减少误操作：\n{lines}",
                   "en": "📚 FAQ digest {month} ({count} entries, {new} new last month), to help operators avoid "
                         "mistakes:\n{lines}"},
    "faq.digest_more": {"zh_CN": "……另有 {n} 条，发送 /faq 查看全部，/faq 关键词 搜索。",
                        "en": "… {n} more: send /faq to see them all, /faq words to search."},

    # --- daily maintenance log ---
    "daily.recorded": {"zh_CN": "✅ 已记录 {day} 的日常巡检（今天第 {count} 条）。",
                       "en": "✅ Daily inspection recorded for {day} (entry {count} today)."},
    "daily.today": {"zh_CN": "{day} 的日常巡检记录：\n{lines}", "en": "Daily inspection log of {day}:\n{lines}"},
    "daily.line": {"zh_CN": "{time} {name}：{text}", "en": "{time} {name}: {text}"},
    "daily.none": {"zh_CN": "{day} 还没有日常巡检记录。工程师可发送：/daily 已巡检社保卡系统、统一经办门户，运行正常",
                   "en": "No daily inspection recorded for {day} yet. Engineers send: /daily checked the card "
                         "system and the portal, all normal"},
    "daily.usage": {"zh_CN": "请写巡检情况，例如：/daily 已巡检社保卡系统、统一经办门户，运行正常",
                    "en": "Please write what you checked, for example: /daily checked the card system and the "
                          "portal, all normal"},
    "daily.engineers_only": {"zh_CN": "抱歉，只有驻场工程师记录日常巡检；发送 /daily 可查看今天的记录。",
                             "en": "Sorry, only on-site engineers record the daily inspection; send /daily to "
                                   "see today's."},
    "daily.too_long": {"zh_CN": "巡检记录太长了，请控制在 {limit} 字以内。",
                       "en": "The log is too long; please keep it under {limit} characters."},
    "daily.reminder": {"zh_CN": "📝 今天（{day}）还没有日常巡检记录，请巡检后发送：/daily 巡检情况",
                       "en": "📝 No daily inspection has been recorded today ({day}); after checking send: "
                             "/daily what you checked"},
    "daily.loss.missing": {"zh_CN": "{day} 没有日常巡检记录", "en": "No daily inspection log on {day}"},
}
