"""Offline curiosity questions for a design review, about this request: they name what the draft names
(systems, features, customers, dates) and the complexity found, from the templates of `rules/questions.yaml`.
Generic questions only fill a category that has no specific one, or a list that is still short. Open,
non-leading; a question the linter flags is dropped (the tests lint them all)."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache
from pathlib import Path

from assistant.checks.context import capitalised_by_place, not_a_system
from assistant.checks.facts import DATE_RE, PERSON_VERBS, VOCATIVE_NEXT, find_estimates, find_facts
from assistant.checks.fixes import capture, fill
from assistant.schemas import AmbiguityFinding, ComplexityFlag, ContextElement, Question
from assistant.text.document import Document

QUESTIONS_FILE = Path(__file__).resolve().parent.parent / "rules" / "questions.yaml"
_DEPENDENCY_CATEGORIES = {"integration", "api-compat", "compliance-privacy", "security", "payments", "ml-ai"}
_MAX_FLAG_QUESTIONS = 3
_MAX_AMBIGUITY_QUESTIONS = 1
_SHORT_LIST, _MAX_QUESTIONS = 6, 8

GENERIC = {
    "complexity-drivers": "What parts of this are harder than they look from the outside?",
    "trade-offs": "If we take this on, what would we have to delay or drop to make room?",
    "smaller-version": "Is there a smaller version we could ship first and learn from?",
    "risks-unknowns": "What don't we know yet that could change the approach?",
    "dependencies": "Does this depend on work in progress elsewhere, and who else should be in the conversation?",
}
_DEPENDENCY_QUESTION = (
    "Which other teams, vendors or reviews (for example legal or security) does this depend on, "
    "and when should we bring them in?"
)
_CUSTOMER_CUE = re.compile(
    r"(?:\b(?:for|customer|client|promised|told|with)\s+|(?<!share )(?<!send )(?<!post )(?<!push )(?<!sync )"
    r"(?<!export )(?<!upload )(?<!move )(?<!moved )(?<!connect )(?<!link )(?<!add )(?<!migrate )(?<!switch )"
    r"(?<!sent )(?<!pushed )(?<!posted )(?<!synced )(?<!exported )(?<!moving )(?<!moves )(?<!talked )(?<!spoke )"
    r"(?<!according )(?<!reply )(?<!replied )(?<!reach out )(?<!reached out )\bto\s+)$",
    re.I,
)
_DATE_FACT = re.compile(
    r"\d|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|tomorrow|today|tonight|next |end of|"
    r"\bthis (?:week|month|quarter|sprint|year)\b|^(?:jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|sept|oct|nov|dec)[a-z]*$|^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)$"
    r"|^(?:in progress|in review|done|to ?do|backlog|blocked|closed|closed won|closed lost|resolved|ready|ready for qa"
    r"|sprint|sprint \d+)$",  # weekdays, statuses, sprints
    re.I,
)


@cache
def _templates() -> dict:
    import yaml

    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


def build_questions(
    flags: list[ComplexityFlag],
    ambiguities: list[AmbiguityFinding],
    context: list[ContextElement],
    text: str = "",
    trust: Collection[str] = (),
    kind: str = "request",
) -> list[Question]:
    """A short, categorised list about this request: complexity drivers, trade-offs, a smaller version,
    risks and dependencies. Without the draft's text the questions are the generic ones. `trust`: the trust
    categories found in the draft; a demo the draft asks to make look finished gets the honesty question.
    `kind` (`message_kind`): a problem report gets questions about the problem, not about building something;
    a status question or an agreement asks for no new work and gets none; an announcement (meeting notes, an
    FYI) keeps only the questions about the complexity it names."""
    if kind == "report" and not set(trust) - _ABOUT_WHAT_HAPPENED:  # a demo to fake or a date to hold asks for work
        return _report_questions(flags, text)
    if kind in _NO_NEW_WORK:
        return []
    questions = _request_questions(flags, ambiguities, context, text, trust)
    if kind == "announcement":
        named = _Named(text)
        flagged = {_flag_question(flag, named, text) for flag in flags}
        return [q for q in questions if q.text in flagged][:_MAX_FLAG_QUESTIONS]
    return questions


_NO_NEW_WORK = frozenset({"status", "agreement"})
_ABOUT_WHAT_HAPPENED = frozenset({"blame", "interruption"})
_DATE_FILLER = "Given the date in the request, which trade-offs should I know about?"
_PROBLEM = re.compile(
    r"\b(?:the|a|an|our|this|that) (?P<problem>(?:[\w-]+ ){0,3}(?:crash|crashes|bug|outage|error|errors|regression|"
    r"failure|failures|issue|timeout|timeouts|incident|problem|leak|breach))\b",
    re.I,
)


def _report_questions(flags: list[ComplexityFlag], text: str) -> list[Question]:
    """For a problem report: what causes it, how to limit the impact meanwhile, how to catch it earlier. The
    problem is named when the draft names it ("the matchmaking crash"); complexity flags are left out, since
    a report asks for a fix, not a design; a system it names (or a flag names) is asked about."""
    report = _templates()["report"]
    match = _PROBLEM.search(text)
    cause = fill(report["cause"], {"thing": match.group(0)}) if match else None
    questions = [
        Question(category="trade-offs", text=report["mitigation"]),
        Question(category="risks-unknowns", text=cause if cause and _clean(cause) else report["cause-generic"]),
        Question(category="risks-unknowns", text=report["earlier"]),
    ]
    named = _Named(text)
    system = named.system or next(
        (f.trigger for f in flags if f.category == "integration" and re.fullmatch(r"[A-Z][\w.-]+", f.trigger)), None
    )
    if system:  # "Okta login is broken": the system it happens in is worth asking about
        questions.append(
            Question(category="dependencies", text=fill(_templates()["request"]["name"], {"name": system}) or "")
        )
    return [q for q in questions if q.text]


def _request_questions(
    flags: list[ComplexityFlag],
    ambiguities: list[AmbiguityFinding],
    context: list[ContextElement],
    text: str,
    trust: Collection[str],
) -> list[Question]:
    named = _Named(text)
    if named.customer and any(f.category == "integration" and f.trigger == named.customer for f in flags):
        named.system, named.customer = named.system or named.customer, None  # "Stripe's docs": a vendor
    request = _templates()["request"]
    specific: dict[str, list[str]] = {category: [] for category in GENERIC}

    if named.thing:
        specific["complexity-drivers"].append(fill(request["thing"], {"thing": named.thing}) or "")
    for flag in flags[:_MAX_FLAG_QUESTIONS]:
        specific["complexity-drivers"].append(_flag_question(flag, named, text))
    has_deadline = any(e.element == "deadline" and e.present for e in context)
    if named.date and has_deadline:  # a date the context pass reads as a deadline, not a meeting or a past day
        specific["trade-offs"].append(fill(request["date"], {"date": named.date}) or "")
    if named.thing:
        specific["smaller-version"].append(fill(request["smaller"], {"thing": named.thing}) or "")
    for flag in flags[:1]:
        specific["smaller-version"].append(
            f"For the {_lower_first(flag.title)} part, would a first step like this help, or is there a better cut? "
            f"{flag.smaller_version}"
        )
    if "demo-pressure" in trust:
        specific["risks-unknowns"].append(fill(request["demo"], {"thing": named.thing or "this"}) or "")
    if named.customer:
        specific["risks-unknowns"].append(fill(request["customer"], {"customer": named.customer}) or "")
    seen_terms: set[str] = set()
    for amb in ambiguities:
        if amb.text.lower() in seen_terms:
            continue
        seen_terms.add(amb.text.lower())
        specific["risks-unknowns"].append(amb.question)
        if len(seen_terms) >= _MAX_AMBIGUITY_QUESTIONS:
            break
    if named.system and not any(named.system in q for q in specific["complexity-drivers"]):
        specific["dependencies"].append(fill(request["name"], {"name": named.system}) or "")
    if any(f.category in _DEPENDENCY_CATEGORIES for f in flags):
        specific["dependencies"].append(_DEPENDENCY_QUESTION)

    generic = dict(GENERIC)
    if named.thing:  # the generic questions name the thing asked for
        for category, text in GENERIC.items():
            named_text = fill(request[category], {"thing": named.thing}) if category in request else None
            generic[category] = named_text if named_text and _clean(named_text) else text
    questions: list[Question] = []
    for category, texts in specific.items():
        texts = [t for t in dict.fromkeys(texts) if t and _clean(t)]
        if not texts:
            texts = [generic[category]]
        questions += [Question(category=category, text=t) for t in texts]  # type: ignore[arg-type]
    fillers = [("trade-offs", generic["trade-offs"]), ("risks-unknowns", generic["risks-unknowns"])]
    if has_deadline and not named.date:
        fillers.insert(0, ("trade-offs", _DATE_FILLER))
    fillers += [(c, t) for c, t in generic.items() if _clean(t)]
    have = {q.category for q in questions}
    for category, generic in fillers:
        if len(questions) >= _SHORT_LIST:
            break
        if category in ("complexity-drivers", "smaller-version") and category in have:
            continue  # a question about this request already asks it
        if all(q.text != generic for q in questions):
            questions.append(Question(category=category, text=generic))  # type: ignore[arg-type]
    return _trimmed(questions, _MAX_QUESTIONS)


def _trimmed(questions: list[Question], limit: int) -> list[Question]:
    """At most `limit` questions in the review's category order: the first of each category always, then the
    others in the order they were asked."""
    firsts: list[Question] = []
    others: list[Question] = []
    for question in questions:
        (others if any(q.category == question.category for q in firsts) else firsts).append(question)
    kept = firsts + others[: max(0, limit - len(firsts))]
    order = list(GENERIC)
    kept.sort(key=lambda q: order.index(q.category))  # stable: within a category, the order they were asked
    return kept


class _Named:
    """What the draft names: the thing asked for, a date, a customer and a system (first of each)."""

    def __init__(self, text: str) -> None:
        self.thing = self.date = self.customer = self.system = None
        self.names: list[str] = []
        if not text.strip():
            return
        doc = Document(text)
        deadline_date = False
        for start, end in doc.sentences:
            parts = capture(text[start:end])
            self.thing = self.thing or _short(parts.get("thing"))
            sets_deadline = bool(_DEADLINE_CUE.search(text[start:end]))
            if parts.get("date") and (self.date is None or (sets_deadline and not deadline_date)):
                deadline_date = sets_deadline
                self.date = parts["date"]  # the first date, or the first a deadline is set by ("Deadline … is 15 Jan")
        if self.thing is None:  # "the estimation for the language switcher": the feature the draft is about
            self.thing = next(
                (np for m in _OBJECT_PHRASE.finditer(text) if (np := _short(m["np"])) and _names_a_feature(np)), None
            )
        for fact in find_facts(text):
            is_time = _DATE_FACT.search(fact) or DATE_RE.search(fact) or find_estimates(fact)
            fact = None if is_time else _name_of(fact)
            if not fact or fact in self.names or _is_person(text, fact):
                continue  # dates, numbers, acronyms (CSV, SSO) and people are not names to ask about
            self.names.append(fact)
            at = text.find(fact)
            possessive = text[at + len(fact) : at + len(fact) + 2] in ("'s", "’s")
            if self.customer is None and (_CUSTOMER_CUE.search(text[:at]) or possessive):
                self.customer = fact
            elif self.system is None and _reads_as_system(text, fact):
                self.system = fact

    def name_near(self, text: str, start: int | None) -> str | None:
        """A name in the sentence at `start` (the one a flag sits in), else None."""
        if start is None:
            return None
        doc = Document(text)
        s_start, s_end = doc.sentence_at(start)
        sentence = text[s_start:s_end]
        return next((n for n in self.names if n in sentence and n != self.customer), None)


# A feature named after a preposition ("for the HubSpot sync", "on the patient intake form"), up to the next
# punctuation, preposition or verb.
_OBJECT_PHRASE = re.compile(
    r"\b(?:for|on|of|to|in|with|about) (?P<np>(?:the|our) (?:[A-Za-z][\w/-]*\s){0,3}?[A-Za-z][\w-]*)"
    r"(?=\s*(?:[,.;:!?()]|$|\s(?:is|are|was|were|on|in|at|by|for|to|with|from|that|which|so|and|but|today|tomorrow"
    r"|shows?|needs?|should|will|would|could|can|has|have)\b))"
)
_NOT_A_FEATURE = frozenset(
    "estimate estimation estimates number numbers date dates deadline sprint sprints release timeline plan plans team "
    "teams call meeting review standup week weeks day days month quarter time ticket tickets spec doc docs way end "
    "rest moment demo board client customer customers users user company side others thing things work".split()
)


def _names_a_feature(phrase: str) -> bool:
    """Whether a noun phrase ends in a word that can name what is built (not "the sprint", "the estimate")."""
    return phrase.split()[-1].lower() not in _NOT_A_FEATURE


_DEADLINE_CUE = re.compile(
    r"\b(?:deadline|due|by|before|until|no later than|launch(?:es)?|go-?live|ships?|release|cutover)\b", re.I
)
_NOT_A_NOUN = re.compile(
    r"[a-z]+(?:ed|ing|ly)|live|bulk|instant|real-?time|sync|async|secure|private|public|mobile|offline|online|"
    r"faster|slow|fast|automatic|auto|all|every|any|\d[\d,.]*\s*[kmb]?",
    re.I,
)
_PERSON_AFTER = re.compile(
    rf"^\s*(?:looked|is looking|will|to (?:confirm|check)|{PERSON_VERBS}|{VOCATIVE_NEXT}"
    r"|from (?:infra|design|eng|engineering|sales|support|marketing|legal|finance|the [a-z]+ team))\b",
    re.I,
)
_PERSON_BEFORE = re.compile(
    r"\b(?:hi|hey|hello|dear|morning|thanks|thank you|cc|ping|pinged|ask|asked|asking|told|tell|emailed|messaged|"
    r"owner:|per|(?:talked|talking|spoke|speaking|chatted|chatting|met) (?:to|with)|checked with|according to)\s+$",
    re.I,
)
_VOCATIVE_AFTER = re.compile(r"^\s*[,—–:]")


def _is_person(text: str, name: str) -> bool:
    """A name used for a person (greeted, addressed, or saying or doing something): not a system to ask about."""
    at = text.find(name)
    if at < 0 or len(name.split()) > 2:
        return False
    after = text[at + len(name) :]
    addressed = not text[:at].strip() and _VOCATIVE_AFTER.match(after)  # "Priya, …" / "Kenji — …" opening the text
    if _PERSON_BEFORE.search(text[:at]) or addressed or _PERSON_AFTER.match(after):
        return True
    # named among a meeting's attendees, or given an action item anywhere ("Ravi to add logging")
    attendees = _ATTENDEES.search(text)
    return bool(attendees and re.search(rf"\b{re.escape(name)}\b", attendees.group(0))) or bool(
        re.search(rf"\b{re.escape(name)} to (?:{_ACTION_VERBS})\b", text)
    )


_ATTENDEES = re.compile(r"^\W*(?:attendees|present|participants|people|who|invited|cc)\s*:[^\n]*", re.I | re.M)
_ACTION_VERBS = (
    "add|check|look|send|ask|write|update|review|fix|investigate|follow|report|share|draft|confirm|build|own|pair|"
    "sync|talk|chase|prepare|test|set|book|schedule|call|email|reach|find|dig|spike|scope|estimate|draw|mock|get|"
    "come|circle|loop|take"
)


_SYSTEM_AFTER = re.compile(
    r"^(?:'s)? ?(?:API|APIs|app|apps|portal|integration|sync|platform|dashboard|system|sandbox|webhooks?|SDK|"
    r"plugin|connector|feed|export|import|module|CRM|ERP|instance|database|DB|account|tenant|data|login|SSO|"
    r"calls?|endpoint|connection|widget|bot|workspace|channel|board|tables?|file|files|format|schema)\b",
    re.I,
)
_SYSTEM_BEFORE = re.compile(
    r"\b(?:in|into|from|with|via|through|using|(?:sync|integrate|connect|push|pull|send) to)\s+$", re.I
)


def _reads_as_system(text: str, name: str) -> bool:
    """A capitalised name is asked about as a system only when the draft uses it as one ("the Clio sync",
    "via Twilio", "into Salesforce"), not a word capitalised by its place ("Best,", "Sprint 14"), a language,
    a country, a team or a section heading."""
    if not_a_system().fullmatch(name):
        return False
    for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
        at, end = match.start(), match.end()
        before = text[:at]
        if capitalised_by_place(text, at):
            continue
        if _SYSTEM_AFTER.match(text[end:].lstrip()) or _SYSTEM_BEFORE.search(before):
            return True
    return False


def _name_of(fact: str) -> str | None:
    """A name from a capitalised fact: "Acme SSO" -> "Acme", "Halcyon Travel's" -> "Halcyon Travel"; None for
    acronyms and numbers."""
    words = re.sub(r"['’]s$", "", fact).split()
    while words and not re.search(r"[a-z]", words[-1]):
        words.pop()
    if not words or not re.search(r"[a-z]", words[0]):
        return None
    return " ".join(words)


def _flag_question(flag: ComplexityFlag, named: _Named, text: str) -> str:
    """The category's template filled with the flag's trigger (and a name in its sentence), or its question."""
    if len(flag.trigger.split()) > 5 or re.search(r"[.?!]\s*$", flag.trigger):
        return flag.question  # a clause-wide trigger (the semantic layer) does not read inside a template
    if _NOT_A_NOUN.fullmatch(flag.trigger.strip()) or _WHEN_NOT_A_THING.search(flag.trigger):
        return flag.question  # "signed", "live", "every hour" do not read as the thing a template names
    if _CUT_TRIGGER.search(flag.trigger):
        return flag.question  # "push the", "as real-time": a trigger cut mid-phrase reads as garble
    parts = {"trigger": flag.trigger}
    name = named.name_near(text, flag.start) if text else None
    if name and name.lower() not in flag.trigger.lower():
        parts["name"] = name
    elif name:
        parts["trigger"], parts["name"] = flag.trigger, name
    # "dashboard" reads as "the dashboard", and "API" as "the API" (not "Okta")
    bare_noun = re.fullmatch(r"[a-z][a-z-]+|API|APIs|SDK|CLI|CSV|PDF|SSO|SMS", parts["trigger"]) is not None
    for template in _templates()["flags"].get(flag.category, ()):
        wants_article = bare_noun and not re.search(r"\b(?:the|a|an|your|our|this|that)\s+\{trigger\}", template)
        filled = fill(template, {**parts, "trigger": "the " + parts["trigger"]} if wants_article else parts)
        if filled and _clean(filled):
            return filled
    return flag.question


_CUT_TRIGGER = re.compile(
    r"\b(?:the|a|an|to|for|of|in|on|as|and|or|with)$|^(?:as|for|to|of|and|or|so|with)\b|\s{2}", re.I
)
_WHEN_NOT_A_THING = re.compile(
    r"^\s*(?:every|each|daily|nightly|hourly|weekly|monthly|per|once|twice|at \d|on (?:mon|tue|wed|thu|fri|sat|sun))\b",
    re.I,
)
_NOT_A_THING = re.compile(
    r"^(?:up|down|in|on|at|to|for|with|from|by|out|off|over|into|onto|it|this|that|them|us|me|him|her|so|too|"
    r"also|just|really|more|less|faster|better|quickly|asap|now|soon|back|again|when|where|if|is|are|was|were|be|"
    r"there|here|we|they|you|i|he|she|its|it's|their|our|your|my|the (?:we|they|you|i|min|mins|hour|day)|"
    r"(?:the )?(?:min|mins|minute|minutes|hour|hours|day|days|week|weeks|today|tomorrow|tonight))\b"
    r"|\d|\b(?:look|looks|looking) (?:done|finished|real|live|ready)\b|\b(?:show|shows)$"
    # a capture that starts mid-phrase ("sure the fraud score column", "of plan") or names the work itself
    # ("the adding one dropdown") or only a generic noun ("a number")
    r"|^(?:of|sure|about|like|than|as|and|or|but|unless|if|when|because|while|until|whether)\b"
    r"|^(?:the|a|an|this|that|our|their)$"
    r"|\b(?:please|thanks|thx|this week|next week|today|tomorrow|tonight|asap)\b"
    r"|^(?:the |a |an )?(?:room|right|left|another|other|rest|same|fix|issue|problem|way|place|case|point)"
    r"(?: (?:on|in|at|of|for)\b.*)?$"
    r"|^(?:the |a |an |this )?(?:adding|making|changing|building|doing|getting|having|moving|putting|showing|using"
    r"|fixing|updating|creating|removing|swapping|turning)\b"
    r"|^(?:the |a |an |this |that |one )?(?:number|estimate|figure|quote|way|plan|thing|change|tweak|bit|lot|one"
    r"|version|ask|request|work|job|task|fix)$|\byes/no\b|\bfrom (?:you|me|us)$",
    re.I,
)


def _short(thing: str | None) -> str | None:
    """The thing asked for, when it names a thing and is short enough for a question (up to eight words):
    not a particle or pronoun ("up in their dashboard", "it"), not a quantity ("within 24 hours")."""
    if thing:  # "the trade-in valuation to return something plausible" -> "the trade-in valuation"
        thing = re.sub(r"\s+to\s+(?!the\b|a\b|an\b|our\b|their\b)[a-z]+\b.*$", "", thing) or thing
        tail = r"\s+(?:into|onto|in|on|from|for|to|with) (?:our|the|their|your|a|an|its)\b.*$"
        thing = re.sub(tail, "", thing) or thing
    if not thing or len(thing.split()) > 8 or re.search(r"[?\"“]", thing) or _NOT_A_THING.search(thing):
        return None
    if re.search(r"\b(?:how|what|why|whether|which|who)\b", thing, re.I):  # "the how the webhook queue…"
        return None
    if _NOT_A_NOUN_PHRASE.search(thing):  # "the out the migration", "the webhook retries in", "July launch"
        return None
    return thing


# What a capture yields that is not a noun phrase to name in a question: a second determiner or a particle
# after the first ("the out the webhook", "the if the migration"), a trailing preposition or past participle,
# chat words, a verb ("the SMS reminders go out"), or a date word rather than a thing ("the release date").
_NOT_A_NOUN_PHRASE = re.compile(
    r"^(?:the|a|an|our|this) (?:[\w'-]+ )?(?:the|a|an|out|if|in|to|so|as|for|really|very|super|quite)\b"
    r"|\b(?:in|on|at|to|for|out|up|of|with|by|from)$|\b\w{2,}[^e\W]ed$"  # "refreshed", not "the live feed"
    r"|\b(?:lol|pls|plz|asap|until|every|tbh|btw)\b"
    r"|\b(?:go|goes|get|gets|is|are|be|was|were|works|done|look|looks)\b"
    r"|\b(?:date|deadline|release|launch|sprint|spike|breather|timeline|estimate|milestone|status update)$"
    r"|^(?:a|an|one|the|this) (?:year|month|week|day|hour|minute|quarter|time)s?$|^(?:next|last) [\w-]+$",
    re.I,
)


@cache
def _clean(question: str) -> bool:
    """No trust finding above a suggestion in the question (cached: the rules are fixed in a process, and the
    generic and template questions repeat across drafts)."""
    from assistant.checks.lint import find_trust_phrases

    return not [f for f in find_trust_phrases(question) if f.severity != "suggestion"]


def _lower_first(title: str) -> str:
    """ "Public API and compatibility" -> "public API and compatibility" (acronyms keep their case)."""
    return title[:1].lower() + title[1:]
