"""Photos and files on records (`media.`) and quiet hours (`quiet.`), #20 items 3 and 7."""

MESSAGES: dict[str, dict[str, str]] = {
    # -- quiet hours --------------------------------------------------------------------------------------------
    "cmd.quiet": {"zh_CN": "免打扰时段：/quiet 22:00-08:00；/quiet off 关闭；/quiet 查看",
                  "en": "quiet hours: /quiet 22:00-08:00; /quiet off; /quiet alone shows them"},
    "quiet.usage": {"zh_CN": "请写起止时间，例如：/quiet 22:00-08:00（关闭：/quiet off）",
                    "en": "Please give a start and an end, for example: /quiet 22:00-08:00 (to end them: "
                          "/quiet off)"},
    "quiet.set": {"zh_CN": "🌙 已设置免打扰时段 {start}-{end}（北京时间）。"
                           "其间不紧急的通知（{kinds}）将在结束时汇总成一条发给您；"
                           "紧急请求、升级和值班交接照常送达。",
                  "en": "🌙 Quiet hours set: {start}-{end} (Beijing time). Notifications that can wait ({kinds}) "
                        "come as one digest when they end; urgent requests, escalations and hand-overs always "
                        "go through."},
    "quiet.off": {"zh_CN": "🔔 已关闭免打扰时段，所有通知将即时送达。",
                  "en": "🔔 Quiet hours off: every notification comes at once."},
    "quiet.none": {"zh_CN": "您没有设置免打扰时段。设置示例：/quiet 22:00-08:00",
                   "en": "You have no quiet hours. To set them, for example: /quiet 22:00-08:00"},
    "quiet.show": {"zh_CN": "🌙 您的免打扰时段：{start}-{end}（北京时间）。关闭：/quiet off",
                   "en": "🌙 Your quiet hours: {start}-{end} (Beijing time). To end them: /quiet off"},
    "quiet.digest": {"zh_CN": "🌅 免打扰期间为您保留的 {count} 条通知：\n\n{items}",
                     "en": "🌅 {count} notification(s) held during your quiet hours:\n\n{items}"},
    "quiet.digest_item": {"zh_CN": "• {text}", "en": "• {text}"},
    "quiet.kinds": {"zh_CN": "常见问题、报告、材料提醒、评价邀请等", "en": "FAQ, reports, paper reminders, rating "
                                                                     "requests…"},
    # -- photos and files ---------------------------------------------------------------------------------------
    "media.kind.photo": {"zh_CN": "照片", "en": "photo"},
    "media.kind.document": {"zh_CN": "文件", "en": "file"},
    "media.attached": {"zh_CN": "📎 {what}已附到{record}。", "en": "📎 The {what} is kept with {record}."},
    "media.record.ticket": {"zh_CN": "工单 #{id}", "en": "ticket #{id}"},
    "media.record.daily": {"zh_CN": "{day} 的巡检记录", "en": "the daily log of {day}"},
    "media.record.incident": {"zh_CN": "安全事件 #{id}", "en": "incident #{id}"},
    "media.record.urgent": {"zh_CN": "紧急请求 #{id}", "en": "urgent request #{id}"},
    "media.which": {"zh_CN": "📎 收到{what}。它属于哪条记录？请点选，"
                               "或发送时在说明中写 /ticket 工单号，例如：/ticket 12",
                    "en": "📎 Got the {what}. Which record is it for? Tap one, or send it with the caption "
                          "/ticket <number>, for example: /ticket 12"},
    "media.btn.ticket": {"zh_CN": "工单 #{id}", "en": "Ticket #{id}"},
    "media.btn.daily": {"zh_CN": "今天的巡检记录", "en": "Today's daily log"},
    "media.btn.urgent": {"zh_CN": "紧急请求 #{id}", "en": "Urgent request #{id}"},
    "media.btn.incident": {"zh_CN": "安全事件 #{id}", "en": "Incident #{id}"},
    "media.usage": {"zh_CN": "请在说明中写明记录，例如：/ticket 12、/daily、/incident 3、/urgent 5",
                    "en": "Please name the record in the caption, for example: /ticket 12, /daily, /incident 3, "
                          "/urgent 5"},
    "media.no_daily": {"zh_CN": "今天还没有您的巡检记录，请先发送 /daily 巡检情况，再发照片。",
                       "en": "You have no daily log today yet: send /daily what you checked first, then the photo."},
    "media.not_found": {"zh_CN": "没有找到编号为 {record} 的记录，请检查编号，例如：/ticket 12",
                        "en": "There is no record {record}; please check the number, for example: /ticket 12"},
    "media.not_yours": {"zh_CN": "只有发送者本人可以为这个附件选择记录。",
                        "en": "Only the person who sent the file can choose its record."},
    "media.already_filed": {"zh_CN": "这个附件已经归档。", "en": "That file was already filed."},
    "media.too_large": {"zh_CN": "📎 {what}已附到{record}（{size} 超过本地保存上限 {limit}，仅保留平台上的文件）。",
                        "en": "📎 The {what} is kept with {record} ({size} is over the local copy limit {limit}: "
                              "only the platform keeps the file)."},
    "media.hist": {"zh_CN": "{kind}：{name}", "en": "{kind}: {name}"},
    "tk.act.attach": {"zh_CN": "附件", "en": "attached"},
}
