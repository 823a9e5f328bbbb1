"""Reliability texts (issue #9): /health, the downtime notice, start-up errors."""

MESSAGES: dict[str, dict[str, str]] = {
    "rel.already_handled": {
        "zh_CN": "您的消息「{text}」已经处理过了（可能因网络重发），没有重复记录。如需查看结果，请用相应的查询命令。",
        "en": "Your message “{text}” was already handled (it was probably sent again by the network); nothing "
              "was recorded twice. Use the matching list command to see the result.",
    },
    "rel.already_handled_button": {
        "zh_CN": "这个操作已经处理过了，没有重复记录。",
        "en": "This was already handled; nothing was recorded twice.",
    },
    "cmd.health": {"zh_CN": "查看机器人运行状况（管理员）", "en": "show the bot's health (admins)"},
    "health.report": {
        "zh_CN": "🩺 运行状况：{status}\n"
                 "已运行：{uptime}（自 {started}）\n"
                 "数据库：{database}，大小 {size}\n"
                 "待发消息：{outbox}\n"
                 "{oldest}\n"
                 "最近存活记录：{last_alive}\n"
                 "HTTP 健康检查：{http}\n"
                 "接下来的定时任务：\n{timers}",
        "en": "🩺 Health: {status}\n"
              "Up for: {uptime} (since {started})\n"
              "Database: {database}, size {size}\n"
              "Outbox: {outbox}\n"
              "{oldest}\n"
              "Last sign of life: {last_alive}\n"
              "HTTP health check: {http}\n"
              "Next timers:\n{timers}",
    },
    "health.status.ok": {"zh_CN": "正常 ✅", "en": "OK ✅"},
    "health.status.trouble": {"zh_CN": "有问题 ⚠️ {problems}", "en": "trouble ⚠️ {problems}"},
    "health.problem.database": {"zh_CN": "数据库异常", "en": "database failing"},
    "health.problem.outbox_stuck": {"zh_CN": "消息积压未发出", "en": "messages stuck in the outbox"},
    "health.database.ok": {"zh_CN": "正常", "en": "OK"},
    "health.database.bad": {"zh_CN": "异常（{detail}）", "en": "failing ({detail})"},
    "health.outbox": {
        "zh_CN": "待发 {pending} 条（其中 {due} 条已到期），已发 {sent} 条，失败 {failed} 条",
        "en": "{pending} pending ({due} due now), {sent} sent, {failed} failed",
    },
    "health.oldest.none": {"zh_CN": "没有积压的消息。", "en": "Nothing is waiting."},
    "health.oldest.some": {
        "zh_CN": "最早的待发消息已等待 {minutes} 分钟。",
        "en": "The oldest pending message has waited {minutes} min.",
    },
    "health.duration": {"zh_CN": "{days} 天 {hours} 小时 {minutes} 分钟", "en": "{days} d {hours} h {minutes} min"},
    "rel.duration.minutes": {"zh_CN": "{minutes} 分钟", "en": "{minutes} min"},
    "rel.duration.hours": {"zh_CN": "{hours} 小时 {minutes} 分钟", "en": "{hours} h {minutes} min"},
    "rel.duration.days": {"zh_CN": "{days} 天 {hours} 小时", "en": "{days} d {hours} h"},
    "health.http.off": {"zh_CN": "未开启", "en": "off"},
    "health.http.on": {"zh_CN": "端口 {port}", "en": "port {port}"},
    "health.timer_line": {"zh_CN": "· {name}：{when}", "en": "· {name}: {when}"},
    "health.timer_idle": {"zh_CN": "暂无", "en": "nothing due"},
    "health.no_timers": {"zh_CN": "· （没有定时任务）", "en": "· (no timers)"},
    "rel.downtime.crash": {
        "zh_CN": "⚠️ 机器人曾意外中断（崩溃、断电或被强制结束）：{since} 至 {until}，约 {duration}。\n"
                 "停机期间到期、已在重启时补发的通知：{late}\n"
                 "停机前已欠下、现在补发的消息：{owed}\n"
                 "停机期间的期限未能及时提醒，请核对。",
        "en": "⚠️ The bot stopped unexpectedly (crash, power loss or killed): {since} to {until}, "
              "about {duration}.\n"
              "Notices that fell due meanwhile, sent late at the restart: {late}\n"
              "Messages owed from before, sent now: {owed}\n"
              "Deadlines in that period were not reminded on time; please check them.",
    },
    "rel.downtime.clean": {
        "zh_CN": "ℹ️ 机器人曾停止运行（正常关闭）：{since} 至 {until}，约 {duration}。\n"
                 "停机期间到期、已在重启时补发的通知：{late}\n"
                 "停机前已欠下、现在补发的消息：{owed}",
        "en": "ℹ️ The bot was stopped (shut down normally): {since} to {until}, about {duration}.\n"
              "Notices that fell due meanwhile, sent late at the restart: {late}\n"
              "Messages owed from before, sent now: {owed}",
    },
    "rel.startup.after_contract": {
        "zh_CN": "注意：今天（{today}）已在合同服务期（{start} 至 {end}）之后：签到、签退不再记录，"
                 "得分和月报只算服务期内的日子，也不再提醒值班空档。",
        "en": "Note: today ({today}) is after the contract's service period ({start} to {end}): check-ins and "
              "check-outs are no longer recorded, the score and reports cover the period only, and no on-call "
              "gaps are reported.",
    },
    "rel.startup.before_contract": {
        "zh_CN": "注意：今天（{today}）尚未进入合同服务期（{start} 至 {end}）：签到、签退要到 {start} 才记录。",
        "en": "Note: today ({today}) is before the contract's service period ({start} to {end}): check-ins and "
              "check-outs are recorded from {start}.",
    },
    "rel.startup.console_clock": {
        "zh_CN": "控制台的模拟时钟从 {at} 开始（服务期内；:advance 可拨动时间，--at '{example}' 可另选起点）。",
        "en": "The console's fake clock starts at {at}, inside the service period (:advance moves it; "
              "--at '{example}' picks another start).",
    },
    "rel.startup.db_damaged": {
        "zh_CN": "数据库文件 {path} 已损坏（{detail}）。机器人未启动，以免写坏数据："
                 "请停止所有进程，从 {backups} 中的最近备份恢复该文件后再启动。",
        "en": "The database file {path} is damaged ({detail}). The bot did not start, so nothing more is written "
              "to it: stop every process, restore the file from the latest backup in {backups}, then start again.",
    },
    "rel.startup.db_schema_too_new": {
        "zh_CN": "数据库 {path} 由更新版本的 maintbot 升级过（{detail}）。请升级 maintbot 或恢复备份。",
        "en": "The database {path} was upgraded by a newer maintbot ({detail}). Upgrade maintbot or restore a "
              "backup.",
    },
    "rel.startup.db_unavailable": {
        "zh_CN": "无法打开数据库 {path}（{detail}）。请检查路径、权限和磁盘空间。",
        "en": "Cannot open the database {path} ({detail}). Check the path, the permissions and the free disk "
              "space.",
    },
}
