"""What kind of message a draft is, for the shape of its rewrite: a request for work gets the context block
and an invitation; a problem report, a status question, a meeting request or an agreement does not, because
slots for "who needs it" and "is there a smaller version?" make no sense under an outage or a thank-you."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Literal

MessageKind = Literal["request", "report", "status", "meeting", "agreement", "question", "announcement"]

_BUILD = re.compile(
    r"\b(?:add|adding|build|building|support (?:for|multiple|more|other|both|bulk|sso|saml)|implement|integrate|"
    r"let (?:users|people|customers|admins)|"
    r"(?:new|a) (?:feature|option|setting|page|screen|report|export|integration|field)|we'?d like|feature request)\b",
    re.I,
)
_REPORT = re.compile(
    r"\b(?:outage|incident|sev ?[0-3]|postmortem|post-mortem|is down|went down|broken|broke|crash(?:es|ed|ing)?|"
    r"bug|regression|error|errors|failing|fails|timing out|times out|wrong for|been wrong|are wrong|is wrong|"
    r"duplicate charges|charged twice|data exposure|exposed|breach|leak(?:ed)?|vulnerab\w+|security (?:issue|hole)|"
    r"renders? (?:blank|empty|nothing)|(?:a )?white (?:box|screen)|same (?:problem|issue|bug) here|needs fixing|"
    r"(?:has been|have been|is|are|keeps?) (?:showing|returning|sending|displaying) (?:the )?(?:wrong|old|stale|"
    r"last (?:year|month|week)'?s?))\b",
    re.I,
)
_STATUS = re.compile(
    r"\b(?:any update|any news|eta\b|status (?:of|on|update)|still on track|on track for|how'?s (?:the )?[\w -]{1,30} "
    r"going|where are we (?:on|with)|progress on|bumping (?:this|it)|following up on"
    r"|is (?:it|this|that|the [\w -]{1,30}) (?:done|live|shipped|merged) yet)"
    r"|\bstatus\s*\?|\b(?:has been|been|is still|still) (?:in progress|in review|sitting|stuck|pending)\b",
    re.I,
)
_CURIOUS = re.compile(
    r"\b(?:what makes (?:the |this |it |that )?[\w -]{0,30}(?:hard|tricky|complex|big)|what'?s driving|what is driving"
    r"|help me understand|i want to understand|genuine question|not pushback|curious (?:about|why|how|what|whether)"
    r"|how hard would|what would it take)\b",
    re.I,
)
_ANNOUNCEMENT = re.compile(
    r"\b(?:post-?mortem|retro|notes|doc|write-?up|recording|slides|summary|recap)(?: [\w'-]+){0,5} (?:is|are) "
    r"(?:up|out|published|live|in confluence|in notion|in the doc)\b|\bthanks? (?:@\w+|to|for|all|everyone|team)\b"
    r"|\bthank you\b|\bkudos\b|\bshout-?out\b|\bfyi\b|\bno action (?:needed|required)\b"
    r"|\bnothing (?:needed|required|to do) (?:from|for) (?:eng|engineering|you|the team)\b",
    re.I,
)
_MEETING = re.compile(
    r"\b(?:grab|find|book|get|have) (?:\d+|a few|some|a quick|a) ?(?:min|mins|minutes|time|slot|half hour|hour)\b"
    r"|\b(?:walk (?:me )?through|meet (?:to|about|on)|set up (?:a )?(?:meeting|sync|call))\b",
    re.I,
)
_AGREEMENT = re.compile(
    r"\b(?:(?:just )?to confirm what we agreed|confirming what we agreed|as (?:we )?agreed (?:on|yesterday|earlier|in)|"
    r"looks right to me|sounds (?:good|right)|makes sense to me|agree with (?:the|your|\w+'s)|"
    r"i'?m (?:fine|happy|good) with (?:the|your|that)|let'?s keep (?:it|the estimate)|\+1 (?:to|on) (?:the|your))\b",
    re.I,
)


# Notes of a meeting, retro or workshop (a heading line saying so): a record of what was said, not a request.
_NOTES_HEADING = re.compile(
    r"\A\s*(?:attendees|present|participants)\s*:"
    r"|\A\s*(?:#+\s*)?[^\n?]{0,60}(?:\b(?:notes|minutes|recap|retro|retrospective|workshop|dry[- ]run|"
    r"action items|next steps|decisions|takeaways)\b[^\n?]{0,50}\n(?:attendees|present|\s*(?:[-*•]|\d{1,2}[.)]\s))"
    r"|\b(?:sync|meeting|call|standup|review)\b[^\n]{0,50}\n(?:attendees|present)\b)",
    re.I,
)
# Standup notes: a line opening with a standup label ("Today:", "Blockers:", "PM update:") first, twice, or
# beside a bulleted list. A record of the writer's day, not a request for work.
_STANDUP_LABEL = re.compile(
    r"^[ \t]*(?:[-*•][ \t]*)?(?:yesterday|today|tomorrow|tmrw|blockers?|blocked|y|t|done|wip|me|from me|"
    r"plan for today|(?:pm |quick |daily |eod |weekly )?update|status|next|asks?|yday|y'day|pm|eng|action items?"
    r"|actions?|decisions?|outcomes?|sizing|agenda|attendees|notes(?: [\d/.-]+)?)[ \t]*[:\-–—][ \t]",
    re.I | re.M,
)
_BULLET = r"(?:[-*•]|\d{1,2}[.)])"  # a list item's marker: "-", "*", "•", "1.", "2)"
_BULLET_LINE = re.compile(rf"^[ \t]*{_BULLET}[ \t]+\S", re.M)
# A meeting's heading line with bullets under it ("Sprint planning 9/12\n- Gradebook sync: …").
# A word that also names a feature ("Salesforce sync", "Design review") counts only beside a date ("Ops sync 14 Mar").
_MEETING_HEADING = re.compile(
    r"\A\s*(?:#+\s*)?(?:[^\n?]{0,40}\b(?:planning|refinement|grooming|kickoff|kick-off|standup|stand-up|weekly"
    r"|estimation|triage|1:1|one-on-one|debrief|readout|retro|notes|workshop)\b[^\n?]{0,40}"
    r"|[^\n?]{0,40}\b(?:sync|review|prep|call)\b[^\n?\d]{0,20}\d[^\n?]{0,30})"
    rf"\n(?:[^\n]*\n)?[ \t]*{_BULLET}[ \t]",
    re.I,
)


# A standup entry under its writer's name ("Katrin:\n- waiting since 2 days for …", "Dev: chasing backend …").
_SPEAKER_STANDUP = re.compile(
    r"\A\s*(?-i:[A-Z][a-z]+|PM|Dev|Eng|QA)\s*:\s*(?:\n\s*[-*•]|[^\n]*\b(?:chasing|waiting (?:on|for|since)|blocked"
    r"|no blockers|blockers?:|preparing|working on|nothing else|wip)\b)",
    re.I,
)


def reads_as_notes(text: str) -> bool:
    """Whether the draft is standup or meeting notes: a record of what happened, not a request for work."""
    if _NOTES_HEADING.search(text) or _MEETING_HEADING.search(text) or _SPEAKER_STANDUP.match(text):
        return True
    labels = _STANDUP_LABEL.findall(text)
    if not labels:
        return False
    return bool(_STANDUP_LABEL.match(text.lstrip())) or len(labels) >= 2 or len(_BULLET_LINE.findall(text)) >= 2


# The writer owning the work they mention ("the typo is mine, I'll push the fix"): an FYI, not a request.
_OWN_WORK_FYI = re.compile(
    r"\b(?:(?:is|was) (?:all )?mine\b|my (?:bad|mistake|fault)"
    r"|(?:that|it|this|this one|that one)'?s on me|(?:are|is|were|was) on me\b|i underestimated"
    r"|i'?ll (?:push|ship|deploy|merge) (?:the |a |my )?(?:fix|patch|change))",
    re.I,
)


def message_kind(text: str, finding_categories: Collection[str] = ()) -> MessageKind:
    """The draft's kind: a request for new work unless it reads as a problem report, a status question, a
    meeting request, an agreement, a curiosity question or an announcement (and asks for no new work). A
    draft whose only trust findings are blame is a complaint about what happened: a report. Meeting notes,
    standup notes and an FYI about the writer's own fix are announcements."""
    if reads_as_notes(text) or (_OWN_WORK_FYI.search(text) and not asks_a_question(text)):
        return "announcement"
    if _AGREEMENT.search(text) and not _BUILD.search(text):
        return "agreement"
    if _BUILD.search(text):
        return "request"
    if _REPORT.search(text) or (finding_categories and set(finding_categories) == {"blame"}):
        return "announcement" if _ANNOUNCEMENT.search(text) and not asks_a_question(text) else "report"
    if _STATUS.search(text):
        return "status"
    if _MEETING.search(text):
        return "meeting"
    if _AGREEMENT.search(text):
        return "agreement"
    if _CURIOUS.search(text):
        return "question"
    if _ANNOUNCEMENT.search(text) and not asks_a_question(text):
        return "announcement"
    return "request"


def reports_a_problem(text: str) -> bool:
    """Whether the draft reports something broken, failing or exposed."""
    return bool(_REPORT.search(text))


def asks_a_question(text: str) -> bool:
    """Whether the draft already asks engineering something (a question mark outside a URL or code)."""
    return "?" in re.sub(r"https?://\S+|`[^`]*`", "", text)
