"""Long replies shown page by page (bot/pager.py)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "page.footer": {"zh_CN": "（第 {page}/{pages} 页，点「下一页」「上一页」翻看）",
                    "en": "(Page {page} of {pages}; use Next / Previous to turn the pages)"},
    "page.prev": {"zh_CN": "◀ 上一页", "en": "◀ Previous"},
    "page.next": {"zh_CN": "下一页 ▶", "en": "Next ▶"},
    "page.expired": {"zh_CN": "这份清单已过期，请重新发送命令查看最新内容。",
                     "en": "This list has expired; send the command again to see it up to date."},
}
