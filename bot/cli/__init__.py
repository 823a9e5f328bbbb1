"""Command-line subcommands of run_bot.py (check-config, calendar, score, report, backup…).

Each module of this package defines `NAME`, `HELP`, `add_arguments(parser)` and
`run(args, settings_path) -> int` (sync); `bot/main.py` lists them in `SUBCOMMANDS`.
"""
