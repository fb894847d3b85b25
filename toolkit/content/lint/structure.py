"""Rules on the lesson as a whole: DSL, HELP, SEXTORTION, FOREVER and TERMS for "sexting"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from toolkit.content.lint.base import BlockContext, Hit, LessonContext
from toolkit.content.lint.text import Match


def rx(*alternatives: str) -> re.Pattern[str]:
    """Compile alternatives into one word-bounded pattern on canonical words."""
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


TRUSTED_ADULT = rx(
    r"trusted (?:adults?|grown ups?|grownups?|person|people)",
    r"(?:adults?|grown ups?|grownups?|person|people|someone|somebody) (?:you|they|we) "
    r"(?:can |really |feel safe to |feel you can )?trust",
    r"(?:tell|talk to|speak to|ask|go to|show) (?:a|an|your|another|any|the|one) "
    r"(?:\w+ ){0,2}(?:adults?|grown ups?|grownups?|teachers?|parents?|carers?)",
)

SEXTORTION_MENTION = rx(
    r"sextort\w*",
    r"threats? to (?:share|post|send|leak|show|spread|release)",
    r"(?:threaten|threatens|threatened|threatening) (?:\w+ ){0,3}to (?:share|post|send|leak|"
    r"show|spread|release)",
    r"blackmail\w*",
    r"unless (?:you|they|she|he) (?:pay|pays|send|sends)",
)
FIVE_MESSAGES = {
    "do not pay": rx(
        r"(?:do not|never|not|no need to|should not|do not have to|refuse to|not to) "
        r"(?:ever )?pay",
        r"(?:paying|payment) (?:\w+ ){0,2}(?:does not|will not|rarely|usually does not|often does "
        r"not|can make|makes it worse|is not the answer|is never the answer)",
        r"stop paying",
    ),
    "stop contact (block)": rx(
        r"(?:stop|end|cut off|break off|cease) (?:all |any )?(?:contact|replying|responding|"
        r"talking|chatting|messaging|the conversation|the chat)",
        r"(?:do not|never) (?:reply|respond|answer|engage|keep talking)",
        r"block(?:s|ed|ing)?",
    ),
    "keep the messages, not the images": rx(
        r"(?:keep|save|screenshot|record|note down|write down|take screenshots of|take a "
        r"screenshot of) (?:\w+ ){0,3}(?:messages?|chats?|conversations?|usernames?|user names?|"
        r"profiles?|account names?|evidence)",
    ),
    "report": rx(r"report(?:s|ed|ing)?"),
    "it is not your fault": rx(
        r"(?:not|never) (?:\w+ ){0,2}fault",
        r"not to blame",
        r"(?:no one|nobody) (?:deserves|is to blame)",
        r"(?:blame|responsibility|fault) (?:lies|is|sits) (?:\w+ )?(?:with|on)",
        r"(?:criminals|person|people|abuser|abusers|blackmailer|they) (?:are|is) (?:fully |"
        r"completely |the ones )?(?:to blame|responsible)",
    ),
}

FOREVER_CLAIM = rx(
    r"(?:can|could|will|would) (?:never|not) (?:ever )?be (?:removed|deleted|taken down|erased|"
    r"got back|gotten back|undone|taken back)",
    r"(?:can|could) (?:never|not) (?:ever )?(?:delete|remove|erase|take down|get rid of) "
    r"(?:it|them|an image|a photo|a picture|the image|the photo|the picture)",
    r"(?:never|not) (?:ever )?(?:go|goes) away",
    r"(?:online|on the internet|there|out there|around) (?:for ever|forever)",
    r"(?:for ever|forever) (?:online|on the internet)",
    r"(?:is|are|stays|stay|remains|remain|lasts|last|will be) (?:for ever|forever|permanent)",
    r"no way to (?:get it back|remove|delete|take it down|undo)",
    r"impossible to (?:remove|delete|take down|get back|undo)",
)
REMOVAL_ROUTE = rx(
    r"report remove",
    r"take it down",
    r"stop ?ncii(?: org)?",
    r"stop non consensual intimate image abuse",
)

SEXTING = rx(r"sext(?:s|ed|ing|er)?")
SEXTING_EXPLAINED = rx(
    r"sexting (?:, )?(?:is|means|is when|is what|describes|refers to|:|or|which (?:is|means))",
    r"(?:called|known as|call it|calls it|name for) sexting",
)


def first_match(contexts: Iterable[BlockContext], pattern) -> tuple[BlockContext, Match] | None:
    """Return the first block and match of a pattern, in lesson order."""
    for ctx in contexts:
        for match in ctx.text.find(pattern):
            return ctx, match
    return None


def check_safeguarding_note(ctx: LessonContext) -> Iterator[Hit]:
    """Require a safeguarding note for the teacher."""
    if not any(b.block.kind == "safeguarding-note" for b in ctx.blocks):
        yield ctx.hit("DSL", "the lesson has no safeguarding-note block")


def check_help(ctx: LessonContext) -> Iterator[Hit]:
    """Require a help-and-reporting block and a trusted adult in pupil-facing text."""
    if not any(b.block.kind == "help-and-reporting" for b in ctx.blocks):
        yield ctx.hit("HELP", "the lesson has no help-and-reporting block")
    if ctx.lesson.is_session:
        return  # no pupils read a session's documents: its help block lists the routes
    if first_match(ctx.pupil_blocks, TRUSTED_ADULT) is None:
        yield ctx.hit(
            "HELP",
            "no pupil-facing block tells pupils to talk to a trusted adult",
            advice='Say, in a pupil block, who to tell: "talk to an adult you trust, such as a '
            'parent, carer or teacher" (the shared help-and-reporting blocks do this).',
        )


def check_sextortion(ctx: LessonContext) -> Iterator[Hit]:
    """Require the five sextortion messages where a sextortion lesson mentions threats."""
    if "nudes-and-sextortion" not in ctx.lesson.topics:
        return
    mention = first_match(ctx.everything, SEXTORTION_MENTION)
    if mention is None:
        return
    where, match = mention
    for name, pattern in FIVE_MESSAGES.items():
        if first_match(ctx.everything, pattern) is None:
            detail = f'the lesson mentions "{match.snippet}" but never says "{name}"'
            yield where.hit("SEXTORTION", match.offset, detail)


def check_forever(ctx: LessonContext) -> Iterator[Hit]:
    """Flag 'it can never be removed' claims when the lesson names no removal route."""
    if first_match(ctx.everything, REMOVAL_ROUTE) is not None:
        return
    for block in ctx.everything:
        for match in block.text.find(FOREVER_CLAIM):
            detail = f'"{match.snippet}" and the lesson names no removal route'
            yield block.hit("FOREVER", match.offset, detail)


def check_sexting(ctx: LessonContext) -> Iterator[Hit]:
    """Require "sexting" to be explained (vocabulary or text) when a lesson uses it."""
    mention = first_match(ctx.everything, SEXTING)
    if mention is None:
        return
    if any("sext" in entry.get("term", "").lower() for entry in ctx.lesson.vocabulary):
        return
    if first_match(ctx.everything, SEXTING_EXPLAINED) is not None:
        return
    where, match = mention
    yield where.hit(
        "TERMS",
        match.offset,
        f'"{match.snippet}" is used but never explained',
        advice='Explain it where it first appears or in the vocabulary (e.g. "sending nude or '
        'sexual images or messages"), or say "sending nudes" instead.',
    )
