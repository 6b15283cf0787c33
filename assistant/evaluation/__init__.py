"""The offline eval suite: YAML cases with plain assertions, recorded model exchanges replayed through
respx, scoring, and a per-model scorecard (text, Markdown, HTML or JSON).

- `cases`: load and validate `assistant/evaluation/suite/cases/*.yaml`.
- `recordings`: the recording file format, provenance, staleness, scrubbing, replay providers.
- `scoring`: one function per assertion type.
- `runner`: run the offline engine, replay recordings, or record a live provider.
- `report`: the scorecard and the reports.
"""
