"""DingTalk as a chat platform (issue 17): Stream-mode receiving with the official `dingtalk-stream` SDK
(`stream.py`), frames turned into `Inbound`s (`adapter.py`), and the OpenAPI for every send (`openapi.py`)."""
