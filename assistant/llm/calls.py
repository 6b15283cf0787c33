"""The one model-call path every task uses.

redact → render → (build the request) → budget → cache → send → validate with one repair → restore;
the task then guards the restored answer and `llm_result` wraps it with where it came from.

`prepare` does the first part without sending anything, so a task's token estimate is counted on
the very request `send` would make. Pasted texts (`fields`) are redacted together (one placeholder
numbering) and delimited against every data tag of the prompt; `plain` values (hints that quote the
inputs) get the same placeholders but no delimiting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.llm.prompt_files import PromptSpec, delimit
from assistant.llm.providers.errors import InvalidResponse
from assistant.schemas import GuardFinding, GuardReport, TaskResult, TokenUsage

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider
    from assistant.llm.providers.types import ChatRequest, ProviderResponse
    from assistant.llm.redact import Redaction

log = logging.getLogger("assistant.llm.chains")  # the logger name --debug has always shown
FIELD_MARK = "<<<assistant-field>>>"


# ---------------------------------------------------------------- what the model answers
class WireModel(BaseModel):
    """Base of every answer schema sent to a model: compact JSON schema (no titles, `$ref`s inlined)."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = super().model_json_schema(*args, **kwargs)
        definitions = schema.pop("$defs", {})
        return compact_schema(schema, definitions)


def compact_schema(node: Any, definitions: dict[str, Any]) -> Any:
    """Drop titles and inline `$ref`s: the same schema in fewer tokens."""
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            return compact_schema(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
        return {
            key: compact_schema(value, definitions)
            for key, value in node.items()
            if not (key == "title" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [compact_schema(item, definitions) for item in node]
    return node


# ---------------------------------------------------------------- redact and render
def should_redact(provider: Provider) -> bool:
    """The provider's registry redaction policy: always for the cloud APIs (whatever their base URL); for
    a "setting" entry (openai-compatible), its `redact_by_default` (ASSISTANT_REDACT_COMPATIBLE)."""
    return provider.should_redact()


def redact_fields(fields: dict[str, str], confidential_terms: tuple[str, ...] = ()) -> tuple[dict[str, str], Redaction]:
    """Redact several texts in one pass (one placeholder numbering for all of them)."""
    from assistant.llm.redact import redact

    keys = list(fields)
    redaction = redact(f"\n{FIELD_MARK}\n".join(fields[k] for k in keys), confidential_terms)
    parts = redaction.text.split(FIELD_MARK)
    if len(parts) != len(keys):  # pragma: no cover - the marker holds nothing redact() looks for
        raise RuntimeError("redaction changed the field markers")
    cleaned = [p.removeprefix("\n").removesuffix("\n") for p in parts]
    return dict(zip(keys, cleaned, strict=True)), redaction


def delimit_all(value: str, tags: dict[str, str]) -> str:
    """Pasted text cannot open or close any of the prompt's data tags."""
    for tag in tags:
        value = delimit(value, tag)
    return value


@dataclass(frozen=True)
class PreparedCall:
    """A rendered, redacted prompt for one task: everything but the sending."""

    task: str
    prompt: PromptSpec
    answer_model: type[BaseModel]
    system: str
    user: str
    redaction: Redaction | None

    def request(self, provider: Provider) -> ChatRequest:
        """The provider-neutral request `send` makes (and the token estimate counts)."""
        return provider.build_request(self.system, self.user, self.answer_model)

    def restore(self, answer: Any) -> Any:
        """The answer with redacted values put back."""
        return self.redaction.restore_obj(answer) if self.redaction is not None else answer


def prepare(
    provider: Provider,
    prompt: PromptSpec,
    task: str,
    answer_model: type[BaseModel],
    fields: dict[str, str],
    plain: dict[str, str] | None = None,
    *,
    redact: bool | None = None,
    confidential_terms: tuple[str, ...] = (),
    delimit_against: Literal["all", "own"] = "all",
) -> PreparedCall:
    """Redact (when the provider's policy or `redact` says so) and render the prompt.

    Each pasted field is delimited against every field's tag ("all"), or only its own ("own": what the
    draft tasks have always sent, which keeps their recorded requests unchanged)."""
    plain = dict(plain or {})
    redaction = None
    if should_redact(provider) if redact is None else redact:
        fields, redaction = redact_fields(fields, confidential_terms)
        plain = {name: redaction.apply(value) for name, value in plain.items()}  # hints quote the inputs
    variables = {
        name: delimit_all(value, fields) if delimit_against == "all" else delimit(value, name)
        for name, value in fields.items()
    }
    system, user = prompt.render(**variables, **plain)
    return PreparedCall(task, prompt, answer_model, system, user, redaction)


def estimate_tokens(provider: Provider, prepared: PreparedCall) -> int:
    """Prompt tokens of the request `send(provider, prepared)` would make (schema included)."""
    from assistant.llm.budget import count_request_tokens

    return count_request_tokens(prepared.request(provider), provider=provider.name).tokens


# ---------------------------------------------------------------- send and validate
@dataclass(frozen=True)
class StructuredCall:
    answer: Any
    response: ProviderResponse
    attempts: int
    repaired: bool


def structured_call(
    provider: Provider,
    prompt: PromptSpec,
    system: str,
    user: str,
    answer_model: type[BaseModel],
    task_name: str,
) -> StructuredCall:
    """Call the model for `answer_model` (budget, cache and retries inside `Provider.complete`); validate
    with pydantic, with one repair attempt, then a clear error."""
    log.debug("%s: asking %s %s (prompt %s)\n[system]\n%s\n[user]\n%s", task_name, provider.name, provider.model,
              prompt.version, system, user)  # fmt: skip
    response = provider.complete(system, user, answer_model, prompt_version=prompt.version)
    log.debug("%s: answer in %.2f s, %s attempt(s), cached=%s:\n%s", task_name, response.latency_s,
              response.attempts, response.cached, response.raw_text)  # fmt: skip
    attempts = response.attempts
    try:
        return StructuredCall(answer_model.model_validate(response.data), response, attempts, False)
    except ValidationError as first_error:
        retry_user = (
            f"{user}\n\nYour previous answer did not match the JSON schema ({_short(first_error)}). "
            "Reply again with only a JSON object that matches the schema."
        )
    response = provider.complete(system, retry_user, answer_model, prompt_version=prompt.version)
    attempts += response.attempts
    try:
        return StructuredCall(answer_model.model_validate(response.data), response, attempts, True)
    except ValidationError as second_error:
        raise InvalidResponse(
            f"the answer did not match the {task_name} schema, even after one repair attempt ({_short(second_error)})",
            provider=provider.name,
            model=provider.model,
            raw_text=response.raw_text,
            attempts=attempts,
        ) from None


def send(provider: Provider, prepared: PreparedCall) -> tuple[Any, StructuredCall]:
    """Send a prepared call; return the validated answer with redacted values restored, and the call."""
    call = structured_call(
        provider, prepared.prompt, prepared.system, prepared.user, prepared.answer_model, prepared.task
    )
    return prepared.restore(call.answer), call


def _short(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "answer"
    return f"{where}: {first['msg']} ({error.error_count()} error(s))"


# ---------------------------------------------------------------- the result
def llm_result(
    task: str,
    provider: Provider,
    prompt: PromptSpec,
    result: BaseModel,
    findings: list[GuardFinding],
    call: StructuredCall,
    redaction: Redaction | None,
    notice: str | None = None,
) -> TaskResult:
    """Wrap a model result with where it came from: provider, model, prompt version, tokens, cost, guards."""
    from assistant.llm.budget import estimate_cost

    response = call.response
    usage = TokenUsage(
        prompt_tokens=response.usage.prompt_tokens,
        completion_tokens=response.usage.completion_tokens,
        estimated=False,
        note="as reported by the provider",
    )
    cost = None
    if usage.prompt_tokens is not None:
        cost = estimate_cost(
            provider=provider.name,
            model=provider.model,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens or 0,
            base_url=provider.base_url,
        ).usd
    return TaskResult[type(result)](  # type: ignore[misc]
        task=task,
        engine="llm",
        provider=provider.name,
        model=provider.model,
        base_url_host=provider.host,
        prompt_version=prompt.version,
        tokens=usage,
        cost_usd=cost,
        cached=response.cached,
        attempts=call.attempts,
        schema_repaired=call.repaired,
        redacted=redaction.count if redaction is not None else 0,
        redaction_summary=redaction.summary() if redaction is not None and redaction.count else None,
        guards=GuardReport(findings=findings),
        notice=notice,
        result=result,
    )
