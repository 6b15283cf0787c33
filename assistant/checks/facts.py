"""Facts and claims in a text: numbers, dates, names, durations, links and time estimates.

The guards (what a model may not add) and the fixes and the quality check (what a rewrite must keep)
share this one grammar; it imports nothing else of the checks, so every check can use it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.text.document import TITLES
from assistant.text.slots import SLOT_OR_PLACEHOLDER, blank_slots

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|weds|wed|thurs|thur|thu|fri"
_NUMBER_WORDS = (
    r"\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"a few|a couple(?: of)?|several|half an?|a half|few"
)
_UNITS = (
    r"(?:working |business |calendar |person-?|man-?|engineer-?|dev-?)?"
    r"(?:hours?|hrs?|days?|weeks?|wks?|months?|sprints?|quarters?|story points?|points?|afternoons?|mornings?)"
)
_ESTIMATE = re.compile(  # not the idiom "call it a day", nor a frequency ("every few minutes")
    r"\b(?!(?<=call it )a day\b)(?!(?<=calling it )a day\b)(?<!every )(?<!each )"
    rf"(?:(?:{_NUMBER_WORDS})(?:[ \t]?(?:-|–|to|or)[ \t]?(?:{_NUMBER_WORDS}))?[ \t]+{_UNITS}"
    rf"|\d+(?:\.\d+)?[ \t]?(?:h|d|w|sp|pts)"
    rf"|t-shirt size (?:xs|s|m|l|xl)|(?:a |an )?(?:day|week|afternoon) or two)\b",
    re.I,
)
_NUMBER = re.compile(r"(?<![\w.])[$€£]?\d[\d,]*(?:\.\d+)?(?:%|k|m|bn)?(?![\w])", re.I)
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{_MONTHS})"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|q[1-4](?: \d{{4}})?|(?:{_DAYS}))\b",
    re.I,
)
# A run of capitalised words, with a title before a name ("Dr. Alvarez's", "Ms. Okafor") kept as one.
_CAPITALISED = re.compile(
    rf"\b(?:(?:{TITLES})\.[ \t]+)?[A-Z][\w&'’.-]*[A-Za-z0-9](?:[ \t]+[A-Z][\w&'’.-]*[A-Za-z0-9])*\b"
)
_SENTENCE_BOUNDARY = r"[.!?:][\"'”’)\]]*\s+|\n\s*(?:[-*•]\s+|\d+[.)]\s+)?|[\"“(]\s*"
# on the text before an index; a list item that opens the text starts a sentence too ("- My guess is …")
_SENTENCE_START = re.compile(rf"(?:^\s*(?:[-*•]\s+|\d+[.)]\s+)?|{_SENTENCE_BOUNDARY})$")
_SENTENCE_START_INSIDE = re.compile(rf"(?:{_SENTENCE_BOUNDARY})$")  # on a look-back window
_LOOK_BACK = 40

# Capitalised words that carry no fact about the PM's world.
_GENERIC_CAPITALS = frozenset(
    """I I'm I'd I've I'll PM PMs UI UX API APIs QA OK MVP FAQ URL Context Who Problem Why Evidence Success
    Deadline Invitation Request Questions Changes Engineering Stakeholders Product Design Review Trade-off
    Options Impact Decision Scope Note Notes Yes No TBD""".split()
)


# Words that often open a sentence before a capitalised name ("The Finance Team", "Hi Sam").
_SENTENCE_OPENERS = frozenset(
    """The A An This That These Those Our We I It Its Please Hi Hello Dear Thanks For In On At By If When What
    How Why Who Where Which Is Are Can Could Would Should Will And But So Also Their Your My Here There Next
    Then Once After Before Since While Because As Let Do Does Did Any Some Each Every All No Not With From
    To Yes Only Both Given Per Team""".split()
)


CALENDAR_WORDS = f"{_DAYS}|{_MONTHS}"  # public: weekday and month names, for checks that recase a date
DATE_RE = _DATE  # public: other checks (the scope-change consistency check) reuse the same date grammar


_MARKDOWN_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?[^)\n]*\)")
_BARE_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"')\]]+|\bwww\.[^\s<>\"')\]]+", re.IGNORECASE)


def find_links(text: str) -> list[str]:
    """URLs in a text, bare or inside markdown links and images."""
    urls = [m.group(3) for m in _MARKDOWN_LINK.finditer(text)]
    urls += [m.group(0) for m in _BARE_URL.finditer(_MARKDOWN_LINK.sub(" ", text))]
    return urls


def _strip_links(text: str, unknown: set[str]) -> str:
    """Drop markdown images and unknown links (keeping a link's words); slot bare unknown URLs."""

    def markdown(m: re.Match[str]) -> str:
        if m.group(3) not in unknown:
            return m.group(0)
        return "" if m.group(1) else m.group(2)

    text = _MARKDOWN_LINK.sub(markdown, text)
    return _BARE_URL.sub(lambda m: "[needs: source for a link]" if m.group(0) in unknown else m.group(0), text)


def find_estimates(text: str) -> list[str]:
    """Every time or effort estimate in a text, as written."""
    return [m.group(0) for m in _ESTIMATE.finditer(SLOT_OR_PLACEHOLDER.sub(" ", text))]


# A size in minutes ("a 10 min job", "should only take 20 minutes"): a fact of the draft a repair keeps, but
# not one the estimate guard looks for ("I've only got a few minutes" is no estimate).
_MINUTES = re.compile(r"\b(?:\d+|a few|a couple of|five|ten|fifteen|twenty|thirty)[ -]?(?:minutes?|mins?)\b", re.I)


def find_sizes(text: str) -> list[str]:
    """The estimates of a text and its sizes in minutes, as written."""
    return find_estimates(text) + [m.group(0) for m in _MINUTES.finditer(text)]


def _normalise_number(token: str) -> str:
    return token.lower().replace(",", "").lstrip("$€£")


def _known(token: str, sources_lower: str, source_numbers: set[str]) -> bool:
    if token.lower() in sources_lower:
        return True
    digits = _normalise_number(token)
    return bool(digits) and digits[0].isdigit() and digits.rstrip("%kmbn") in source_numbers


def _source_numbers(sources: str) -> set[str]:
    return {_normalise_number(m.group(0)).rstrip("%kmbn") for m in _NUMBER.finditer(sources)}


def find_invented_claims(text: str, sources: Iterable[str]) -> list[str]:
    """Numbers, dates, money, percentages and names in `text` that appear in none of the sources."""
    joined = "\n".join(s for s in sources if s)
    sources_lower = joined.lower()
    numbers = _source_numbers(joined)
    scrubbed = blank_slots(text, SLOT_OR_PLACEHOLDER)
    claims: list[str] = []

    def add(token: str) -> None:
        if token not in claims and not _known(token, sources_lower, numbers):
            claims.append(token)

    date_spans = []
    for match in _DATE.finditer(scrubbed):
        date_spans.append(match.span())
        add(match.group(0))
    for match in _NUMBER.finditer(scrubbed):
        if any(s <= match.start() < e for s, e in date_spans):
            continue
        add(match.group(0))
    for match in _CAPITALISED.finditer(scrubbed):
        if any(s <= match.start() < e for s, e in date_spans):
            continue
        token = match.group(0).rstrip(".")
        words = token.split()
        if _at_sentence_start(scrubbed, match.start()) and (len(words) == 1 or words[0] in _SENTENCE_OPENERS):
            words = words[1:]  # the first word of a sentence is capitalised anyway
            if not words:
                continue
            token = " ".join(words)
        if all(w in _GENERIC_CAPITALS for w in words):
            continue
        add(token)
    return claims


# Urgency and chat shorthand in capitals: phrasing, not facts of the PM's world.
# Ordinary words in capitals are emphasis ("i KNOW you can", "this is NOT optional"), not names either.
_NOT_FACTS = frozenset(
    """ASAP EOD EOW EOM COB FYI TBH IMO IMHO BTW PTAL LGTM ETA URGENT AFAIK OOO WIP PR KNOW NOT NEED NEEDS MUST NOW
    ALL NEVER REALLY PLEASE PLS NO YES DONE TODAY TONIGHT STILL AGAIN ONLY EVERY ANY HUGE BIG CRITICAL IMPORTANT
    BLOCKER BLOCKING HELP WHY SOON LIVE BROKEN CANNOT CANT WONT DONT NOTHING EVERYONE ANYONE""".split()
)
_RELATIVE_DATE = re.compile(
    r"\b(?:tomorrow|tmrw|tmr|tonight|(?:this|next) (?:week|sprint|month|quarter|year)|end of (?:the |this |next )?"
    r"(?:day|week|month|quarter|sprint|year)|the \d{1,2}(?:st|nd|rd|th))\b",
    re.I,
)
# A time the writer names for the work, however loosely ("today", "this sprint", "sprint 42", "release 3.1",
# "the June milestone", "by 3pm"): the rewrite does not ask for a date there, even where it is too loose to
# count as a deadline.
_LOOSE_TIME = re.compile(
    rf"\b(?:today|tonight|this (?:morning|afternoon|evening)|by (?:lunch|noon|midday)|sprint \d+"
    rf"|(?:release|version|milestone|build|patch) v?\d+(?:\.\d+)*|v\d+(?:\.\d+)+"
    rf"|(?:in|by|before|for|until|end of|early|mid|late|the) (?:{_MONTHS})\b"
    rf"|(?:{_MONTHS}) (?:milestone|release|launch|deadline|cut-?off|go-?live))\b",
    re.I,
)


_ROUGH_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_ASKS = re.compile(
    r"\?|\b(?:need|needs|needed|want|wants|can|could|pls|please|plz|before|due|until|asap|must|should|get|fix"
    r"|ship|done|ready|land|prioriti[sz]e|deliver|live)\b",
    re.I,
)


def names_a_time(text: str) -> bool:
    """Whether a sentence that asks for the work names a time for it: a date, a weekday, a clock time or a
    relative or loose time ("need it tomorrow", "this sprint", "in release 3.1"). A time in a sentence that
    asks nothing ("Today they phone every patient", "it shipped Sept 14") is not one."""
    times = (_DATE, _RELATIVE_DATE, _CLOCK_TIME, _LOOSE_TIME)
    for sentence in _ROUGH_SENTENCE.split(text):
        if _ASKS.search(sentence) and any(p.search(sentence) for p in times):
            return True
    return False


_VOCATIVE = re.compile(r"(?:^|\n)[ \t]*(?:(?:hi|hey|hello|dear|thanks|morning)[ \t]+)?([A-Z][a-z]+)(?=,|[ \t]+[—–-])")


# A name that opens a sentence as its subject, doing what people do ("Helen pointed out …", "Paylo built the
# same feature in 6 weeks"), or addressed with no comma ("Lukas you put 5 days on it", "Anton come on, …"):
# the first word of a sentence is capitalised anyway, so only these contexts make it a fact. (Public: the
# questions tell people from systems with the same words.)
PERSON_VERBS = (
    r"pointed out|asked|said|says|mentioned|told|flagged|confirmed|noted|raised|suggested|reported|promised|"
    r"requested|wants|wanted|thinks|thought|built|shipped|agreed|proposed|estimated|wrote|is asking|was asking|"
    r"has asked|will present|presents|demoed|signed off|escalated|complained|pinged|emailed|called"
)
_SUBJECT_NAME = re.compile(rf"(?-i:([A-Z][a-z]+))(?:'s|’s)?[ \t]+(?:{PERSON_VERBS})\b")
# A system doing the work at a sentence start ("Stripe already does most of the heavy lifting", "Twilio handles
# retries"): named as surely as mid-sentence, where its capital gives it away.
_SYSTEM_SUBJECT = re.compile(
    r"(?-i:([A-Z][a-z]+(?:[A-Z][a-z]+)*))(?:'s (?:API|SDK|side))?[ \t]+(?:already[ \t]+)?(?:does|handles|gives us|"
    r"provides|offers|exposes|supports|takes care of|has (?:an? )?(?:API|SDK|webhook|endpoint|plugin|integration))\b"
)
VOCATIVE_NEXT = (
    r"you\b|u\b|come on\b|honestly\b|seriously\b|this (?:isn'?t|is not|wasn'?t|was not)\b|why\b|did you\b|"
    r"can you\b|could you\b|any (?:update|news|eta)\b"
)
_BARE_VOCATIVE = re.compile(
    rf"(?:^|\n)[ \t]*(?:[-*•][ \t]+)?(?:(?:hi|hey|ok|okay|so)[ \t]+)?(?-i:([A-Z][a-z]+))(?=[ \t]+(?:{VOCATIVE_NEXT}))",
    re.I,
)
_LEADING_VOCATIVE = re.compile(
    rf"[ \t]*(?:(?:hi|hey|ok|okay|so)[ \t]+)?(?-i:([A-Z][a-z]+))"
    rf"(?:[ \t]+(?:come on|honestly|seriously),?[ \t]+|[ \t]+(?=(?:{VOCATIVE_NEXT})))",
    re.I,
)


def leading_vocative(sentence: str) -> re.Match[str] | None:
    """A name addressed at the very start of a sentence with no comma after it ("Lukas you put 5 days on it",
    "Anton come on, 2 weeks?"); group 1 is the name, the match ends where the sentence proper starts."""
    match = _LEADING_VOCATIVE.match(sentence)
    if match and match.group(1) not in _NOT_PERSON_NAMES:
        return match
    return None


_NOT_NAMES = frozenset(
    """Someone Somebody Everyone Everybody Nobody Anyone Anybody He She They You It Me Him Her Them One Nothing
    Thank Thanks See Told Tell Have Mind Love Miss Bless Hope Guess Bet Wish Got Get Let Make Help Sorry Ask
    Remind Send Show Give Bring Take Check Ping Call Need Want Sure Okay Ok Whatever Maybe Unless Otherwise
    Trust Believe Promise Swear Mean Meant Warned Said Asked Bug Client Customer Customers User Users Explain
    Figure Wonder Know Find Look Guys Folks Team All Hey Hi Hello So Oh Honestly""".split()
)
_MAYBE_FACT = re.compile(
    rf"\d|[$€£]|(?-i:[\w,;:'’)][ \t]+[A-Z])|(?-i:[A-Z][\w'’-]*[A-Z])|\b(?:{_MONTHS})\b|"
    r"day|week|month|sprint|quarter|year|hour|minute|mins?\b|"
    r"tomorrow|tmrw|tmr\b|tonight|afternoon|morning|point|the \d|"
    rf"(?-i:[A-Z][a-z]+)(?:'s|’s)?[ \t]+(?:{PERSON_VERBS}|{VOCATIVE_NEXT})",
    re.I,
)


_CLOCK_TIME = re.compile(r"\b\d{1,2}(?:[:.]\d{2})? ?(?:am|pm)\b|\b\d{1,2}:\d{2}\b", re.I)  # "10am", "14:30"
# An action's owner after a colon or at the start of a note's bullet: "Thurs: Priya to hardcode …", "- Tom to
# spec …" (not "Needs to be …" or "Happy to help" opening a sentence).
_ACTION_OWNER = re.compile(r"(?:[:;]\s+|(?:^|\n)\s*[-*•]\s*)([A-Z][a-z]+) to [a-z]+")
_NOT_OWNERS = _SENTENCE_OPENERS | frozenset(
    "Need Needs Want Wants Has Have Got Going Trying Happy Able Used Supposed Due Ready Time Nice Good Hard Easy Plan "
    "Plans Remember Reminder Note Agreed Decided Asked Hoping Hope Planning Continue Start Starting Make".split()
)
_NOT_PERSON_NAMES = _NOT_OWNERS | _NOT_NAMES  # capitalised words that open a sentence but name nobody


def find_facts(text: str) -> list[str]:
    """The facts of a text a rewrite must keep: numbers, dates, durations, money and names, as written.
    Urgency shorthand ("ASAP", "EOD") and slot texts are phrasing, not facts."""
    if (
        not _MAYBE_FACT.search(text)
        and not (text[:1].isupper() and "," in text[:40])
        and not _SYSTEM_SUBJECT.search(text)
    ):
        return []  # fast path: no digit, capital, date or duration word anywhere
    facts = [c for c in find_invented_claims(text, [""]) if c.upper() not in _NOT_FACTS]
    facts += find_sizes(text)
    facts += [m.group(0) for m in _RELATIVE_DATE.finditer(text)]
    facts += [m.group(1) for m in _VOCATIVE.finditer(text) if m.group(1) not in _SENTENCE_OPENERS]
    facts += [m.group(0) for m in _CLOCK_TIME.finditer(text)]
    facts += [m.group(1) for m in _ACTION_OWNER.finditer(text) if m.group(1) not in _NOT_OWNERS]
    facts += [
        m.group(1)
        for m in _SUBJECT_NAME.finditer(text)
        if m.group(1) not in _NOT_PERSON_NAMES and _at_sentence_start(text, m.start())
    ]
    facts += [m.group(1) for m in _BARE_VOCATIVE.finditer(text) if m.group(1) not in _NOT_PERSON_NAMES]
    facts += [m.group(1) for m in _SYSTEM_SUBJECT.finditer(text) if m.group(1) not in _NOT_PERSON_NAMES]
    unique = list({fact.lower(): fact for fact in facts if fact.strip()}.values())
    if len(unique) > 200:  # a long text: skip the pruning of facts inside other facts (quadratic)
        return unique
    return [f for f in unique if not any(f.lower() != o.lower() and f.lower() in o.lower() for o in unique)]


class _Output:
    """An output prepared once for many fact look-ups."""

    def __init__(self, text: str) -> None:
        self.lowered = text.lower()
        self.numbers = _source_numbers(text)

    def keeps(self, fact: str) -> bool:
        if fact.lower() in self.lowered or _known(fact, self.lowered, self.numbers):
            return True
        words = re.findall(r"[^\W_]+", fact.lower())
        return bool(words) and all(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", self.lowered) for w in words)


def fact_kept(fact: str, output: str) -> bool:
    """Whether one fact of the draft is in an output: as written, as the same number, or word by word."""
    return _Output(output).keeps(fact)


def find_dropped_facts(output: str, draft: str) -> list[str]:
    """Facts of the draft that the output no longer carries (the rewrite must keep every one)."""
    prepared = _Output(output)
    return [fact for fact in find_facts(draft) if not prepared.keeps(fact)]


def _at_sentence_start(text: str, index: int) -> bool:
    """Whether `index` begins a sentence, a line, a list item or a quotation. Looks back a bounded number
    of characters, so checking every capitalised word stays linear in the length of the text."""
    if index <= _LOOK_BACK:
        return bool(_SENTENCE_START.search(text[:index]))
    return bool(_SENTENCE_START_INSIDE.search(text[index - _LOOK_BACK : index]))


_PRODUCT_NOUNS = (
    r"page|pages|service|flow|export|exports|import|endpoint|endpoints|api|dashboard|report|reports|sync|"
    r"toast|shortcut|button|field|fields|filter|filters|tab|view|screen|modal|widget|integration|table|form|"
    r"search|upload|login|checkout|invoice|invoices|settings|banner|email|emails|notifications?|chart|charts|"
    r"archive|webhook|webhooks|cron|queue|pipeline|release|launch|migration|importer|exporter|editor|"
    r"onboarding|wizard|toggle|dropdown|sidebar|feed|digest|portal|app|plugin|extension|sdk|database|schema|"
    r"change|changes|suite|picker|cursors?|query|job|jobs|screens|model|template|templates|workflow"
)
_SUBJECT = re.compile(
    rf"(?<![\w@#/.-])(?:[a-z][a-z0-9-]+ ){{0,2}}(?:{_PRODUCT_NOUNS})(?: (?:{_PRODUCT_NOUNS}|date))?(?![\w-])"
    rf"|@[\w.-]+[\w]|`[^`\n]+`"
    rf"|(?<![\w.])v\d+(?:\.\d+)+(?![\w])",
    re.I,
)
_POSSESSIVES = frozenset("its their his her my our your".split())
_NOT_SUBJECT_WORDS = frozenset(
    """the a an this that these those our your their my its it's any some each every all no new same
    me us him her them you
    whole entire current existing old other one to for of on in at by with from and or but so is are be
    can could would should will just only also literally basically simply merely essentially really
    quick small tiny little simple easy basic minor big huge
    please pls need needs want wants make makes add adds get gets do does fix fixes into onto up before after
    have has had shouldnt shouldn't wont won't doesnt doesn't isnt isn't cant can't wouldnt wouldn't
    during about around like than via per over under behind within until while when where not never may might
    must shall don't doesn't won't shouldn't can't""".split()
)


_AUDIENCE = re.compile(
    r"\b(?:told|tell|telling|asked|promised|promise|committed to) "
    r"(?P<who>sales|support|finance|legal|marketing|security|leadership)\b",
    re.I,
)
_ONE_WORD_SUBJECT = re.compile(
    r"export|import|checkout|outage|migration|importer|exporter|onboarding|dashboard|integration|sync|launch|"
    r"release|search|sprint|incident",
    re.I,
)


def _named_one_word(text: str, match: re.Match[str], word: str) -> bool:
    """ "the export", "our launch": one product word after a determiner names a thing the draft means."""
    before = text[: match.end() - len(word)]
    return bool(_ONE_WORD_SUBJECT.fullmatch(word) and re.search(r"\b(?:the|our|this|their|your)\s+$", before, re.I))


_TIME_UNIT_WORDS = frozenset("min mins minute minutes hour hours hr hrs day days week weeks sec second".split())


def find_subjects(text: str) -> list[str]:
    """What a rewrite must keep besides the facts: the features and systems a draft names in lower case
    ("reporting page", "import flow", "dark mode"), @mentions, `code`, versions (v2.3) and a team told or
    promised something ("told sales"). Used by the
    repairs (a template that would drop one is not used), never by the invented-claims guard."""
    found: list[str] = []
    for match in _SUBJECT.finditer(text):
        words = match.group(0).split()
        while len(words) > 1 and (
            words[0].lower() in _NOT_SUBJECT_WORDS
            or words[0].lower().endswith("ed")
            or (words[0].lower().endswith("ing") and words[1].lower() in _POSSESSIVES)
        ):
            words = words[1:]  # "underestimated the migration" names the migration; "doing its job" no job
        if words[0].lower() in _TIME_UNIT_WORDS:
            continue  # "a 10 min job" is a size, not a feature
        if (
            len(words) == 1
            and not words[0].startswith(("@", "`", "v", "V"))
            and not _named_one_word(text, match, words[0])
        ):
            continue  # a bare product noun ("page") names nothing in particular
        found.append(" ".join(words))
    found += [m.group("who") for m in _AUDIENCE.finditer(text)]  # "I already told sales": who was promised
    return list(dict.fromkeys(found))
