"""Scoring: the public scorer API, the registry and the verdict."""
