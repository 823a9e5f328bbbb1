"""/scores rendered: one line per contract, the running score, tier and payment ratio side by side."""

from __future__ import annotations

from bot.catalog import t
from bot.services.contracts import ContractScore
from bot.services.scoring import fmt_ratio


def render_scores(rows: list[ContractScore], lang: str) -> str:
    lines = [t("scores.header", lang, count=len(rows))]
    for row in rows:
        if not row.tracked:
            lines.append(t("scores.line_untracked", lang, title=row.title, id=row.contract_id))
            continue
        lines.append(t("scores.line", lang, title=row.title, id=row.contract_id, total=row.shown_total,
                       tier=row.tier, ratio=fmt_ratio(row.payment_ratio)))
    return "\n".join(lines)
