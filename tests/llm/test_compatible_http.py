"""The OpenAI-compatible provider speaks the chat completions wire format over httpx without the OpenAI SDK
(whose import costs about half a second of every model run's start-up)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import httpx2
    from assistant.llm.providers.compatible import CompatibleProvider
    from assistant.llm.providers.types import ChatRequest

    seen = {}

    def answer(request):
        seen["url"] = str(request.url)
        seen["auth"] = request.headers.get("authorization")
        seen["body"] = json.loads(request.content)
        content = json.dumps({"ok": True})
        return httpx2.Response(200, json={"model": "m", "choices": [
            {"message": {"content": content}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 3}})

    provider = CompatibleProvider(model="m", base_url="http://127.0.0.1:9/v1",
                                  http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))
    request = ChatRequest(model="m", system="s", user="u", json_schema={"type": "object"}, schema_name="x",
                          max_tokens=50, temperature=0.0)
    response = provider.send(request)
    print(json.dumps({"data": response.data, "seen": seen, "openai_loaded": "openai" in sys.modules}))
    """
)


def test_a_compatible_request_goes_out_in_openai_format_without_importing_the_openai_sdk() -> None:
    import json

    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["data"] == {"ok": True}
    assert result["seen"]["url"] == "http://127.0.0.1:9/v1/chat/completions"
    assert result["seen"]["auth"] == "Bearer not-needed"  # the SDK's placeholder, never a real key
    body = result["seen"]["body"]
    assert body["model"] == "m" and body["max_tokens"] == 50 and body["response_format"]["type"] == "json_object"
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert result["openai_loaded"] is False
