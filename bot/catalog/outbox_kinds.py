"""Human names of outbox kinds (`outbox.kind.<kind>`), e.g. in the downtime notice to admins.

OUTBOX_KINDS lists every kind the code base queues; tests/unit/test_code_catalogs.py checks it against the
source (every dotted `kind="…"` literal and the f-string templates expanded in DYNAMIC_KINDS). A kind missing
here is shown raw, never an error.
"""

OUTBOX_KINDS: dict[str, tuple[str, str]] = {
    "attendance.privacy_hint": ("群隐私设置提示", "group privacy hint"),
    "attendance.reminder": ("签到提醒", "check-in reminder"),
    "attendance.summary": ("出勤日报", "daily attendance summary"),
    "attendance.leave_request": ("请假待审批", "leave request to approve"),
    "attendance.makeup_request": ("补卡待审批", "make-up request to approve"),
    "attendance.leave_decision": ("请假审批结果", "leave decision"),
    "attendance.makeup_decision": ("补卡审批结果", "make-up decision"),
    "daily.reminder": ("工作日志提醒", "daily log reminder"),
    "data.backup": ("数据备份通知", "backup notice"),
    "delivery.failed": ("消息发送失败告警", "delivery failure alert"),
    "drill.remind": ("应急演练预告", "drill reminder"),
    "drill.today": ("当日应急演练提醒", "drill-day notice"),
    "drill.overdue": ("演练结果催报", "drill result overdue"),
    "drill.result": ("演练结果通知", "drill result"),
    "error.alert": ("程序错误告警", "error alert"),
    "error.db_recovered": ("数据库恢复可写通知", "database writable again"),
    "reply.retry": ("补发的回复", "reply sent again"),
    "incident.alert": ("安全事件告警", "security incident alert"),
    "incident.approval": ("处置方案审批", "handling plan approval"),
    "incident.completed": ("安全事件报告完成", "incident report completed"),
    "incident.reminder": ("事件报告催办", "incident report reminder"),
    "oncall.coverage": ("值班空缺提醒", "on-call gap warning"),
    "oncall.handover": ("值班交接", "on-call hand-over"),
    "oncall.holiday": ("节假日值班提醒", "holiday duty notice"),
    "oncall.morning": ("今日值班提醒", "today's on-call notice"),
    "oncall.plan": ("值班计划", "duty plan"),
    "oncall.swap": ("换班", "duty swap"),
    "oncall.leave": ("请假与值班冲突", "leave touching a duty day"),
    "papers.overdue": ("入场材料逾期提醒", "overdue onboarding papers"),
    "papers.reminder": ("入场材料提交提醒", "onboarding papers reminder"),
    "quiet.digest": ("免打扰汇总", "quiet-hours digest"),
    "rel.downtime": ("停机通知", "downtime notice"),
    "report.chart": ("报告图表", "report chart"),
    "report.workbook": ("报告表格", "report workbook"),
    "score.deduction": ("扣分通知", "deduction notice"),
    "staff.approval": ("人员更换待审批", "staff change to approve"),
    "staff.decision": ("人员更换审批结果", "staff change decision"),
    "staff.demand": ("甲方要求更换人员", "replacement demanded"),
    "staff.release": ("人员交接完成", "hand-over completed"),
    "staff.welcome": ("新人员入场", "welcome of a new engineer"),
    "tickets.faq_digest": ("常见问题汇总", "FAQ digest"),
    "tickets.new": ("新工单", "new ticket"),
    "urgent.ack_estimate": ("紧急请求已收到及预计到达", "urgent request acknowledged with an estimate"),
    "tickets.wait": ("工单等待/恢复计时通知", "ticket on hold / resumed"),
    "tickets.overdue": ("工单超期提醒", "overdue ticket reminder"),
    "tickets.rate": ("工单评价邀请", "rating request"),
    "tickets.reopen": ("工单重新打开", "reopened ticket"),
    "tickets.ruling": ("监理裁定", "supervisor's ruling"),
    "tickets.taken": ("工单已受理", "ticket taken"),
    "urgent.escalation": ("紧急请求升级", "urgent request escalation"),
    "urgent.call": ("紧急请求电话/短信", "urgent request call / SMS"),
    "inspection.open": ("巡检任务", "inspection due"),
    "inspection.reminder": ("巡检提醒", "inspection reminder"),
    "inspection.missed": ("巡检未按期完成", "inspection missed"),
    "urgent.group": ("紧急请求群通知", "urgent request group notice"),
    "urgent.off_site": ("到岗位置不在现场", "arrival recorded off site"),
    "urgent.ping": ("紧急请求呼叫", "urgent request call"),
    "urgent.reminder": ("紧急请求提醒", "urgent request reminder"),
    "urgent.support": ("二线支援呼叫", "second-line support call"),
    "urgent.cancel": ("紧急请求已取消", "urgent request cancelled"),
}

# f-string kind templates in the code (as written) -> the concrete kinds they produce.
DYNAMIC_KINDS: dict[str, tuple[str, ...]] = {
    "attendance.{request.kind}_decision": ("attendance.leave_decision", "attendance.makeup_decision"),
    "attendance.{request.kind}_request": ("attendance.leave_request", "attendance.makeup_request"),
    "drill.{what}": ("drill.remind", "drill.today", "drill.overdue"),
}

MESSAGES: dict[str, dict[str, str]] = {
    f"outbox.kind.{kind}": {"zh_CN": zh, "en": en} for kind, (zh, en) in OUTBOX_KINDS.items()
}
