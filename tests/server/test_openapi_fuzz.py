"""Schemathesis over the server's own OpenAPI document: generated bodies for every route, sent to the real
server process; none may get a 500, and every answer must match the document. Derandomized and bounded,
so it never flakes and stays short."""

from __future__ import annotations

import hypothesis
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from assistant.server.app import create_app
from assistant.server.config import ServerConfig

# The document is built in-process from the same code the live server runs (a test below checks they match),
# so the cases can be generated at collection time, before the server starts.
DOCUMENT = create_app(ServerConfig(token="x" * 43)).openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_the_live_document_is_the_one_fuzzed(live_server):
    with live_server.client() as client:
        assert client.get("/v1/openapi.json", headers=live_server.auth).json() == DOCUMENT


@schema.parametrize()
@hypothesis.settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_generated_requests_never_get_a_500(case, live_server):
    response = case.call(base_url=live_server.url, headers=live_server.auth)
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, response_schema_conformance])
