"""The domain: the contract's entities, value types and pure rules, one small module per aggregate.

No I/O here: no database, no clock reads, no catalog rendering, no chat library; only the standard library and
other `bot.services.domain` modules (tests/unit/test_layers.py checks it). Storage maps rows to these entities,
services load them and apply these rules, handlers show them.
"""
