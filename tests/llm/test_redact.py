"""Tests for the redaction layer applied before text leaves for a cloud model."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import OrderedDict
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict

from assistant.llm.redact import REDACTED, SecretsFilter, redact, scrub_secrets

# Fixtures: realistic-looking but fake secrets.
OPENAI_KEY = "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL"
OPENAI_PROJECT_KEY = "sk-proj-AbC_dEf-1234567890abcdefghijklMNOPqrst"
ANTHROPIC_KEY = "sk-ant-api03-abcdefghijklmnop-1234567890_ABCDEFGHijkl"
GITHUB_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyzABCDEF123456"
GITHUB_PAT = "github_pat_11AAAAAAA0abcdefghijkl_mnopqrstuvwxyz0123456789"
SLACK_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKl"
AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
GOOGLE_KEY = "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n"
    "7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFc\n"
    "-----END RSA PRIVATE KEY-----"
)
EMAIL = "jane.doe@acme-corp.com"
PHONE = "+1 (415) 555-0123"


def only_kind(text: str, terms: tuple[str, ...] = ()) -> tuple[str, str]:
    """Redact `text` expecting exactly one item; return (kind, original)."""
    r = redact(text, terms)
    assert r.count == 1, (text, r.text)
    return r.items[0].kind, r.items[0].original


# ------------------------------------------------------------------ detection: what must be redacted


@pytest.mark.parametrize(
    "secret",
    [
        OPENAI_KEY,
        OPENAI_PROJECT_KEY,
        ANTHROPIC_KEY,
        GITHUB_TOKEN,
        GITHUB_PAT,
        SLACK_TOKEN,
        "xoxp-123-456-789-abcdef",
        AWS_KEY_ID,
        GOOGLE_KEY,
        JWT,
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    ],
)
def test_provider_keys_and_tokens_are_redacted_as_api_key(secret: str) -> None:
    text = f"Use {secret} for the staging env."
    r = redact(text)
    assert secret not in r.text
    assert r.text == "Use [API_KEY_1] for the staging env."
    assert only_kind(text) == ("api_key", secret)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abc123def456ghi789", "abc123def456ghi789"),
        ("curl -H 'Authorization: Basic dXNlcjpwYXNzd29yZA=='", "dXNlcjpwYXNzd29yZA=="),
        ("x-api-key: 0123456789abcdef0123", "0123456789abcdef0123"),
        (
            "API_SECRET=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ),
        ('{"client_secret": "Zx8vQ2mN4pL7rT1wY5bC9dF3"}', "Zx8vQ2mN4pL7rT1wY5bC9dF3"),
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        ("DB_PASSWORD=Tr0ub4dor&3", "Tr0ub4dor&3"),
        ("the admin password: hunter22.", "hunter22"),
    ],
)
def test_bearer_header_and_secret_named_assignments_redact_only_the_value(text: str, secret: str) -> None:
    assert only_kind(text) == ("api_key", secret)
    assert redact(text).text == text.replace(secret, "[API_KEY_1]")


def test_keys_with_distinctive_prefixes_are_redacted_even_when_glued_to_a_word() -> None:
    r = redact(f"mykey{ANTHROPIC_KEY} and token{GITHUB_TOKEN}")
    assert r.text == "mykey[API_KEY_1] and token[API_KEY_2]"


def test_bearer_token_that_is_a_jwt_is_redacted_once() -> None:
    r = redact(f"Authorization: Bearer {JWT}")
    assert r.text == "Authorization: Bearer [API_KEY_1]"


@pytest.mark.parametrize(
    "email",
    [EMAIL, "jane.doe+tag@sub.example.co.uk", "Bob.O'Neil@example.com", "x_y%z@mail-server.io"],
)
def test_email_addresses_are_redacted(email: str) -> None:
    text = f"Ping {email}, thanks."
    assert redact(text).text == "Ping [EMAIL_1], thanks."
    assert only_kind(text) == ("email", email)


@pytest.mark.parametrize(
    "phone",
    [
        "+1 415 555 0123",
        "+1-415-555-0123",
        "(415) 555-0123",
        "415-555-0123",
        "415.555.0123",
        "1-800-555-0199",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "+49 30 12345678",
        "+33 6 12 34 56 78",
        "+4915112345678",
        "+353 1 234 5678",
        "0049 30 12345678",
        "030 12345678",
        "030/1234567",
        "020 7946 0958",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "0612345678",
    ],
)
def test_international_us_and_eu_phone_numbers_are_redacted(phone: str) -> None:
    text = f"Call {phone}."
    assert redact(text).text == "Call [PHONE_1]."
    assert only_kind(text) == ("phone", phone)


def test_phone_number_followed_by_a_word_is_still_redacted() -> None:
    assert redact("Call 415-555-0123ext 12 or +44 20 7946 0958(mobile)").text == (
        "Call [PHONE_1]ext 12 or [PHONE_2](mobile)"
    )


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("call me at 555-0123", "555-0123"),
        ("Phone: 4155550123", "4155550123"),
        ("tel. +41 44 668 18 00", "+41 44 668 18 00"),
        ("Mobile: 0171 1234567", "0171 1234567"),
        ("reach me on 07700 900123", "07700 900123"),
    ],
)
def test_short_or_unformatted_numbers_are_phones_when_a_phone_word_introduces_them(
    text: str, phone: str
) -> None:
    assert only_kind(text) == ("phone", phone)


@pytest.mark.parametrize(
    ("url", "trailer"),
    [
        ("https://admin:s3cr3t@db.example.com:5432/app", "."),
        ("postgres://admin:p@ss@db.internal:5432/app", ""),
        ("redis://:p4ss@cache:6379/0", ","),
        ("mongodb+srv://u:pw@cluster0.mongodb.net/x?retryWrites=true", ")"),
    ],
)
def test_urls_with_credentials_are_redacted_whole_keeping_nothing_of_the_credentials(
    url: str, trailer: str
) -> None:
    text = f"(conn {url}{trailer} today"
    r = redact(text)
    assert r.text == f"(conn [URL_CREDENTIALS_1]{trailer} today"
    assert r.items[0].kind == "url_credentials"
    assert r.items[0].original == url


@pytest.mark.parametrize(
    "block",
    [
        PEM,
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n"
        "-----END OPENSSH PRIVATE KEY-----",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0abc123==\n-----END PGP PRIVATE KEY BLOCK-----",
        # pasted from JSON, with literal \n
        "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----",
    ],
)
def test_private_key_blocks_are_redacted_whole(block: str) -> None:
    text = f"key:\n{block}\nthat's it"
    r = redact(text)
    assert r.text == "key:\n[PRIVATE_KEY_1]\nthat's it"
    assert only_kind(text) == ("private_key", block)


def test_truncated_private_key_without_end_line_still_has_its_key_material_redacted() -> None:
    body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw"
    text = f"-----BEGIN PRIVATE KEY-----\n{body}\n{body[:20]}\nCan you check why this fails?"
    r = redact(text)
    assert body not in r.text and body[:20] not in r.text
    assert r.text == "[PRIVATE_KEY_1]\nCan you check why this fails?"


# ------------------------------------------------------------------ near misses: must not be redacted


@pytest.mark.parametrize(
    "text",
    [
        "Ship on 2026-03-15 or 03/15/2026 or 15.03.2026 or 15/03/2026 10:30.",
        "Timestamps 2026-03-15T10:30:00Z, 20260315, 1700000000.",
        "Upgrade to Python 3.11.7 and node 20.11.1; version v1.2.3-beta.4, build 2026.03.15.1.",
        "IPs 192.168.100.200 and 10.0.0.1.",
        "It costs $1,234,567.89 or €1 234 567 or 1.234.567 EUR; growth +12.5% or +15%.",
        "See JIRA-1234, PROJ-415-555 and ticket #4155550123.",
        "We have 100 users, 2500 seats, 12 teams, 3 sprints and 42 open bugs.",
        "Meeting 10:30-11:30, Q3 2026, the 2024-2026 roadmap, room 0.12, sizes 128 256 1024.",
        "Call it done by Friday; call on 2026-03-15; phone numbers for 12 countries. Phone: TBD.",
        "UUID 123e4567-e89b-12d3-a456-426614174000 and sha 9fceb02d0ae598e95dc970b74767f19372d61af8.",
    ],
)
def test_dates_versions_money_ticket_ids_and_plain_numbers_are_not_redacted(text: str) -> None:
    r = redact(text)
    assert r.text == text, r.items


@pytest.mark.parametrize(
    "text",
    [
        "The key to success is prioritisation; the token economy; our secret sauce.",
        "Password reset flow. password: required, token: none, api_key: your-api-key-here.",
        "secret: see-the-vault, auth: SSO, author: MargaretHamilton",
        "max_tokens=1024, token_budget: 200000, key=value, primary_key = user_id",
        "monkey: banana_republic_2024 and model_key: gpt4_turbo_preview_2024",
        "Bearer authentication is required; the bearer of bad news.",
        "Authorization: required for all endpoints. Authorization: Bearer tokens only.",
        "A risk-assessment-framework-for-2026-q1 and an ask-sk-thing-with-many-words-here.",
        "Open the task-admin-dashboard-settings-v2 page and the risk-proj-overview-2026 doc.",
        "the word sk-learn, task_sk-short, AKIA alone, eyJ alone.",
    ],
)
def test_ordinary_words_around_key_names_are_not_redacted(text: str) -> None:
    assert redact(text).text == text


@pytest.mark.parametrize(
    "text",
    [
        "icon@2x.png and logo@3x.png",
        "ping @alice on Slack; user@localhost; pkg@1.2.3; a@b.c",
        "git clone git@github.com:org/repo.git",
        "https://example.com/path?x=a:b@c and https://host:8080/x@y",
    ],
)
def test_email_like_near_misses_are_not_redacted(text: str) -> None:
    assert redact(text).text == text


# ------------------------------------------------------------------ overlaps


def test_url_whose_username_is_an_email_is_redacted_up_to_the_host() -> None:
    r = redact("see https://bob@acme.com:pw@host.io/x")
    assert r.text == "see [URL_CREDENTIALS_1]"
    assert scrub_secrets("see https://bob@acme.com:pw@host.io/x") == "see https://[REDACTED]@host.io/x"


def test_urls_with_credentials_glued_together_all_lose_their_credentials() -> None:
    text = "https://u:pw1@a.io/xhttps://v:pw2@b.io/y"
    assert scrub_secrets(text) == "https://[REDACTED]@a.io/xhttps://[REDACTED]@b.io/y"
    assert redact(text).text == "[URL_CREDENTIALS_1]"


def test_email_inside_a_url_with_credentials_is_part_of_the_url_item() -> None:
    r = redact("use https://bob@acme.com:pw@host/x now")
    assert r.text == "use [URL_CREDENTIALS_1] now"
    assert [i.kind for i in r.items] == ["url_credentials"]


def test_confidential_term_inside_an_email_does_not_leave_the_rest_of_the_email() -> None:
    r = redact("write to sales@acme.com about Acme", ["acme"])
    assert r.text == "write to [EMAIL_1] about [CONFIDENTIAL_1]"


def test_overlapping_detections_are_merged_so_no_character_of_either_survives() -> None:
    text = f"token={OPENAI_KEY}"
    r = redact(text, [OPENAI_KEY[:10]])
    assert OPENAI_KEY[10:] not in r.text
    assert r.text == "token=[API_KEY_1]"


# ------------------------------------------------------------------ confidential terms


def test_confidential_terms_match_case_insensitively_as_whole_words() -> None:
    r = redact("ACME and acme signed; Acmeology and subacme did not.", ["Acme"])
    assert r.text == "[CONFIDENTIAL_1] and [CONFIDENTIAL_2] signed; Acmeology and subacme did not."
    assert [i.original for i in r.items] == ["ACME", "acme"]


def test_multi_word_confidential_terms_match_across_any_whitespace_and_longest_wins() -> None:
    r = redact("Project  Falcon ships; project\nfalcon slips; Project alone.", ["project", "Project Falcon"])
    assert r.text == "[CONFIDENTIAL_1] ships; [CONFIDENTIAL_2] slips; [CONFIDENTIAL_3] alone."
    assert r.items[0].original == "Project  Falcon"


def test_confidential_terms_with_regex_characters_are_matched_literally() -> None:
    r = redact("Bids from C++ Corp (EU) and Fox.io, not CxxCorp or FoxXio.", ["C++ Corp (EU)", "Fox.io"])
    assert r.text == "Bids from [CONFIDENTIAL_1] and [CONFIDENTIAL_2], not CxxCorp or FoxXio."


def test_a_single_string_is_one_confidential_term_not_its_characters() -> None:
    assert redact("a deal with Globex", "Globex").text == "a deal with [CONFIDENTIAL_1]"


def test_empty_and_blank_confidential_terms_are_ignored() -> None:
    assert redact("nothing here", ["", "   ", "\n"]).text == "nothing here"


# ------------------------------------------------------------------ placeholders


def test_same_original_always_gets_the_same_placeholder_within_one_call() -> None:
    r = redact(f"{EMAIL} then bob@x.io then {EMAIL} again")
    assert r.text == "[EMAIL_1] then [EMAIL_2] then [EMAIL_1] again"
    assert r.count == 2


def test_placeholders_are_numbered_per_kind_in_order_of_appearance() -> None:
    r = redact(f"{EMAIL} {OPENAI_KEY} {PHONE} bob@x.io {GITHUB_TOKEN}")
    assert r.text == "[EMAIL_1] [API_KEY_1] [PHONE_1] [EMAIL_2] [API_KEY_2]"


def test_redaction_is_deterministic_across_calls() -> None:
    text = f"{EMAIL}, {PHONE}, {OPENAI_KEY}, Acme"
    assert redact(text, ["acme"]) == redact(text, ["acme"])


def test_placeholders_already_in_the_draft_are_not_reused() -> None:
    text = f"Template says [EMAIL_1] and [email_2]; real one is {EMAIL}."
    r = redact(text)
    assert r.text == "Template says [EMAIL_1] and [email_2]; real one is [EMAIL_3]."
    assert r.restore(r.text) == text


def test_placeholders_are_uppercase_in_square_brackets() -> None:
    r = redact(f"{EMAIL} {PHONE} {OPENAI_KEY} {PEM} https://u:p@h.io Acme", ["acme"])
    assert {i.placeholder for i in r.items} == {
        "[EMAIL_1]",
        "[PHONE_1]",
        "[API_KEY_1]",
        "[PRIVATE_KEY_1]",
        "[URL_CREDENTIALS_1]",
        "[CONFIDENTIAL_1]",
    }


# ------------------------------------------------------------------ restore

ROUND_TRIP_EXAMPLES = [
    "",
    "plain text with nothing to hide",
    f"Email {EMAIL} or call {PHONE}; key {OPENAI_KEY}; token {GITHUB_TOKEN}.",
    f"{EMAIL}{EMAIL}{PHONE}",
    f"Authorization: Bearer {JWT}\nx-api-key: {ANTHROPIC_KEY}",
    f"conn: postgres://admin:p@ss@db:5432/app?sslmode=require\n{PEM}\n",
    "Already has [EMAIL_1], [API_KEY_1] and [ PHONE_1 ] placeholders, plus bob@x.io.",
    "[[EMAIL_1]] [EMAIL_ bob@x.io] [EMAIL_bob@x.io]",
    "unicode: café ☕ — Ünïcödé@example.com? 🙂 +49 30 12345678",
    f"mixed\r\nline endings {AWS_KEY_ID}\r\n\ttabs {GOOGLE_KEY}",
]


@pytest.mark.parametrize("text", ROUND_TRIP_EXAMPLES)
def test_restore_of_redacted_text_gives_back_the_exact_draft(text: str) -> None:
    r = redact(text, ["acme", "Project Falcon"])
    assert r.restore(r.text) == text


def test_restore_puts_originals_back_into_rewritten_model_output() -> None:
    r = redact(f"Ask {EMAIL} (phone {PHONE}) about Acme.", ["Acme"])
    answer = "For [CONFIDENTIAL_1]: reach out via [PHONE_1]. Cc [EMAIL_1] and [EMAIL_1]."
    assert r.restore(answer) == f"For Acme: reach out via {PHONE}. Cc {EMAIL} and {EMAIL}."


def test_restore_tolerates_case_padding_and_markdown_escapes_a_model_may_add() -> None:
    r = redact(f"mail {EMAIL} key {OPENAI_KEY}")
    assert r.restore("[email_1] / [ EMAIL_1 ] / [API\\_KEY\\_1] / [EMAIL_01]") == (
        f"{EMAIL} / {EMAIL} / {OPENAI_KEY} / {EMAIL}"
    )


def test_restore_leaves_unknown_placeholders_and_brackets_alone() -> None:
    r = redact(f"mail {EMAIL}")
    assert (
        r.restore("[EMAIL_2] [needs: owner] [PHONE_1] [EMAIL_1")
        == "[EMAIL_2] [needs: owner] [PHONE_1] [EMAIL_1"
    )


def test_restore_does_not_rescan_restored_originals() -> None:
    r = redact("x [CONFIDENTIAL_2] y", ["x [CONFIDENTIAL_2]"])
    assert r.text == "[CONFIDENTIAL_1] y"
    assert r.restore("[CONFIDENTIAL_1] and [CONFIDENTIAL_1]") == "x [CONFIDENTIAL_2] and x [CONFIDENTIAL_2]"


class Inner(BaseModel):
    note: str
    tags: list[str] = []


class Outer(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    inner: Inner
    by_name: dict[str, str] = {}
    pair: tuple[str, int] = ("", 0)
    untouched: str = "default"


@dataclasses.dataclass(frozen=True)
class DC:
    text: str
    n: int = 0


class NT(NamedTuple):
    a: str
    b: int


def test_restore_obj_restores_every_string_in_a_pydantic_model_and_keeps_its_type() -> None:
    r = redact(f"{EMAIL} {PHONE} Acme", ["acme"])
    answer = Outer(
        title="Mail [EMAIL_1]",
        inner=Inner(note="call [PHONE_1]", tags=["[CONFIDENTIAL_1]", "x"]),
        by_name={"[CONFIDENTIAL_1]": "[EMAIL_1]"},
        pair=("[PHONE_1]", 3),
    )
    restored = r.restore_obj(answer)
    assert type(restored) is Outer and type(restored.inner) is Inner
    assert restored.title == f"Mail {EMAIL}"
    assert restored.inner.note == f"call {PHONE}"
    assert restored.inner.tags == ["Acme", "x"]
    assert restored.by_name == {"Acme": EMAIL}
    assert restored.pair == (PHONE, 3)
    assert answer.title == "Mail [EMAIL_1]"  # the input is not modified
    assert restored.model_fields_set == answer.model_fields_set  # exclude_unset dumps are unchanged


def test_restore_obj_walks_dicts_lists_tuples_sets_dataclasses_and_namedtuples() -> None:
    r = redact(f"{EMAIL}")
    obj = {
        "list": ["[EMAIL_1]", 1, None],
        "tuple": ("[EMAIL_1]",),
        "set": {"[EMAIL_1]"},
        "ordered": OrderedDict(k="[EMAIL_1]"),
        "dc": DC(text="[EMAIL_1]", n=2),
        "nt": NT(a="[EMAIL_1]", b=1),
    }
    restored = r.restore_obj(obj)
    assert restored == {
        "list": [EMAIL, 1, None],
        "tuple": (EMAIL,),
        "set": {EMAIL},
        "ordered": OrderedDict(k=EMAIL),
        "dc": DC(text=EMAIL, n=2),
        "nt": NT(a=EMAIL, b=1),
    }
    assert type(restored["ordered"]) is OrderedDict and type(restored["nt"]) is NT


def test_restore_obj_with_nothing_to_restore_returns_an_equal_object() -> None:
    r = redact("nothing secret")
    obj = Outer(title="t", inner=Inner(note="n"))
    assert r.restore_obj(obj) == obj
    assert r.restore_obj("[EMAIL_1]") == "[EMAIL_1]"


# ------------------------------------------------------------------ no leaks through serialisation


def test_originals_never_appear_in_repr_str_or_any_serialisation() -> None:
    secrets = [EMAIL, PHONE, OPENAI_KEY, "Acme"]
    r = redact(" ".join(secrets), ["acme"])
    dumps = [
        repr(r),
        str(r),
        r.model_dump_json(),
        str(r.model_dump()),
        str(r.model_dump(mode="json")),
        str(r.model_dump(include={"items": {0: {"original"}}})),
        repr(r.items),
        r.items[0].model_dump_json(include={"original"}),
    ]
    for dump in dumps:
        for secret in secrets:
            assert secret not in dump, (secret, dump)


def test_serialisation_keeps_kind_placeholder_and_count_for_display() -> None:
    r = redact(f"{EMAIL} and {EMAIL}")
    assert r.model_dump() == {
        "text": "[EMAIL_1] and [EMAIL_1]",
        "items": [{"kind": "email", "placeholder": "[EMAIL_1]"}],
        "count": 1,
    }


def test_redaction_is_immutable() -> None:
    r = redact(EMAIL)
    with pytest.raises(ValueError):
        r.text = EMAIL  # type: ignore[misc]


# ------------------------------------------------------------------ summary


def test_summary_counts_items_per_kind_most_frequent_first() -> None:
    r = redact(f"{EMAIL}, bob@x.io, {OPENAI_KEY}")
    assert r.summary() == "3 items redacted (2 emails, 1 API key)"


def test_summary_uses_singular_and_says_when_nothing_was_redacted() -> None:
    assert redact(PHONE).summary() == "1 item redacted (1 phone number)"
    assert redact("hello").summary() == "Nothing redacted"
    assert redact("hello").count == 0


# ------------------------------------------------------------------ scrub_secrets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"key={OPENAI_KEY}", "key=[REDACTED]"),
        (f"using {ANTHROPIC_KEY} and {GITHUB_TOKEN}", "using [REDACTED] and [REDACTED]"),
        (
            '{"Authorization": "Bearer abc", "x-api-key": "k1"}',
            '{"Authorization": "Bearer [REDACTED]", "x-api-key": "[REDACTED]"}',
        ),
        ("Authorization: Basic dXNlcjpwYXNz\r\n", "Authorization: Basic [REDACTED]\r\n"),
        (f"jwt {JWT}", "jwt [REDACTED]"),
        ("dsn=postgres://admin:pw@db:5432/app", "dsn=postgres://[REDACTED]@db:5432/app"),
        (f"pem {PEM} end", "pem [REDACTED] end"),
        ("password=hunter22 user=bob", "password=[REDACTED] user=bob"),
    ],
)
def test_scrub_secrets_replaces_key_like_values_with_redacted(text: str, expected: str) -> None:
    assert scrub_secrets(text) == expected


def test_scrub_secrets_leaves_contact_details_and_ordinary_request_fields_alone() -> None:
    text = f'{{"model": "gpt-4o", "max_tokens": 1024, "to": "{EMAIL}", "phone": "{PHONE}"}}'
    assert scrub_secrets(text) == text


def test_scrub_secrets_is_idempotent() -> None:
    text = f"Authorization: Bearer {JWT} password=[REDACTED] key={OPENAI_KEY}"
    once = scrub_secrets(text)
    assert scrub_secrets(once) == once
    assert REDACTED in once and JWT not in once


# ------------------------------------------------------------------ SecretsFilter


def make_record(msg: object, args: object = (), exc_info: object = None) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, exc_info)  # type: ignore[arg-type]


def test_secrets_filter_scrubs_message_and_args_and_keeps_the_record() -> None:
    record = make_record("calling %s with key=%s (%d tries)", ("https://api", OPENAI_KEY, 3))
    assert SecretsFilter().filter(record) is True
    assert record.getMessage() == "calling https://api with key=[REDACTED] (3 tries)"


def test_secrets_filter_scrubs_non_string_args_through_their_formatting() -> None:
    record = make_record("headers %r", ({"Authorization": f"Bearer {JWT}"},))
    SecretsFilter().filter(record)
    assert JWT not in record.getMessage()


def test_secrets_filter_scrubs_traceback_text() -> None:
    try:
        raise RuntimeError(f"401 for key {OPENAI_KEY}")
    except RuntimeError:
        import sys

        record = make_record("failed", exc_info=sys.exc_info())
    SecretsFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert OPENAI_KEY not in formatted and "[REDACTED]" in formatted


def test_secrets_filter_survives_malformed_format_args() -> None:
    record = make_record("%d items for %s", ("not-a-number", OPENAI_KEY))
    assert SecretsFilter().filter(record) is True
    assert OPENAI_KEY not in str(record.args)


def test_secrets_filter_attached_to_a_handler_keeps_keys_out_of_emitted_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("test_redact.filter")
    caplog.handler.addFilter(SecretsFilter())
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("token %s", GITHUB_TOKEN)
    finally:
        caplog.handler.removeFilter(caplog.handler.filters[-1])
    assert GITHUB_TOKEN not in caplog.text and "token [REDACTED]" in caplog.text


# ------------------------------------------------------------------ robustness


@pytest.mark.parametrize(
    "text",
    [
        "a." * 50_000,
        "+1 " * 30_000,
        "1" * 100_000,
        "a@b." * 25_000,
        "key=" * 25_000,
        "-----BEGIN PRIVATE KEY-----\n" * 3_000,
        "https://u:" + "p" * 100_000,
        "[EMAIL_1]" * 20_000,
        "sk-" * 30_000,
        "0-" * 50_000,
    ],
)
def test_pathological_inputs_are_handled_in_linear_time(text: str) -> None:
    start = time.perf_counter()
    r = redact(text, ["acme"])
    scrub_secrets(text)
    assert time.perf_counter() - start < 5
    assert r.restore(r.text) == text


FRAGMENTS = [
    EMAIL,
    PHONE,
    OPENAI_KEY,
    GITHUB_TOKEN,
    JWT,
    PEM,
    "https://u:pw@host.io/x",
    "Acme",
    "[EMAIL_1]",
    "[PHONE_2]",
    "[email\\_1]",
    "[",
    "]",
    "_1]",
    "@",
    "+",
    "2026-03-15",
    "3.11.7",
    "$1,000",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.one_of(st.text(max_size=30), st.sampled_from(FRAGMENTS)), max_size=12),
    terms=st.lists(st.one_of(st.text(max_size=8), st.sampled_from(["Acme", "EMAIL_1", "x"])), max_size=3),
)
def test_round_trip_holds_and_nothing_raises_for_arbitrary_text(parts: list[str], terms: list[str]) -> None:
    text = "".join(parts)
    r = redact(text, terms)
    assert r.restore(r.text) == text
    assert r.count == len(r.items) == len({i.placeholder for i in r.items})
    assert isinstance(r.summary(), str)
    scrub_secrets(text)


SECRET_FRAGMENTS = [EMAIL, PHONE, OPENAI_KEY, GITHUB_TOKEN, JWT, PEM, AWS_KEY_ID, GOOGLE_KEY]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.one_of(
            st.text(alphabet=st.characters(exclude_characters="\n"), max_size=30),
            st.sampled_from(SECRET_FRAGMENTS),
        ),
        max_size=8,
    )
)
def test_secrets_on_their_own_line_never_survive_redaction_whatever_surrounds_them(parts: list[str]) -> None:
    text = "\n".join(parts)
    redacted = redact(text).text
    for secret in SECRET_FRAGMENTS:
        if secret in parts:
            assert secret not in redacted
