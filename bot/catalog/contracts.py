"""Many contracts in one deployment (issue 18, item 3): /project, /scores, binding a group to one contract, and
the contract's name on every notification when the deployment serves several."""

MESSAGES = {
    "contract.heading": {"zh_CN": "【{title}】", "en": "[{title}]"},
    "cmd.project": {
        "zh_CN": "切换项目：/project 查看您参与的项目，/project 项目编号 切换",
        "en": "switch project: /project lists your projects, /project <id> switches",
    },
    "cmd.scores": {
        "zh_CN": "各项目考核得分一览（管理人员、各项目管理员）",
        "en": "every project's score side by side (managers, each project's admins)",
    },
    "project.single": {
        "zh_CN": "本机器人只服务一个项目：「{title}」，无需切换。",
        "en": "This bot serves one project only: “{title}”; there is nothing to switch.",
    },
    "project.list": {
        "zh_CN": "您参与的项目（✅ 为当前项目，私聊中的签到、工单等都记入当前项目）：\n{lines}\n\n"
                 "点击下方按钮切换，或发送 /project 项目编号，例如：/project {example}",
        "en": "Your projects (✅ is the current one: check-ins, tickets and the rest in this private chat go to it):\n"
              "{lines}\n\nPress a button below to switch, or send /project <id>, e.g. /project {example}",
    },
    "project.line": {"zh_CN": "{mark} {id} — {title}", "en": "{mark} {id} — {title}"},
    "project.chosen": {
        "zh_CN": "已切换到项目「{title}」（{id}）。之后私聊中的签到、工单等都记入该项目。",
        "en": "Switched to “{title}” ({id}). Check-ins, tickets and the rest in this private chat now go to it.",
    },
    "project.chosen_toast": {"zh_CN": "已切换项目", "en": "Project switched"},
    "project.unknown": {
        "zh_CN": "没有找到您参与的项目「{id}」。您参与的项目：{ids}。例如：/project {example}",
        "en": "You are not on a project “{id}”. Your projects: {ids}. For example: /project {example}",
    },
    "scores.header": {
        "zh_CN": "📊 各项目考核得分（合同至今，共 {count} 个项目）",
        "en": "📊 Every project's score (contract so far, {count} projects)",
    },
    "scores.line": {
        "zh_CN": "{title}（{id}）：{total} 分 · {tier} 档 · 付款比例 {ratio}",
        "en": "{title} ({id}): {total} · tier {tier} · pays {ratio}",
    },
    "scores.line_untracked": {
        "zh_CN": "{title}（{id}）：尚无记录",
        "en": "{title} ({id}): no record yet",
    },
    "scores.none": {
        "zh_CN": "没有可供您查看的项目得分：/scores 仅供管理人员和各项目的管理员使用。",
        "en": "There is no project score for you to see: /scores is for managers and each project's admins.",
    },
    "group.bound_other": {
        "zh_CN": "本群已绑定到项目「{project}」，不能再绑定到其他项目。如需更换，请联系管理员。",
        "en": "This group is bound to the project “{project}” and cannot be bound to another one. "
              "Ask an admin if it must change.",
    },
    "group.choose_contract": {
        "zh_CN": "您参与多个项目，请选择本群所属的项目（或发送 /bindgroup 项目编号，例如：/bindgroup {example}）：",
        "en": "You are on several projects: choose the one this group belongs to "
              "(or send /bindgroup <id>, e.g. /bindgroup {example}):",
    },
    "group.bind_unknown": {
        "zh_CN": "没有找到您参与的项目「{id}」。您参与的项目：{ids}。例如：/bindgroup {example}",
        "en": "You are not on a project “{id}”. Your projects: {ids}. For example: /bindgroup {example}",
    },
}
