#!/usr/bin/env python3
"""maintbot entry point: `python run_bot.py [--console | --webhook]` or `python run_bot.py <subcommand>`.

Only parses arguments and hands over; the wiring lives in bot/app.py, subcommands in bot/cli/.
"""

from bot.main import main

if __name__ == "__main__":
    raise SystemExit(main())
