"""Chat handlers, one module per feature. The composition root (bot/app.py) lists them in
`HANDLER_MODULES` and registers the commands and buttons they declare; importing one registers nothing."""
