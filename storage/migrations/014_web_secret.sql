-- The web page's signing secret (issue 19), generated once per contract when MAINTBOT_WEB_SECRET is not set.
CREATE TABLE web_secret (
    contract_id TEXT NOT NULL PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL
);
