"""Text layer: the Document (sentences, spans, skipped regions) and reading a draft from a file or stdin."""
