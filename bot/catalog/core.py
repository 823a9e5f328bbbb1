"""Foundation texts: access, help, language, groups, errors."""

MESSAGES: dict[str, dict[str, str]] = {
    "access.unknown_user": {
        "zh_CN": "抱歉，您不在本项目的人员名单中，无法使用本机器人。如有需要，请联系项目管理员。",
        "en": "Sorry, you are not on this project's roster, so this bot cannot serve you. "
              "Please ask the project administrator if you need access.",
    },
    "access.denied": {
        "zh_CN": "抱歉，您的角色无权使用 /{command}。可用的命令请看 /help。",
        "en": "Sorry, your role may not use /{command}. See /help for the commands you can use.",
    },
    "access.client_side_only": {
        "zh_CN": "抱歉，/{command} 由甲方（监理或甲方联系人）使用，乙方人员不能操作。可用的命令请看 /help。",
        "en": "Sorry, /{command} is for the client side (a supervisor or the client's contact); the vendor side "
              "may not use it. See /help for the commands you can use.",
    },
    "access.client_side_button": {
        "zh_CN": "此操作由甲方（监理或甲方联系人）决定，乙方人员不能操作。",
        "en": "This is the client side's decision (a supervisor or the client's contact); the vendor side may "
              "not make it.",
    },
    "access.own_request": {
        "zh_CN": "不能审批自己的申请，请由其他甲方人员（监理或甲方联系人）审批。",
        "en": "Nobody decides their own request; another person of the client side (a supervisor or the client's "
              "contact) will.",
    },
    "access.denied_button": {
        "zh_CN": "您无权进行此操作。",
        "en": "You are not allowed to do this.",
    },
    "start.greeting": {
        "zh_CN": "您好，{name}（{roles}）！我是「{project}」的运维助手。\n\n您可以使用的命令：\n{commands}",
        "en": "Hello, {name} ({roles})! I am the maintenance assistant of “{project}”.\n\n"
              "Commands you can use:\n{commands}",
    },
    "help.title": {
        "zh_CN": "您可以使用的命令：\n{commands}",
        "en": "Commands you can use:\n{commands}",
    },
    "help.line": {"zh_CN": "/{command} — {description}", "en": "/{command} — {description}"},
    "role.engineer": {"zh_CN": "驻场工程师", "en": "on-site engineer"},
    "role.lead": {"zh_CN": "项目负责人", "en": "project lead"},
    "role.supervisor": {"zh_CN": "甲方主管", "en": "supervisor"},
    "role.contact": {"zh_CN": "项目联系人", "en": "project contact"},
    "role.escalation": {"zh_CN": "二线支援", "en": "second line"},
    "role.admin": {"zh_CN": "管理员", "en": "administrator"},
    "role.separator": {"zh_CN": "、", "en": ", "},
    "cmd.start": {"zh_CN": "开始使用，查看可用命令", "en": "start and see your commands"},
    "cmd.help": {"zh_CN": "查看可用命令", "en": "list the commands you can use"},
    "cmd.lang": {"zh_CN": "切换语言：/lang zh 或 /lang en", "en": "switch language: /lang zh or /lang en"},
    "cmd.bindgroup": {
        "zh_CN": "把本群绑定为项目群（在群里发送）",
        "en": "bind this group to the project (send in the group)",
    },
    "lang.set": {"zh_CN": "好的，以后我用中文和您交流。", "en": "OK, I will speak English with you from now on."},
    "lang.usage": {
        "zh_CN": "请指定语言，例如：/lang zh 或 /lang en",
        "en": "Please name a language, for example: /lang en or /lang zh",
    },
    "group.bound": {
        "zh_CN": "本群已绑定为「{project}」的项目群，群通知将发到这里。",
        "en": "This group is now the project group of “{project}”; group notices will come here.",
    },
    "group.already_bound": {"zh_CN": "本群已经是项目群了。", "en": "This group is already the project group."},
    "group.configured": {
        "zh_CN": "本群已在配置中指定为「{project}」的项目群，无需绑定。",
        "en": "This group is already set in the configuration as the project group of “{project}”; no binding needed.",
    },
    "group.configure_in_file": {
        "zh_CN": "钉钉群不用 /bindgroup 绑定，而是在配置中指定：请管理员在项目配置的 [contract] 中写入 "
                 "dingtalk_group = \"{group_id}\"（本群的编号），然后重启机器人。",
        "en": "DingTalk groups are not bound with /bindgroup but set in the configuration: an admin adds "
              "dingtalk_group = \"{group_id}\" (this group's id) under [contract] and restarts the bot.",
    },
    "group.only_in_group": {
        "zh_CN": "请在要绑定的群里发送 /bindgroup。",
        "en": "Please send /bindgroup inside the group you want to bind.",
    },
    "group.privacy_hint": {
        "zh_CN": "提示：机器人目前开启了隐私模式，在群里只能看到命令，看不到「签到」等普通消息。"
                 "请在 @BotFather 中发送 /setprivacy，选择本机器人并设为 Disable，然后把机器人移出群再重新拉入。",
        "en": "Note: the bot's privacy mode is on, so in groups it sees only commands, not plain messages such as "
              "“check in”. In @BotFather send /setprivacy, choose this bot, select Disable, then remove the bot "
              "from the group and add it again.",
    },
    "fallback.unknown_command": {
        "zh_CN": "抱歉，我不认识这个命令。发送 /help 查看您可以使用的命令。",
        "en": "Sorry, I don't know that command. Send /help to see the commands you can use.",
    },
    "fallback.not_understood": {
        "zh_CN": "抱歉，我没看懂。发送 /help 查看可用命令，例如发送「签到」即可打卡。",
        "en": "Sorry, I did not understand. Send /help to see what I can do; for example “check in” checks you in.",
    },
    "error.internal": {
        "zh_CN": "抱歉，处理您的请求时出了问题，管理员已收到通知。没有收到确认的操作可能未保存，"
                 "请稍后用相应的查询命令确认后再试。",
        "en": "Sorry, something went wrong while handling your request; the administrators have been told. "
              "An action you did not see confirmed may not have been saved: check with the matching list "
              "command, then try again.",
    },
    "error.db_unwritable": {
        "zh_CN": "⚠️ 数据库暂时无法写入（磁盘已满或只读），这次操作没有保存。管理员已收到通知，请稍后再发一次。",
        "en": "⚠️ The database cannot be written right now (disk full or read-only), so this action was not "
              "saved. The administrators have been told; please send it again later.",
    },
    "error.internal_after_save": {
        "zh_CN": "抱歉，处理您的请求时出了问题，管理员已收到通知。您的操作已保存，可用相应的查询命令确认。",
        "en": "Sorry, something went wrong while handling your request; the administrators have been told. "
              "Your action was saved: you can check it with the matching list command.",
    },
    "error.db_unwritable_admin": {
        "zh_CN": "⚠️ 数据库无法写入：{error}\n请尽快检查磁盘空间和文件权限。在恢复之前，机器人不接受需要记录的操作；"
                 "恢复后会自动继续。",
        "en": "⚠️ The database cannot be written: {error}\nCheck the disk space and file permissions. Until then "
              "the bot refuses actions it cannot record; it carries on by itself once the disk is writable.",
    },
    "error.db_writable_again": {
        "zh_CN": "✅ 数据库已恢复可写，机器人已恢复正常。",
        "en": "✅ The database can be written again; the bot is back to normal.",
    },
    "error.admin_alert": {
        "zh_CN": "⚠️ 机器人出错：{error}\n（更新 {update_id}）",
        "en": "⚠️ Bot error: {error}\n(update {update_id})",
    },
    "error.bad_time": {
        "zh_CN": "没看懂时间「{text}」。可以这样写：{examples}",
        "en": "I could not read the time “{text}”. Phrases that work: {examples}",
    },
    "error.bad_period": {
        "zh_CN": "没看懂时间段「{text}」。可以这样写：{examples}",
        "en": "I could not read the period “{text}”. Phrases that work: {examples}",
    },
    "error.usage": {"zh_CN": "用法：{usage}", "en": "Usage: {usage}"},
    "error.unknown_person": {
        "zh_CN": "名单中没有「{name}」。请使用名单上的姓名，例如：{example}",
        "en": "There is no “{name}” on the roster. Use a name from the roster, for example: {example}",
    },
    "error.delivery_failed": {
        "zh_CN": "⚠️ 消息无法送达 {chat}：{error}。对方可能没有启动机器人或已将其屏蔽。",
        "en": "⚠️ A message could not be delivered to {chat}: {error}. They may not have started the bot, "
              "or have blocked it.",
    },
    "button.refused": {"zh_CN": "这个按钮已失效。", "en": "This button is no longer valid."},
    "loc.nothing_to_attach": {
        "zh_CN": "已收到您的位置（距{site}约 {distance} 米），但现在没有需要它的签到或紧急请求，未作记录。"
                 "签到请发送「签到」，紧急请求到岗请点「已到岗」。",
        "en": "Location received (about {distance} m from {site}), but there is no check-in or urgent request "
              "it belongs to right now, so nothing was recorded. To check in send “check in”; for an urgent "
              "request press “arrived”.",
    },
    "common.none": {"zh_CN": "无", "en": "none"},
    "common.yes": {"zh_CN": "是", "en": "yes"},
    "common.no": {"zh_CN": "否", "en": "no"},
}
