"""Probes run inside other venvs; each prints one JSON document."""
