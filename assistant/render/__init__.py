"""Render layer: plain-text and Markdown views of the result objects, shared by the CLI, the app and reports."""
