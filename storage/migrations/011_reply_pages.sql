-- Long replies paged with 上一页/下一页 buttons: the pages of one reply as it was sent (a snapshot, so paging
-- through it shows exactly the list the command produced). Old snapshots are pruned when new ones are stored.

CREATE TABLE reply_pages (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    lang TEXT NOT NULL,
    pages TEXT NOT NULL,              -- JSON list of page texts, each within Telegram's message limit
    buttons TEXT,                     -- JSON rows of [label, callback data] shown under every page, or NULL
    created_at TEXT NOT NULL          -- UTC text
);
CREATE INDEX reply_pages_created ON reply_pages (contract_id, created_at);
