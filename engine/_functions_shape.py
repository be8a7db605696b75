"""Placeholder until its ops land."""

__all__: list[str] = []
