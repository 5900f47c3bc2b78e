"""Telegram assistant for commune officials' questions on cadre regulations."""
