"""Thin Telegram adapters: parse the update, call one service, format, reply."""
