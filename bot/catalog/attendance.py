"""Attendance texts (#4): check-in/out, location, leave, make-up (补卡), reminders, summary, report."""

MESSAGES: dict[str, dict[str, str]] = {
    # -- commands ---------------------------------------------------------------------------------
    "cmd.checkin": {"zh_CN": "签到（也可直接发送「签到」或位置）",
                    "en": "check in (or just send “check in” or a location)"},
    "cmd.checkout": {"zh_CN": "签退（也可直接发送「签退」）", "en": "check out (or just send “check out”)"},
    "cmd.leave": {"zh_CN": "请假：/leave 时间段 事由", "en": "ask for leave: /leave <period> <reason>"},
    "cmd.makeup": {"zh_CN": "补卡：/makeup 日期 事由",
                   "en": "ask for a make-up check-in: /makeup <date> <reason>"},
    "cmd.attendance": {"zh_CN": "出勤统计：/attendance [时间段]，默认本月",
                       "en": "attendance report: /attendance [period], default this month"},
    # -- pieces ---------------------------------------------------------------------------------
    "att.meters": {"zh_CN": "{n} 米", "en": "{n} m"},
    "att.km": {"zh_CN": "{n} 公里", "en": "{n} km"},
    "att.weekend": {"zh_CN": "休息日", "en": "a day off"},
    "att.location_inside": {
        "zh_CN": "📍 距{site} {distance}，在 {radius}范围内。",
        "en": "📍 {distance} from {site}, within {radius}.",
    },
    "att.location_outside": {
        "zh_CN": "⚠️ 距{site} {distance}，超出 {radius}范围，已如实记录并标注。",
        "en": "⚠️ {distance} from {site}, outside the {radius} radius: recorded and flagged.",
    },
    "att.day_none": {"zh_CN": "今天：尚未签到", "en": "Today: not checked in yet"},
    "att.day_line": {"zh_CN": "今天：{record}", "en": "Today: {record}"},
    "att.record_line": {"zh_CN": "签到 {checkin}，签退 {checkout}", "en": "in {checkin}, out {checkout}"},
    "att.flags": {"zh_CN": "（{flags}）", "en": " ({flags})"},
    "att.minutes": {"zh_CN": "{m} 分钟", "en": "{m} min"},
    "att.hours_minutes": {"zh_CN": "{h} 小时 {m} 分钟", "en": "{h} h {m} min"},
    "att.flag_late": {"zh_CN": "迟到 {duration}", "en": "{duration} late"},
    "att.flag_early": {"zh_CN": "早退 {duration}", "en": "left {duration} early"},
    "att.flag_holiday": {"zh_CN": "节假日值班", "en": "holiday duty"},
    "att.flag_outside": {"zh_CN": "不在现场范围", "en": "outside the site"},
    # -- check-in / check-out replies -------------------------------------------------------------
    "att.checked_in": {
        "zh_CN": "✅ 签到成功：{time}\n{status}\n{today}{hint}",
        "en": "✅ Checked in: {time}\n{status}\n{today}{hint}",
    },
    "att.status_on_time": {"zh_CN": "准时（上班时间 {start}）。", "en": "On time (work starts at {start})."},
    "att.status_late": {"zh_CN": "⏰ 迟到 {duration}（上班时间 {start}）。",
                        "en": "⏰ {duration} late (work starts at {start})."},
    "att.status_holiday": {"zh_CN": "今天是{holiday}，已记为节假日值班，辛苦了！",
                           "en": "Today is {holiday}: recorded as holiday duty. Thank you!"},
    "att.location_hint": {
        "zh_CN": "\n可在 {minutes} 分钟内发送位置，核验是否在现场。",
        "en": "\nYou may share your location within {minutes} minutes to confirm you are on site.",
    },
    "att.already_checked_in": {
        "zh_CN": "您今天已在 {time} 签到过了，本次未作更改。\n{today}",
        "en": "You already checked in today at {time}; nothing was changed.\n{today}",
    },
    "att.checked_out": {
        "zh_CN": "✅ 签退成功：{time}\n{status}\n{today}",
        "en": "✅ Checked out: {time}\n{status}\n{today}",
    },
    "att.checkout_on_time": {"zh_CN": "下班时间 {end}，辛苦了！", "en": "Work ends at {end}. Thank you!"},
    "att.checkout_early": {"zh_CN": "⏰ 早退 {duration}（下班时间 {end}）。",
                           "en": "⏰ {duration} before the end of work ({end})."},
    "att.checkout_holiday": {"zh_CN": "节假日值班签退，辛苦了！", "en": "Holiday duty checked out. Thank you!"},
    "att.checkout_updated": {"zh_CN": "（签退时间已由 {before} 更新，以最后一次为准。）",
                             "en": " (Check-out moved from {before}; the latest counts.)"},
    "att.outside_contract": {
        "zh_CN": "今天（{day}）不在合同服务期（{start} 至 {end}）内：签到、签退不作记录，也不算节假日值班。",
        "en": "Today ({day}) is outside the contract's service period ({start} to {end}): check-ins and "
              "check-outs are not recorded, and it is not holiday duty.",
    },
    "att.checkout_without_checkin": {
        "zh_CN": "您今天还没有签到，所以还不能签退。如果今天早上忘了签到，请发送 /makeup 今天 事由 申请补卡，"
                 "主管批准后再发送「签退」即可（当天按补卡计为出勤）。",
        "en": "You have not checked in today, so you cannot check out yet. If you forgot this morning, send "
              "/makeup today <reason>; once a supervisor approves it, send “check out” again (the day counts "
              "through the make-up).",
    },
    "att.checkout_makeup_pending": {
        "zh_CN": "您今天还没有签到，补卡申请 #{id} 还在等待甲方审批；批准后再发送「签退」即可。",
        "en": "You have not checked in today and your make-up request #{id} is still waiting for approval; "
              "send “check out” again once it is approved.",
    },
    "att.checkout_made_up": {"zh_CN": "\n今天没有签到记录，按已批准的补卡 #{id} 计为出勤。",
                             "en": "\nNo check-in today: the day counts through the approved make-up #{id}."},
    "att.checkin_made_up": {"zh_CN": "补卡", "en": "made up"},
    "att.not_assigned": {
        "zh_CN": "您在 {date} 不在驻场人员名单的在岗期内，无法记录考勤。如有疑问请联系项目负责人。",
        "en": "On {date} you are not assigned to the site, so attendance cannot be recorded. "
              "Please ask the project lead.",
    },
    "att.location_checked_in": {
        "zh_CN": "✅ 已按位置签到：{time}\n{status}\n{today}",
        "en": "✅ Checked in by location: {time}\n{status}\n{today}",
    },
    "att.location_recorded": {
        "zh_CN": "📍 位置已记入今天的签到。\n{today}",
        "en": "📍 Location added to today's check-in.\n{today}",
    },
    "att.location_forwarded": {
        "zh_CN": "转发的位置不能用于签到，请直接发送您当前的位置。",
        "en": "A forwarded location cannot be used for attendance; please share your current location.",
    },
    # -- leave and make-up ------------------------------------------------------------------------
    "att.leave_usage": {
        "zh_CN": "请假请写明时间段和事由，例如：\n/leave 明天 看病\n/leave 10月12日至10月13日 家里有事\n"
                 "/leave 明天下午 家里有事（半天）",
        "en": "Please give the period and the reason, for example:\n/leave tomorrow doctor\n"
              "/leave 2022-10-12 to 2022-10-13 family matters\n/leave tomorrow afternoon family matters (half a day)",
    },
    "att.leave_no_workdays": {
        "zh_CN": "{first} 至 {last} 没有您需要出勤的工作日，无需请假。",
        "en": "There is no working day for you between {first} and {last}; no leave is needed.",
    },
    "att.leave_overlap": {
        "zh_CN": "这段时间与您的请假申请 #{id}（{first} 至 {last}）重叠，未重复提交。",
        "en": "This overlaps your leave request #{id} ({first} to {last}); nothing new was filed.",
    },
    "att.leave_submitted": {
        "zh_CN": "📝 请假申请 #{id} 已提交：{first} 至 {last}（{days} 个工作日），事由：{reason}。"
                 "已发给审批人，结果会通知您。",
        "en": "📝 Leave request #{id} filed: {first} to {last} ({days} working day(s)), reason: {reason}. "
              "The approvers have it; you will be told the decision.",
    },
    "att.leave_submitted_half": {
        "zh_CN": "📝 请假申请 #{id} 已提交：{period}（半天，计 0.5 个工作日），事由：{reason}。"
                 "已发给审批人，结果会通知您。",
        "en": "📝 Leave request #{id} filed: {period} (half a day, 0.5 working day), reason: {reason}. "
              "The approvers have it; you will be told the decision.",
    },
    "att.leave_ask_am": {
        "zh_CN": "📝 请假申请 #{id}\n{name}：{first} 上午（半天）\n事由：{reason}",
        "en": "📝 Leave request #{id}\n{name}: {first} morning (half a day)\nReason: {reason}",
    },
    "att.leave_ask_pm": {
        "zh_CN": "📝 请假申请 #{id}\n{name}：{first} 下午（半天）\n事由：{reason}",
        "en": "📝 Leave request #{id}\n{name}: {first} afternoon (half a day)\nReason: {reason}",
    },
    "att.half_am": {"zh_CN": "上午", "en": "morning"},
    "att.half_pm": {"zh_CN": "下午", "en": "afternoon"},
    "att.leave_ask": {
        "zh_CN": "📝 请假申请 #{id}\n{name}：{first} 至 {last}（{days} 个工作日）\n事由：{reason}",
        "en": "📝 Leave request #{id}\n{name}: {first} to {last} ({days} working day(s))\nReason: {reason}",
    },
    "att.makeup_usage": {
        "zh_CN": "补卡请写明日期和事由，例如：\n/makeup 昨天 忘记签到\n/makeup 10月9日 手机没电",
        "en": "Please give the date and the reason, for example:\n/makeup yesterday forgot to check in\n"
              "/makeup 2022-10-09 phone was flat",
    },
    "att.makeup_bad_date": {
        "zh_CN": "没看懂补卡日期「{text}」。可以这样写：今天、昨天、上周五、10月9日、2022-10-09",
        "en": "I could not read the date “{text}”. Phrases that work: today, yesterday, last friday, 2022-10-09",
    },
    "att.makeup_future": {"zh_CN": "{date} 还没到，不能补卡。", "en": "{date} has not come yet; no make-up possible."},
    "att.makeup_not_workday": {"zh_CN": "{date} 不是工作日，不需要补卡。",
                               "en": "{date} is not a working day; no make-up is needed."},
    "att.makeup_too_old": {
        "zh_CN": "只能补最近 {days} 个工作日内的卡（最早 {earliest}），{date} 已超出范围。",
        "en": "Make-ups reach back {days} working days at most (earliest {earliest}); {date} is too far back.",
    },
    "att.makeup_already_present": {
        "zh_CN": "{date} 已有签到记录（{checkin}），不需要补卡。",
        "en": "{date} already has a check-in ({checkin}); no make-up is needed.",
    },
    "att.makeup_duplicate": {
        "zh_CN": "{date} 已有补卡申请 #{id}，未重复提交。",
        "en": "There is already make-up request #{id} for {date}; nothing new was filed.",
    },
    "att.makeup_cap": {
        "zh_CN": "每人每月最多补卡 {limit} 次，{month} 已申请 {used} 次，不能再补。",
        "en": "At most {limit} make-ups per person per month; {month} already has {used}, so no more.",
    },
    "att.makeup_submitted": {
        "zh_CN": "📝 补卡申请 #{id} 已提交：{date}，事由：{reason}。已发给审批人，结果会通知您。",
        "en": "📝 Make-up request #{id} filed for {date}, reason: {reason}. "
              "The approvers have it; you will be told the decision.",
    },
    "att.makeup_ask": {
        "zh_CN": "📝 补卡申请 #{id}\n{name}：{date}\n事由：{reason}\n（本月第 {used} 次，上限 {limit} 次）",
        "en": "📝 Make-up request #{id}\n{name}: {date}\nReason: {reason}\n(make-up {used} of {limit} this month)",
    },
    "att.no_approvers": {
        "zh_CN": "\n⚠️ 名单中暂无审批人，请联系项目管理员。",
        "en": "\n⚠️ Nobody on the roster can approve it yet; please tell the project administrator.",
    },
    "att.btn_approve": {"zh_CN": "✅ 批准", "en": "✅ Approve"},
    "att.btn_reject": {"zh_CN": "❌ 驳回", "en": "❌ Reject"},
    "att.own_request": {"zh_CN": "不能审批自己的申请。", "en": "You cannot decide your own request."},
    "att.not_approver": {"zh_CN": "只有甲方主管或甲方项目联系人可以审批。",
                         "en": "Only the client's supervisors or project contact can decide this."},
    "att.already_decided": {"zh_CN": "申请 #{id} 已由 {by} 处理（{status}）。",
                            "en": "Request #{id} was already decided by {by} ({status})."},
    "att.status_pending": {"zh_CN": "待审批", "en": "pending"},
    "att.status_approved": {"zh_CN": "已批准", "en": "approved"},
    "att.status_rejected": {"zh_CN": "已驳回", "en": "rejected"},
    "att.decided_note": {"zh_CN": "{status}：{by}，{time}", "en": "{status} by {by}, {time}"},
    "att.toast_approved": {"zh_CN": "已批准，已通知申请人。", "en": "Approved; the requester has been told."},
    "att.toast_rejected": {"zh_CN": "已驳回，已通知申请人。", "en": "Rejected; the requester has been told."},
    "att.leave_approved": {"zh_CN": "✅ 您的请假申请 #{id}（{period}）已由 {by} 批准。",
                           "en": "✅ Your leave request #{id} ({period}) was approved by {by}."},
    "att.leave_rejected": {"zh_CN": "❌ 您的请假申请 #{id}（{period}）被 {by} 驳回，请按时出勤或与其沟通。",
                           "en": "❌ Your leave request #{id} ({period}) was rejected by {by}; please attend "
                                 "as usual or talk to them."},
    "att.makeup_approved": {"zh_CN": "✅ 您的补卡申请 #{id}（{period}）已由 {by} 批准，当天计为出勤。",
                            "en": "✅ Your make-up request #{id} ({period}) was approved by {by}; the day "
                                  "counts as present."},
    "att.makeup_rejected": {"zh_CN": "❌ 您的补卡申请 #{id}（{period}）被 {by} 驳回。",
                            "en": "❌ Your make-up request #{id} ({period}) was rejected by {by}."},
    # -- reminders and the daily summary ----------------------------------------------------------
    "att.remind_checkin": {
        "zh_CN": "⏰ 早上好！今天还没有收到您的签到（上班时间 {start}）。到岗后请发送「签到」。",
        "en": "⏰ Good morning! No check-in from you yet today (work starts at {start}). Send “check in” "
              "when you are on site.",
    },
    "att.remind_checkout": {
        "zh_CN": "🌙 您今天 {checkin} 签到后还没有签退，下班时请发送「签退」。",
        "en": "🌙 You checked in at {checkin} today but have not checked out; send “check out” when you leave.",
    },
    "att.summary": {
        "zh_CN": "📋 {date} 出勤情况（截至 {cutoff}）：应到 {expected} 人，已到 {present} 人\n{lines}",
        "en": "📋 Attendance on {date} (as of {cutoff}): {present} of {expected} present\n{lines}",
    },
    "att.sum_line": {"zh_CN": "{icon} {name}：{status}", "en": "{icon} {name}: {status}"},
    "att.sum_made_up": {"zh_CN": "已补卡", "en": "make-up approved"},
    "att.sum_leave": {"zh_CN": "请假", "en": "on leave"},
    "att.sum_leave_half": {"zh_CN": "请假（{half}）", "en": "on leave ({half})"},
    "att.sum_missing": {"zh_CN": "未签到", "en": "not checked in"},
    # -- report -----------------------------------------------------------------------------------
    "att.report_title": {"zh_CN": "📊 出勤统计 {first} 至 {last}", "en": "📊 Attendance {first} to {last}"},
    "att.report_line": {
        "zh_CN": "• {name}：应出勤 {expected} 天，出勤 {present}，迟到 {late}，请假 {leave}，"
                 "缺勤 {absent}，出勤率 {rate}",
        "en": "• {name}: expected {expected} days, present {present}, late {late}, leave {leave}, "
              "absent {absent}, rate {rate}",
    },
    "att.report_half_days": {"zh_CN": "  半天假：{dates}", "en": "  half-day leave: {dates}"},
    "att.report_absent_dates": {"zh_CN": "  缺勤日期：{dates}", "en": "  absent on: {dates}"},
    "att.report_late_dates": {"zh_CN": "  迟到日期：{dates}", "en": "  late on: {dates}"},
    "att.report_total": {"zh_CN": "合计出勤率：{rate}（{numerator}/{denominator}）",
                         "en": "Overall rate: {rate} ({numerator}/{denominator})"},
    "att.report_rules": {"zh_CN": "口径：应出勤=在岗期间的工作日；{leave_rule}；{late_rule}。",
                         "en": "Rules: expected = working days while assigned; {leave_rule}; {late_rule}."},
    "att.rule_leave_present": {"zh_CN": "批准的请假计为出勤", "en": "approved leave counts as present"},
    "att.rule_leave_absent": {"zh_CN": "请假不计为出勤", "en": "leave does not count as present"},
    "att.rule_late_reported": {"zh_CN": "迟到只统计、不扣减", "en": "late days are reported, not deducted"},
    "att.rule_late_weight": {"zh_CN": "迟到一天按 {value} 天出勤计", "en": "a late day counts as {value} day"},
    "att.report_today_pending": {
        "zh_CN": "今天 {cutoff} 前尚未签到的，暂不计入应出勤。",
        "en": "Today counts for those not yet checked in only after {cutoff}.",
    },
    "att.report_nothing": {"zh_CN": "这个时间段还没有需要出勤的工作日。",
                           "en": "There are no working days to count in this period yet."},
    # -- assessment losses --------------------------------------------------------------------------
    "att.loss_absent": {"zh_CN": "{name} {date} 缺勤", "en": "{name} absent on {date}"},
    "att.loss_leave": {"zh_CN": "{name} {date} 请假（不计出勤）", "en": "{name} on leave on {date} (not counted)"},
    "att.loss_leave_am": {"zh_CN": "{name} {date} 上午请假（半天，不计出勤）",
                          "en": "{name} on leave on the morning of {date} (half a day, not counted)"},
    "att.loss_leave_pm": {"zh_CN": "{name} {date} 下午请假（半天，不计出勤）",
                          "en": "{name} on leave on the afternoon of {date} (half a day, not counted)"},
    "att.loss_absent_am": {"zh_CN": "{name} {date} 上午缺勤（半天）", "en": "{name} absent on the morning of {date}"},
    "att.loss_absent_pm": {"zh_CN": "{name} {date} 下午缺勤（半天）",
                           "en": "{name} absent on the afternoon of {date}"},
    "att.loss_late": {"zh_CN": "{name} {date} 迟到 {minutes} 分钟", "en": "{name} {minutes} min late on {date}"},
    "att.board_title": {"zh_CN": "📋 今日考勤 {date}（已签到 {present}/{total}）",
                        "en": "📋 Attendance {date} ({present}/{total} checked in)"},
    "att.board_line": {"zh_CN": "✅ {name} {time}", "en": "✅ {name} {time}"},
    "att.board_line_late": {"zh_CN": "⏰ {name} {time}（迟到 {minutes} 分钟）",
                            "en": "⏰ {name} {time} (late {minutes} min)"},
    "att.board_checkout": {"zh_CN": "，签退 {time}", "en": ", out {time}"},
    "att.board_missing": {"zh_CN": "未签到：{names}", "en": "Not checked in: {names}"},
    "att.board_all_present": {"zh_CN": "全部已签到。", "en": "Everyone has checked in."},
    "att.board_name_separator": {"zh_CN": "、", "en": ", "},
}
