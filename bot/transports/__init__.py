"""Chat platforms at the edge: each turns its updates into the bot's own types and sends what the bot owes."""
