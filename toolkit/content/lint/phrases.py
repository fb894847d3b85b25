"""Phrase rules: FEAR, BLAME, TERMS, STRANGER, DISTANCE, IMAGERY and HOMEWORK on all text.

Patterns are written against the canonical words of text.py: lower case, contractions expanded
("you'll" is "you will", "can't" is "can not"), one space between words, and punctuation as
separate tokens, so "(?:\\w+ ){0,3}" spans up to three words but never a comma or a full stop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from toolkit.content.lint.base import WARNING, BlockContext, Hit
from toolkit.content.lint.text import BOUNDARIES, CLAUSE_ENDS, BlockText, Match, word_set

NEGATIONS = frozenset({"not", "never", "no", "nobody", "nothing", "neither", "nor", "without"})
# A phrase quoted in order to correct it ("say X rather than Y", "avoid saying Y") is advice,
# not the thing itself.
CORRECTION = re.compile(
    r"\b(?:instead of|rather than|avoid|avoids|avoiding|replace|replacing|"
    r"(?:not|never) (?:say|ask|use|tell|write|call|suggest|imply))\b"
)
CORRECTION_WINDOW = 10
# "Zara thinks it is all her fault" voices a character's mistaken belief for pupils to
# challenge, and "if a pupil suggests she is partly to blame" tells the teacher what to do
# about one; neither is the lesson blaming her.
BELIEF = word_set(
    "think thinks thought believe believes believed feel feels felt worry worries worried "
    "fear fears feared afraid scared imagine imagines assume assumes convinced suggest "
    "suggests suggested imply implies implied says said claim claims claimed argue argues"
)
BELIEF_WINDOW = 20  # the whole sentence before the match, in practice

PRONOUN = r"(?:you|she|he|they|i|we)"
SELF = r"(?:yourself|herself|himself|themselves|themself|myself|ourselves)"
POSSESSIVE = r"(?:your|her|his|their|my|our)"
IMAGE = r"(?:images?|photos?|photographs?|pictures?|pics?|videos?|selfies?|snaps?|nudes?|clips?)"
EXPLICIT = (
    r"(?:nude|naked|sexual|sexy|explicit|intimate|indecent|topless|semi nude|semi naked|rude)"
)
EXPLICIT_IMAGE = rf"(?:nudes?|{EXPLICIT} (?:\w+ )?{IMAGE})"
# Up to three words between a verb and its object, none of them a negation ("keep no nudes").
GAP = r"(?:(?!(?:no|not|never|none)\b)\w+ ){0,3}"
COPY_VERB = (
    r"(?:screenshot|screen shot|screengrab|save|forward|download|copy|print|keep|show|"
    r"send on|pass on|store)"
)
COPY_ANY_FORM = (
    r"(?:screenshot(?:s|ted|ting)?|screen shot|screengrab|sav(?:e|es|ed|ing)|"
    r"forward(?:s|ed|ing)?|download(?:s|ed|ing)?|cop(?:y|ies|ied|ying)|print(?:s|ed|ing)?|"
    r"keep(?:s|ing)?|kept|show(?:s|ed|ing|n)?|send(?:s|ing)? on|sent on)"
)
# An imperative at the start of a sentence or clause, or a verb after "you should", "remember
# to", "ask them to"..., is an instruction; the same verb in a story ("Jay saved it") is not.
INSTRUCTION = (
    r"(?:(?:^|(?<=[.!?;:,] ))(?:(?:and|then|please|always|also|just|quickly) )?|"
    r"(?:you|pupils|they|we|she|he|i) (?:should|can|could|must|need to|have to|might want to|"
    r"may want to|ought to|will need to)(?: also| always| just| quickly)? |"
    r"(?:need to|have to|remember to|make sure (?:you |they )?|best to|idea to|want to) |"
    r"(?:ask|tell|encourage|remind|get|advise|allow) (?:\w+ ){0,2}to )"
)


@dataclass(frozen=True)
class Phrase:
    pattern: re.Pattern[str]
    hint: str = ""  # advice for this phrase, in place of the rule's general message
    skip_kinds: frozenset[str] = frozenset()  # block kinds where the phrase is legitimate


@dataclass(frozen=True)
class PhraseRule:
    rule: str
    phrases: tuple[Phrase, ...]
    negation_window: int = 4  # words before a match searched for "not", "never"...; 0: none
    # A negation belongs to its own clause ("If you don't delete it, you will be arrested" is a
    # threat), except where a list of verbs shares one ("do not save, screenshot or forward").
    negation_crosses_commas: bool = False
    correction: bool = True  # skip a phrase quoted to correct it ("rather than ...")
    speech: bool = True  # skip a character's quoted words and quotations marked as myths
    belief: bool = False  # skip a character's reported belief ("she thinks ...")


def phrase(*alternatives: str, hint: str = "", skip_kinds: tuple[str, ...] = ()) -> Phrase:
    """Compile alternatives into one word-bounded pattern."""
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
    return Phrase(pattern, hint, frozenset(skip_kinds))


FEAR = PhraseRule(
    "FEAR",
    (
        phrase(
            r"(?:ruin|ruins|ruined|ruining|destroy|destroys|destroyed|destroying|wreck|wrecks|"
            rf"wrecked) (?:{POSSESSIVE} |someone s |a person s |the rest of {POSSESSIVE} )?"
            r"(?:whole |entire |young )?(?:life|lives|future|futures)",
            rf"{POSSESSIVE} (?:life|future) (?:will be|is|would be|could be|will|is going to be) "
            r"(?:over|ruined|destroyed|finished|wrecked|end)",
        ),
        phrase(
            r"(?:you|they|she|he|we|pupils|children|young people|teenagers|teens|kids|people)"
            r"(?: will| would| could| can| might| may)?(?: all| also)? (?:get|be|being|end up) "
            r"(?:arrested|prosecuted|charged|convicted|locked up|sent to prison|put in prison|"
            r"jailed|sent to jail|sent to a young offender s institution|expelled|in court)",
            r"(?:go|goes|going|went|end up|ends up|ended up|send you|sent) (?:to|in) "
            r"(?:prison|jail|juvie|a young offender s institution)",
            r"(?:get|gets|got|have|has|give you|gives you|end up with) a criminal record",
            rf"{PRONOUN} (?:are|is|will be|could be|would be|might be) (?:breaking the law|"
            r"committing a crime|a criminal|criminals)",
            r"police will (?:come|arrest|knock|take)",
            hint="Frame the law as protection, not threat: it exists to protect young people, and "
            "most cases involving young people are dealt with as safeguarding, not as crime.",
        ),
        phrase(
            r"sex offenders? (?:register|registry|list)",
            r"registered sex offenders?",
            r"(?:be|become|becomes|labelled|labeled|branded|called|listed as) an? sex offender",
            hint="Leave out the sex offenders register: it frightens and rarely applies to "
            "young people. Say instead that the law is there to protect them.",
        ),
        phrase(
            r"(?:commit|commits|committed|committing) suicide",
            r"(?:died|dies|die) (?:by|from) suicide",
            rf"(?:killed|kills) {SELF}",
            r"(?:took|takes) (?:his|her|their) own li(?:fe|ves)",
            r"ended (?:his|her|their) (?:own )?li(?:fe|ves)",
            r"(?:led|leads|lead|ended|ends|resulted|results|driven|drove|drives|pushed) "
            r"(?:\w+ ){0,2}(?:in|to) (?:\w+ )?suicide",
            hint="Do not present suicide as an outcome. If the lesson must touch on it, follow "
            "safe-messaging guidance and give support routes.",
        ),
        phrase(
            r"(?:shocking|horrifying|terrifying|horror|disturbing|chilling|tragic) "
            r"(?:true |real |real life )?(?:stor(?:y|ies)|cases?|examples?|footage|tales?|news)",
            r"(?:true|real|real life) (?:stor(?:y|ies)|cases?|news stor(?:y|ies)) "
            r"(?:of|about|where|in which|when|that)",
            r"(?:scare|scares|frighten|frightens|shock|terrify) (?:them|pupils|the class|"
            r"children|students|young people|the pupils|everyone)",
            hint="Use a fictional, hopeful scenario instead of a shock story: show the character "
            "getting help and the situation improving.",
        ),
        phrase(
            r"(?:you|they) (?:will|could|would|might|may|can) (?:be|get) (?:in|into) "
            r"(?:big |serious |real |so much |a lot of |deep |huge )?trouble",
            hint="Tell pupils the opposite: they will not be in trouble for telling, whatever "
            "happened. Fear of getting into trouble is what keeps children silent.",
        ),
        phrase(
            r"(?:you|they) (?:will|could|would|might|may) (?:never|not) (?:be able to )?"
            r"(?:get|find) a job",
            rf"haunt (?:you|them|her|him) (?:forever|for the rest of {POSSESSIVE} li(?:fe|ves))",
        ),
    ),
    belief=True,
)

BLAME = PhraseRule(
    "BLAME",
    (
        phrase(
            r"(?:should|ought to) (?:have|not have|never have|really have) known(?: better)?",
            r"should (?:really )?know better",
            r"should have thought (?:twice|about|before|of)",
        ),
        phrase(
            rf"why (?:on earth )?(?:did|would|do|does|were|was) {PRONOUN}(?: ever| even)? "
            r"(?:send|take|share|post|trust|agree|go|meet|believe|talk|reply)",
            rf"if (?:only )?{PRONOUN} (?:had not|had never|never|would not have|would never have) "
            r"(?:sent|send|taken|take|shared|posted|trusted|agreed|gone|met|replied)",
            rf"if (?:only )?{PRONOUN} would (?:not|never) (?:sent|taken|shared|posted|trusted)",
            r"should (?:not|never) have (?:sent|taken|trusted|agreed|gone|met|replied|believed)",
        ),
        phrase(
            r"(?:was|were|is|are|am|be|been|being) asking for it",
            rf"{PRONOUN} asked for it",
            rf"what (?:did|do|does|else did) {PRONOUN} (?:expect|think would happen)",
            rf"what (?:were|was) {PRONOUN} thinking",
            r"boys will be boys",
        ),
        phrase(
            rf"(?:is|was|it is|it was|that is|that was|will be|would be) (?:all |entirely |"
            rf"totally |completely |"
            rf"partly |really |kind of )?{POSSESSIVE} (?:own )?fault",
            rf"{POSSESSIVE} own fault",
            rf"(?:only )?{SELF} to blame",
            rf"{PRONOUN} (?:is|are|was|were) (?:partly |also |partially |equally )?to blame",
            rf"(?:brought|bring|brings|bringing) (?:it|this) on {SELF}",
            rf"{PRONOUN} (?:deserved|deserves|deserve) (?:it|this|that|what)",
            r"(?:stupid|silly|dumb|foolish|naive|careless|irresponsible) (?:enough )?(?:to|for) "
            r"(?:send|sending|share|sharing|trust|trusting|take|taking|believe|believing)",
        ),
    ),
    belief=True,
)

TERMS = PhraseRule(
    "TERMS",
    (
        phrase(
            r"child (?:pornography|porn|porno|pornographic)",
            r"kiddie porn\w*",
            r"(?:underage|under age|teen|jailbait) porn\w*",
            r"(?:indecent images of children) porn\w*",
            hint='Say "child sexual abuse material" (CSAM) or "child sexual abuse images": '
            "it is a record of abuse, never pornography.",
        ),
        phrase(
            r"revenge porn\w*",
            hint='Say "image-based abuse" or "sharing intimate images without consent": the harm '
            "is the abuse, not the victim's images.",
        ),
        phrase(
            r"(?:child|teen|teenage|underage|juvenile) (?:prostitutes?|prostitution|sex workers?)",
            hint='Say "child sexual exploitation": a child cannot consent to being exploited.',
        ),
    ),
    negation_window=0,
    speech=False,
)

STRANGER = PhraseRule(
    "STRANGER",
    (
        phrase(
            r"stranger danger",
            r"(?:do not|never|not to) (?:talk|speak|chat|reply|go|get in a car|accept \w+) "
            r"(?:to |with |from )?strangers",
            r"(?:never|do not) trust (?:a )?strangers?",
            r"strangers are (?:dangerous|bad|evil|scary|the danger|the main danger|the biggest "
            r"danger|the problem)",
            r"(?:dangerous|bad|scary|evil|creepy) strangers",
            r"beware (?:of )?strangers",
        ),
    ),
)

DISTANCE = PhraseRule(
    "DISTANCE",
    (
        phrase(
            r"tell (?:us|me|the class|the group|your partner|your group|a partner|everyone|each "
            r"other|the person next to you) about (?:a time|the time|when you|your own|something "
            r"that happened to you|an experience|anything that has happened to you)",
            r"(?:describe|share|write about|talk about|draw) (?:a time|an experience|a situation|"
            r"the time|a moment)(?: when| that)? (?:you|something happened to you)",
            r"share (?:your|their) (?:own )?(?:experiences?|stor(?:y|ies)|examples?)",
        ),
        phrase(
            r"(?:put|raise|hold|stick) (?:your|their) hands? up if",
            r"hands up if (?:you|anyone)",
            r"(?:stand|move|walk|go) (?:up |to (?:this|that|the) (?:side|wall|corner|end) )"
            r"if you (?:have|ever|are|were|know)",
            r"has (?:anyone|anybody|someone) (?:here|in (?:this|the|our) (?:room|class|group))",
            r"has (?:anyone|anybody) (?:ever )?(?:been|had|sent|received|seen|shared|met|"
            r"experienced|felt|done)",
            r"(?:have|has) any of you (?:ever )?(?:been|had|sent|received|seen|shared|met|"
            r"experienced|felt|done)",
            r"(?:^|(?<=[.!?;:] ))who (?:here |in (?:this|the) (?:room|class) )?has (?:ever )?"
            r"(?:been|had|sent|received|seen|shared|met|experienced)",
            r"(?:do you|does anyone|who) knows? (?:anyone|someone|somebody) who (?:has|was|is|had)",
        ),
        phrase(
            r"have you (?:ever )?(?:been|had|sent|received|shared|met|experienced|seen|felt|done|"
            r"talked|chatted|posted) (?:\w+ ){0,8}\?",
            skip_kinds=("scenario",),
        ),
    ),
)

IMAGERY = PhraseRule(
    "IMAGERY",
    (
        # "save the photo as evidence": any image kept as evidence is the explicit one.
        phrase(
            rf"(?:take a )?{COPY_ANY_FORM} (?:of )?{GAP}{IMAGE} (?:\w+ ){{0,4}}"
            r"(?:as|for) (?:evidence|proof)",
        ),
        phrase(
            rf"{INSTRUCTION}(?:take a )?(?:screenshot of|{COPY_VERB}) {GAP}{EXPLICIT_IMAGE}",
            rf"{INSTRUCTION}(?:take a )?(?:screenshot of|{COPY_VERB}) (?:it|them) (?:to|with) "
            r"(?:a teacher|the teacher|the police|an adult|a grown up|your parents?|the school)",
            rf"(?:send|forward|show) (?:it|them|that|the (?:\w+ )?{IMAGE}) to me so (?:i|we) can "
            r"(?:see|look|check)",
            rf"(?:let me|can i|i need to|i want to|i have to) see (?:it|them|the (?:\w+ )?{IMAGE})",
        ),
        phrase(
            rf"(?:ask|asks|asking|asked) (?:\w+ ){{0,2}}(?:to see|to show you|to send you|to "
            rf"forward|for a copy of|to look at) (?:\w+ ){{0,2}}{IMAGE}",
            rf"(?:view|look at|examine|inspect|open|check) (?:the |any |a |an |their |her |his |"
            rf"this |that )?{EXPLICIT_IMAGE}",
            hint="Staff should never view, copy or ask to see the image: leave the device with the "
            "DSL and follow school policy.",
        ),
    ),
    negation_window=6,
    negation_crosses_commas=True,
)

HOMEWORK = PhraseRule(
    "HOMEWORK",
    (
        phrase(r"homework", r"home learning", r"take home task", r"home task"),
        phrase(
            r"(?:research|search|google|look up|investigate|find out (?:more )?about|look into|"
            r"browse) "
            r"(?:\w+ ){0,6}(?:online|on the internet|on google|on youtube|on social media|on the "
            r"web|at home)",
            r"(?:independent|online|internet) research",
            r"google (?:it|this|that|them|the|what|how|for|who|whether)",
            r"research (?:task|project|activity)",
        ),
    ),
)

PHRASE_RULES = (FEAR, BLAME, TERMS, STRANGER, DISTANCE, IMAGERY, HOMEWORK)

# LETTER: the parent letter goes home before the lesson, so it never reports the lesson as done.
# Read in parent-letter blocks only; "after the lesson, ask what they learned" is advice for
# later, not a report, so a match with "after" or "once" earlier in its sentence is left alone.
PAST_TEACHING = (
    r"(?:learned|learnt|met|practised|practiced|talked|discussed|explored|looked at|studied|"
    r"watched|drew|heard|covered|thought about|found out|did)"
)
LETTER_SUBJECT = (
    r"(?:your child|your son|your daughter|your child s class|the class|our class|children|"
    r"the children|pupils|the pupils|students|young people|they|we|everyone)"
)
LETTER = PhraseRule(
    "LETTER",
    (
        phrase(
            r"(?:this|last) (?:week|term|half term|lesson|unit|morning|afternoon)(?: ,)? "
            rf"(?:\w+ ){{0,5}}{PAST_TEACHING}",
            rf"(?:today|yesterday|recently)(?: ,)? (?:\w+ ){{0,5}}{PAST_TEACHING}",
            rf"{LETTER_SUBJECT} (?:have |has |had )?(?:all )?(?:learned|learnt)",
            hint="Write for before the lesson: \"In the coming lesson, your child's class will "
            'learn..." or "On <date>, pupils will...", never "this week your child learned".',
        ),
    ),
    negation_window=0,
    correction=False,
)
LATER = frozenset({"after", "once"})


def check_letter(ctx: BlockContext) -> Iterator[Hit]:
    """Report past-tense wording ("this week your child learned") in a parent letter."""
    if ctx.block.kind != "parent-letter":
        return
    for match, item in matches(ctx.text, LETTER, ctx.block.kind):
        if LATER.intersection(ctx.text.before(match.index, 20)):
            continue
        yield ctx.hit(LETTER.rule, match.offset, f'"{match.snippet}"', advice=item.hint)


def guarded(text: BlockText, match: Match, rule: PhraseRule) -> bool:
    """Tell whether a match is negated, quoted to correct it, or a character's words."""
    if rule.speech and text.is_reported_speech(match.index):
        return True
    if rule.belief and BELIEF.intersection(text.before(match.index, BELIEF_WINDOW)):
        return True
    if rule.negation_window:
        stops = BOUNDARIES if rule.negation_crosses_commas else CLAUSE_ENDS
        near = text.before(match.index, rule.negation_window, stops)
        if NEGATIONS.intersection(near):
            return True
    if rule.correction:
        window = " ".join(text.before(match.index, CORRECTION_WINDOW))
        if CORRECTION.search(window):
            return True
    return False


def matches(text: BlockText, rule: PhraseRule, kind: str = "") -> Iterator[tuple[Match, Phrase]]:
    """Yield the unguarded matches of a rule, one per stretch of words."""
    taken: set[int] = set()
    for item in rule.phrases:
        if kind in item.skip_kinds:
            continue
        for match in text.find(item.pattern):
            if match.index in taken or guarded(text, match, rule):
                continue
            taken.update(range(match.index, match.end))
            yield match, item


# DISTANCE protects pupils in front of their class. In a session for adults it is a warning:
# a professional may fairly be asked how incidents were handled, but some adults in the room have
# lived this too, so a personal story is never asked for.
SESSION_DISTANCE_ADVICE = (
    "Ask about the fictional case instead: some adults in the room may have lived this too, and "
    "a session never asks for personal stories. If you mean professional practice, say so "
    '("how does our school handle...") or waive it with a reason.'
)


def _checker(rule: PhraseRule):
    def check(ctx: BlockContext) -> Iterator[Hit]:
        extra = {}
        if rule.rule == "DISTANCE" and ctx.session:
            extra = {"severity": WARNING, "advice": SESSION_DISTANCE_ADVICE}
        for match, item in matches(ctx.text, rule, ctx.block.kind):
            advice = extra.get("advice", item.hint)
            severity = extra.get("severity", "")
            detail = f'"{match.snippet}"'
            yield ctx.hit(rule.rule, match.offset, detail, advice=advice, severity=severity)

    check.__name__ = f"check_{rule.rule.lower()}"
    check.__doc__ = f"Report {rule.rule} phrases."
    return check


CHECKS = [_checker(rule) for rule in PHRASE_RULES]
