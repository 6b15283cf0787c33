"""Task layer: draft tasks (rewrite, questions, complexity, analyze), scope change and rehearsal."""
