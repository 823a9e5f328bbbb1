"""Texts of urgent requests (#6): raising, 收到 / 已到岗 / 需要支援, reminders, breach and escalation."""

MESSAGES = {
    "cmd.urgent": {"zh_CN": "发起紧急请求（1小时内到岗）", "en": "raise an urgent request (on site within 1 hour)"},
    "cmd.urgents": {"zh_CN": "查看紧急请求（未完成或某时间段）", "en": "list urgent requests (open, or a period)"},
    "cmd.ack": {"zh_CN": "确认收到紧急请求：/ack 编号", "en": "acknowledge an urgent request: /ack number"},
    "cmd.arrived": {"zh_CN": "记录已到岗：/arrived 编号", "en": "record your arrival: /arrived number"},
    "cmd.cancelurgent": {"zh_CN": "取消无需到场的紧急请求：/cancelurgent 编号 原因",
                         "en": "cancel an urgent request nobody needs to attend: /cancelurgent number reason"},
    "urg.usage": {
        "zh_CN": "用法：/urgent 问题描述，例如 /urgent 社保卡系统无法登录\n"
                 "先发现、后上报的，可写发现时间：/urgent 发现 8:40 社保卡系统无法登录",
        "en": "Usage: /urgent description, e.g. /urgent card system login fails\n"
              "If the problem was found earlier, give the time: /urgent found 8:40 card system login fails",
    },
    "urg.too_long": {"zh_CN": "描述太长了，请控制在 {limit} 字以内。",
                     "en": "The description is too long; please keep it under {limit} characters."},
    "urg.bad_discovery": {
        "zh_CN": "发现时间「{text}」理解为 {time}，不在过去 24 小时内。请写清楚，例如「发现 今天8:40 …」。",
        "en": "The discovery time “{text}” reads as {time}, which is not within the past 24 hours. "
              "Please write it clearly, e.g. “found today 8:40 …”.",
    },
    "urg.raised": {
        "zh_CN": "🚨 紧急请求 #{id} 已发出（工单 {ticket}）。\n计时开始："
                 "{start}\n到岗截止：{deadline}\n已通知：{names}",
        "en": "🚨 Urgent request #{id} raised (ticket {ticket}).\nClock started: {start}\nOn site by: {deadline}\n"
              "Notified: {names}",
    },
    "urg.raised_fallback": {
        "zh_CN": "（当前无人排班值班，已通知项目负责人。）",
        "en": "(Nobody is on the rota right now; the project lead was notified.)",
    },
    "urg.ping": {
        "zh_CN": "🚨 紧急请求 #{id}\n{text}\n提出人：{name}\n计时开"
                 "始：{start}\n请于 {deadline} 前到达指定工作岗位。\n"
                 "到岗后点「已到岗」并发送位置；需要二线支援请点「需要支援」。",
        "en": "🚨 Urgent request #{id}\n{text}\nRaised by: {name}\nClock started: {start}\n"
              "Be at the designated post by {deadline}.\nOn arrival press “Arrived” and share your location; "
              "press “Need support” to call the second line.",
    },
    "urg.group_raised": {
        "zh_CN": "🚨 紧急请求 #{id}：{text}\n提出人：{name}\n须于 {deadline} 前到岗（已通知：{names}）",
        "en": "🚨 Urgent request #{id}: {text}\nRaised by: {name}\nOn site by {deadline} (notified: {names})",
    },
    "urg.btn.ack": {"zh_CN": "收到", "en": "Got it"},
    "urg.btn.arrived": {"zh_CN": "已到岗", "en": "Arrived"},
    "urg.btn.support": {"zh_CN": "需要支援", "en": "Need support"},
    "urg.acked": {"zh_CN": "已确认收到紧急请求 #{id}，请于 {deadline} 前到岗。",
                  "en": "Urgent request #{id} acknowledged; be on site by {deadline}."},
    "urg.acked_again": {
        "zh_CN": "您已确认过紧急请求 #{id}。",
        "en": "You already acknowledged urgent request #{id}.",
    },
    "urg.acked_stopped": {
        "zh_CN": "已确认接手紧急请求 #{id}，升级已停止。请尽快安排到场。",
        "en": "You took over urgent request #{id}; the escalation has stopped. Please get someone on site quickly.",
    },
    "urg.arrived": {
        "zh_CN": "✅ 已记录到岗：紧急请求 #{id}，用时 {minutes} 分钟。请发送您的位置以核验是否在现场。{ticket_note}",
        "en": "✅ Arrival recorded: urgent request #{id}, {minutes} min. Please share your location so it can be "
              "checked against the site.{ticket_note}",
    },
    "urg.arrived_late": {
        "zh_CN": "已记录到岗：紧急请求 #{id}，用时 {minutes} 分钟，超过时限。请发送您的位置以核验是否在现场。"
                 "{ticket_note}",
        "en": "Arrival recorded: urgent request #{id}, {minutes} min, past the deadline. Please share your "
              "location so it can be checked against the site.{ticket_note}",
    },
    "urg.arrived_group": {
        "zh_CN": "✅ 紧急请求 #{id}：{name} 已于 {at} 到岗，用时 {minutes} 分钟。",
        "en": "✅ Urgent request #{id}: {name} arrived at {at}, after {minutes} min.",
    },
    "urg.arrived_late_group": {
        "zh_CN": "⚠️ 紧急请求 #{id}：{name} 于 {at} 到岗，用时 {minutes} 分钟，超过时限。",
        "en": "⚠️ Urgent request #{id}: {name} arrived at {at}, after {minutes} min — past the deadline.",
    },
    # An urgent request's ticket follows the request (one piece of work): resolved by the arrival, closed
    # with a cancel. The resolution texts are stored on the ticket in the contract's language.
    "urg.ticket_resolved_note": {
        "zh_CN": "\n工单 #{ticket} 已随到岗办结（办结时间即到岗时间），已请提出人评价。",
        "en": "\nIts ticket #{ticket} was resolved with the arrival (at the arrival time); the requester was "
              "asked to rate it.",
    },
    "urg.ticket_closed_note": {
        "zh_CN": "\n工单 #{ticket} 已随之关闭，不计入工单完成率。",
        "en": "\nIts ticket #{ticket} was closed with it and is left out of the completion rate.",
    },
    "urg.ticket_resolution": {
        "zh_CN": "紧急请求 #{id}：{name} 于 {at} 到岗处理，用时 {minutes} 分钟（未超时限）。",
        "en": "Urgent request #{id}: {name} arrived at {at} and handled it, after {minutes} min (within the deadline).",
    },
    "urg.ticket_resolution_late": {
        "zh_CN": "紧急请求 #{id}：{name} 于 {at} 到岗处理，用时 {minutes} 分钟（超过时限）。",
        "en": "Urgent request #{id}: {name} arrived at {at} and handled it, after {minutes} min (past the deadline).",
    },
    "urg.ticket_cancelled": {
        "zh_CN": "紧急请求 #{id} 已由 {name} 于 {at} 取消，原因：{reason}",
        "en": "Urgent request #{id} was cancelled by {name} at {at}. Reason: {reason}",
    },
    "urg.already_arrived": {"zh_CN": "紧急请求 #{id} 已由 {name} 于 {at} 记录到岗。",
                            "en": "Urgent request #{id}: {name} already arrived at {at}."},
    "urg.engineers_only": {"zh_CN": "只有驻场工程师可以记录到岗或呼叫二线支援。",
                           "en": "Only the on-site engineers can record an arrival or call the second line."},
    "urg.not_found": {"zh_CN": "没有编号为 #{id} 的紧急请求。", "en": "There is no urgent request #{id}."},
    "urg.no_open": {
        "zh_CN": "您目前没有待到岗的紧急请求。如需处理其他请求，请写编号，例如 /ack 12。",
        "en": "You have no urgent request waiting for you. For another one, give its number, e.g. /ack 12.",
    },
    "urg.bad_number": {"zh_CN": "请写紧急请求的编号，例如 /{command} 12。",
                       "en": "Please give the urgent request's number, e.g. /{command} 12."},
    "urg.location_on_site": {
        "zh_CN": "📍 位置已核验：距离现场 {distance} 米，在现场范围内（紧急请求 #{id}）。",
        "en": "📍 Location checked: {distance} m from the site, within range (urgent request #{id}).",
    },
    "urg.location_off_site": {
        "zh_CN": "📍 位置距离现场 {distance} 米，超出 {radius} 米范围（紧急请求 #{id}）。"
                 "到岗时间照常计算（不算未到岗），但已标记为「不在现场」，"
                 "并已通知 {notified} 人（项目负责人、提出人）。",
        "en": "📍 Your location is {distance} m from the site, outside the {radius} m range (urgent request #{id}). "
              "The arrival time still counts (not as missed), but it is flagged as off-site and {notified} "
              "people (the lead, the person who raised it) were told.",
    },
    "urg.off_site_notice": {
        "zh_CN": "⚠️ 紧急请求 #{id}：{name} 于 {at} 记录到岗（用时 {minutes} 分钟），"
                 "但发送的位置距离现场 {distance} 米，超出 {radius} 米范围。已标记为「不在现场」，请核实。",
        "en": "⚠️ Urgent request #{id}: {name} recorded an arrival at {at} ({minutes} min), but the location shared "
              "is {distance} m from the site, outside the {radius} m range. Flagged as off-site; please check.",
    },
    "urg.location_arrived": {
        "zh_CN": "✅ 位置在现场范围内（距离 {distance} 米），已记为到岗：紧急请求 #{id}，用时 {minutes} 分钟。"
                 "{ticket_note}",
        "en": "✅ Your location is on site ({distance} m away): arrival recorded for urgent request #{id}, "
              "{minutes} min.{ticket_note}",
    },
    "urg.location_not_arrived": {
        "zh_CN": "📍 位置距离现场 {distance} 米，超出 {radius} 米范围，未记为到岗（紧急请求 #{id}）。"
                 "到达现场后请再发送位置或点「已到岗」。",
        "en": "📍 Your location is {distance} m from the site, outside the {radius} m range: not recorded as an "
              "arrival (urgent request #{id}). Share it again or press “Arrived” once on site.",
    },
    "urg.support_requested": {
        "zh_CN": "🆘 已呼叫二线支援（紧急请求 #{id}），二线须于 {deadline} 前到场。",
        "en": "🆘 The second line was called (urgent request #{id}); they must be on site by {deadline}.",
    },
    "urg.support_call": {
        "zh_CN": "🆘 紧急请求 #{id} 需要二线支援\n{text}\n现场工程师：{name}"
                 "\n请于 {deadline} 前到达现场，到场后点「已到岗」。",
        "en": "🆘 Urgent request #{id} needs second-line support\n{text}\nOn-site engineer: {name}\n"
              "Be on site by {deadline} and press “Arrived” when there.",
    },
    "urg.support_group": {
        "zh_CN": "🆘 紧急请求 #{id}：{name} 已呼叫二线支援，二线须于 {deadline} 前到场。",
        "en": "🆘 Urgent request #{id}: {name} called the second line; they must be on site by {deadline}.",
    },
    "urg.support_already": {"zh_CN": "紧急请求 #{id} 已呼叫过二线支援（到场截止 {deadline}）。",
                            "en": "The second line was already called for urgent request #{id} (due by {deadline})."},
    "urg.second_line_only": {"zh_CN": "只有二线支援人员或驻场工程师可以记录二线到场。",
                             "en": "Only second-line staff or on-site engineers can record the second line's arrival."},
    "urg.no_support_requested": {"zh_CN": "紧急请求 #{id} 没有呼叫二线支援。",
                                 "en": "No second line was called for urgent request #{id}."},
    "urg.second_line_already": {"zh_CN": "紧急请求 #{id} 的二线已记录到场。",
                                "en": "The second line's arrival is already recorded for urgent request #{id}."},
    "urg.second_line_arrived": {"zh_CN": "✅ 已记录二线到场：紧急请求 #{id}，用时 {minutes} 分钟。",
                                "en": "✅ Second-line arrival recorded: urgent request #{id}, {minutes} min."},
    "urg.second_line_arrived_group": {
        "zh_CN": "✅ 紧急请求 #{id}：二线 {name} 已于 {at} 到场，用时 {minutes} 分钟。",
        "en": "✅ Urgent request #{id}: second line {name} arrived at {at}, after {minutes} min.",
    },
    "urg.second_line_late": {
        "zh_CN": "⚠️ 紧急请求 #{id}：二线支援未在 {deadline} 前到场。\n{text}",
        "en": "⚠️ Urgent request #{id}: the second line was not on site by {deadline}.\n{text}",
    },
    "urg.reminder": {
        "zh_CN": "⏰ 紧急请求 #{id} 已过 {minutes} 分钟，您尚未确认收到。\n{text}\n到岗截止：{deadline}",
        "en": "⏰ Urgent request #{id}: {minutes} min have passed and you have not acknowledged it.\n{text}\n"
              "On site by: {deadline}",
    },
    "urg.breached_group": {
        "zh_CN": "⚠️ 紧急请求 #{id} 已超过到岗时限（截止 {deadline}），仍无人到岗，开始逐级升级。\n{text}",
        "en": "⚠️ Urgent request #{id} passed its arrival deadline ({deadline}) with nobody on site; "
              "escalating.\n{text}",
    },
    "urg.escalation": {
        "zh_CN": "🔺 升级（第 {level} 级）：紧急请求 #{id} 已超过到岗时限"
                 " {overdue} 分钟（截止 {deadline}），仍无人到岗。\n"
                 "{text}\n请协调处理；点「收到」表示已接手，升级随之停止。",
        "en": "🔺 Escalation (level {level}): urgent request #{id} is {overdue} min past its arrival deadline "
              "({deadline}) with nobody on site.\n{text}\nPlease step in; press “Got it” to take over, which stops "
              "the escalation.",
    },
    "urg.escalation_stopped": {"zh_CN": "紧急请求 #{id}：{name} 已于 {at} 确认接手，升级停止。",
                               "en": "Urgent request #{id}: {name} took over at {at}; escalation stopped."},
    "urg.list_open": {"zh_CN": "未完成的紧急请求：\n{lines}", "en": "Open urgent requests:\n{lines}"},
    "urg.list_period": {"zh_CN": "{first} 至 {last} 的紧急请求：\n{lines}",
                        "en": "Urgent requests {first} to {last}:\n{lines}"},
    "urg.list_empty_open": {"zh_CN": "目前没有未完成的紧急请求。", "en": "There are no open urgent requests."},
    "urg.list_empty_period": {"zh_CN": "{first} 至 {last} 没有紧急请求。",
                              "en": "No urgent requests from {first} to {last}."},
    "urg.list_line": {"zh_CN": "#{id} {start} {text}\n    {status}", "en": "#{id} {start} {text}\n    {status}"},
    "urg.status.waiting": {
        "zh_CN": "待确认（到岗截止 {deadline}）",
        "en": "not acknowledged (on site by {deadline})",
    },
    "urg.status.acknowledged": {"zh_CN": "已确认，待到岗（截止 {deadline}）",
                                "en": "acknowledged, awaiting arrival (by {deadline})"},
    "urg.status.arrived": {"zh_CN": "已到岗：{name}，用时 {minutes} 分钟", "en": "arrived: {name}, {minutes} min"},
    "urg.status.arrived_late": {"zh_CN": "超时到岗：{name}，用时 {minutes} 分钟",
                                "en": "arrived late: {name}, {minutes} min"},
    "urg.status.breached": {
        "zh_CN": "已超时（截止 {deadline}），升级中",
        "en": "overdue (deadline {deadline}), escalating",
    },
    "urg.status.breached_taken": {"zh_CN": "已超时（截止 {deadline}），已有人接手，待到岗",
                                  "en": "overdue (deadline {deadline}), taken over, awaiting arrival"},
    "urg.status.off_site": {"zh_CN": "；⚠️ 到岗位置不在现场（距离 {distance} 米）",
                            "en": "; ⚠️ arrival location off-site ({distance} m away)"},
    "urg.status.second_line_waiting": {"zh_CN": "；二线待到场（截止 {deadline}）",
                                       "en": "; second line expected by {deadline}"},
    "urg.status.second_line_arrived": {"zh_CN": "；二线已到场", "en": "; second line arrived"},
    "urg.cancel_usage": {
        "zh_CN": "用法：/cancelurgent 编号 原因（原因必填），例如 /cancelurgent 12 误报，系统已远程恢复",
        "en": "Usage: /cancelurgent number reason (a reason is required), e.g. /cancelurgent 12 false alarm, "
              "fixed remotely",
    },
    "urg.cancel_refused": {
        "zh_CN": "只有紧急请求 #{id} 的提出人、监理或甲方联系人可以取消它。",
        "en": "Only whoever raised urgent request #{id}, a supervisor or the client's contact can cancel it.",
    },
    "urg.cancel_arrived": {
        "zh_CN": "紧急请求 #{id} 已由 {name} 于 {at} 到岗，不能再取消。",
        "en": "Urgent request #{id} cannot be cancelled: {name} already arrived at {at}.",
    },
    "urg.cancelled": {
        "zh_CN": "✅ 已取消紧急请求 #{id}（原因：{reason}）。提醒和升级已停止，已通知相关人员和项目群。{ticket_note}",
        "en": "✅ Urgent request #{id} cancelled (reason: {reason}). Reminders and escalation have stopped; "
              "the people called and the group were told.{ticket_note}",
    },
    "urg.cancelled_late": {
        "zh_CN": "已取消紧急请求 #{id}（原因：{reason}）。提醒和升级已停止，已通知相关人员和项目群。"
                 "注意：取消时已超过到岗时限（{deadline}），响应度仍按未按时到岗计。{ticket_note}",
        "en": "Urgent request #{id} cancelled (reason: {reason}). Reminders and escalation have stopped; the people "
              "called and the group were told. Note: it was already past its arrival deadline ({deadline}), so "
              "it still counts as missed in responsiveness.{ticket_note}",
    },
    "urg.cancelled_already": {
        "zh_CN": "紧急请求 #{id} 已于 {at} 由 {name} 取消（原因：{reason}），无需再次取消。",
        "en": "Urgent request #{id} was already cancelled by {name} at {at} (reason: {reason}).",
    },
    "urg.is_cancelled": {
        "zh_CN": "紧急请求 #{id} 已于 {at} 由 {name} 取消（原因：{reason}），无需处理。",
        "en": "Urgent request #{id} was cancelled by {name} at {at} (reason: {reason}); nothing to do.",
    },
    "urg.cancelled_notice": {
        "zh_CN": "🟢 紧急请求 #{id} 已取消，无需到场。\n{text}\n取消人：{name}（{at}）\n原因：{reason}",
        "en": "🟢 Urgent request #{id} was cancelled; nobody needs to come.\n{text}\nCancelled by: {name} ({at})\n"
              "Reason: {reason}",
    },
    "urg.cancelled_group": {
        "zh_CN": "🟢 紧急请求 #{id} 已由 {name} 于 {at} 取消，无需到场。原因：{reason}\n{text}",
        "en": "🟢 Urgent request #{id} was cancelled by {name} at {at}; nobody needs to come. Reason: {reason}\n{text}",
    },
    "urg.cancelled_group_late": {
        "zh_CN": "紧急请求 #{id} 已由 {name} 于 {at} 取消，原因：{reason}\n{text}\n"
                 "取消时已超过到岗时限（{deadline}），仍计为未按时到岗。",
        "en": "Urgent request #{id} was cancelled by {name} at {at}. Reason: {reason}\n{text}\n"
              "It was already past its arrival deadline ({deadline}) and still counts as missed.",
    },
    "urg.status.cancelled": {"zh_CN": "已取消：{name}，{at}，原因：{reason}",
                             "en": "cancelled by {name} at {at}, reason: {reason}"},
    "urg.status.cancelled_late": {
        "zh_CN": "超时后取消：{name}，{at}，原因：{reason}（截止 {deadline}，计为未按时到岗）",
        "en": "cancelled after the deadline ({deadline}) by {name} at {at}, reason: {reason} (counts as missed)",
    },
    "urg.loss.cancelled_late": {
        "zh_CN": "紧急请求 #{id} 超过到岗时限（{deadline}）无人到岗，于 {at} 取消",
        "en": "urgent request #{id}: nobody on site by the deadline ({deadline}); cancelled at {at}",
    },
    "urg.loss.late": {"zh_CN": "紧急请求 #{id} 到岗用时 {minutes} 分钟，超过时限",
                      "en": "urgent request #{id} arrived after {minutes} min"},
    "urg.loss.open": {"zh_CN": "紧急请求 #{id} 超过到岗时限（{deadline}）仍未到岗",
                      "en": "urgent request #{id}: nobody on site by the deadline ({deadline})"},
}
