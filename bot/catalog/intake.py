"""Update intake texts (issue 14): edited commands, storage busy, stale buttons, unbound groups, strangers."""

MESSAGES: dict[str, dict[str, str]] = {
    "intake.edited_command": {
        "zh_CN": "您修改了已发送的 /{command} 命令。修改后的命令不会再执行一次（避免重复记录），"
                 "原命令已按修改前的内容处理。如需更正，请发送一条新消息，例如：{example}",
        "en": "You edited a /{command} command you had sent. An edited command is not run again (nothing is recorded "
              "twice); the original was handled as first sent. To correct it, send a new message, for example: "
              "{example}",
    },
    "intake.edit_example.default": {
        "zh_CN": "/{command} 更正后的内容",
        "en": "/{command} the corrected text",
    },
    "intake.edit_example.urgent": {
        "zh_CN": "/cancelurgent 编号 原因（撤销原请求），再发送 /urgent 更正后的内容",
        "en": "/cancelurgent number reason (to withdraw the first request), then /urgent the corrected text",
    },
    "intake.edit_example.deduct": {
        "zh_CN": "/deductions 查看已记录的扣分，再发送 /deduct daily 2 更正后的原因",
        "en": "/deductions to see what was recorded, then /deduct daily 2 the corrected reason",
    },
    "intake.storage_busy": {
        "zh_CN": "⏳ 数据库正忙，您的消息「{text}」暂未处理，请稍候：稍后会自动重试，无需重复发送。",
        "en": "⏳ The database is busy; your message “{text}” is not handled yet. Please wait: it is retried "
              "automatically, no need to send it again.",
    },
    "intake.group_not_bound": {
        "zh_CN": "本群还不是项目群，不能在这里使用 /{command}。请项目负责人、甲方主管或管理员在本群发送 /bindgroup "
                 "绑定，或在与我的私聊中发送 /{command}。",
        "en": "This group is not the project group, so /{command} cannot be used here. A lead, the supervisor or an "
              "admin can bind it by sending /bindgroup in this group; or send /{command} to me in a private chat.",
    },
    "intake.group_not_configured": {
        "zh_CN": "本群还不是项目群，不能在这里使用 /{command}。钉钉群由配置指定：请管理员在项目配置的 "
                 "[contract] 中写入 dingtalk_group = \"{group_id}\" 并重启机器人；或在与我的私聊中发送 /{command}。",
        "en": "This group is not the project group, so /{command} cannot be used here. DingTalk groups are set in "
              "the configuration: an admin adds dingtalk_group = \"{group_id}\" under [contract] and restarts the "
              "bot; or send /{command} to me in a private chat.",
    },
}
