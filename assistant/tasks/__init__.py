"""Task layer: draft tasks (rewrite, questions, complexity, a model's trust findings, lint, analyze),
scope change and rehearsal."""
