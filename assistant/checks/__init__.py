"""Deterministic checks over a Document: rules, lint, context, complexity, questions, offline rewrite, guards."""
