"""The registry: every rule of CONTENT-GUIDE.md with its severity, advice, reason and source.

The checks themselves live in phrases.py, structure.py, pupil.py, reading.py and pii.py; this
module says which check reports which rule and how each rule is presented to an author.
"""

from __future__ import annotations

from toolkit.content.lint import (
    country,
    phrases,
    pii,
    pupil,
    reading,
    session,
    slides,
    structure,
    worksheet,
)
from toolkit.content.lint.base import ERROR, WARNING, BlockCheck, LessonCheck, Rule

_RULES = [
    Rule(
        "FEAR",
        ERROR,
        "No scare tactics",
        "Say what helps instead: adults and services can help, images can be removed, and the law "
        "is there to protect young people. Drop threats, shock stories and suicide as an outcome.",
        "Fear and shock make children less likely to tell anyone; most incidents between young "
        "people are handled as safeguarding, not as crime.",
        "Key principles of effective online-safety education (UK Safer Internet Centre / PSHE "
        "Association); UK guidance on incidents involving young people",
    ),
    Rule(
        "BLAME",
        ERROR,
        "No victim blaming",
        "Put the responsibility on whoever pressured, threatened or shared without consent, e.g. "
        '"It is not her fault. The person who shared the photo without asking did wrong."',
        "Blaming language stops children asking for help; responsibility lies with whoever "
        "shares without consent or abuses.",
        'UKCIS, "Sharing nudes and semi-nudes: advice for education settings"',
    ),
    Rule(
        "FOREVER",
        ERROR,
        "No 'it can never be removed' without a removal route",
        "Name a removal route in this lesson (Report Remove for under-18s in the UK, Take It Down, "
        "StopNCII for adults), or say that images can often be taken down.",
        "Telling a child an image can never be removed takes away hope and stops them asking for "
        "the help that does exist.",
        "NCMEC (Take It Down); IWF and Childline (Report Remove)",
    ),
    Rule(
        "TERMS",
        ERROR,
        "Current terms",
        'Use current terms: "child sexual abuse material" (CSAM), "image-based abuse" or '
        '"non-consensual intimate image sharing"; never "child prostitute"; explain "sexting" '
        "if you use it.",
        "Outdated terms suggest a child consented or shares blame for their own abuse.",
        "Luxembourg Terminology Guidelines; eSafety Commissioner glossary",
    ),
    Rule(
        "STRANGER",
        ERROR,
        "No 'stranger danger'",
        "Talk about behaviour, not strangers: anyone, including people a child knows and online "
        '"friends", can pressure or trick them; what matters is what the person asks them to do.',
        "Most harm comes from people children know, online friends included; stranger framing "
        "leaves them unprepared for it.",
        "Research summarised by child-protection educators",
    ),
    Rule(
        "HELP",
        ERROR,
        "Signpost help",
        "Add the help-and-reporting block (e.g. '## Help and reporting {use=help-and-reporting-"
        "11-18}') and tell pupils, in pupil-facing text, to talk to a trusted adult.",
        "Every lesson must leave pupils knowing who to tell and where to report.",
        "CEOP education guidance",
    ),
    Rule(
        "DSL",
        ERROR,
        "Safeguarding note",
        "Add a 'safeguarding-note' block for the teacher first: inform the designated "
        "safeguarding lead, assume some pupils have lived this, what to do on a disclosure, "
        "when not to teach it.",
        "Teachers need to prepare for disclosures before teaching these topics.",
        "CEOP education guidance; PSHE Association",
    ),
    Rule(
        "DISTANCE",
        ERROR,
        "Distancing, no disclosure prompts",
        'Ask about a fictional character instead, e.g. "What could Sam do?" or "How might Jo '
        "feel?\", never about pupils' own experiences in front of the class.",
        "Personal-disclosure prompts can expose pupils who have lived this; distancing keeps "
        "everyone safe to take part.",
        "PSHE Association ground rules and distancing",
    ),
    Rule(
        "IMAGERY",
        ERROR,
        "Never handle explicit images",
        "Tell pupils (and staff) never to screenshot, save, forward or show an explicit image of "
        "anyone under 18, even as evidence: keep the messages, tell an adult and report.",
        "Copying or showing such an image is itself harmful and can be an offence, even when "
        "meant as evidence.",
        "UK guidance for schools; Australian Centre to Counter Child Exploitation",
    ),
    Rule(
        "SEXTORTION",
        ERROR,
        "Sextortion lessons give the five messages",
        "Say all five: do not pay, stop contact (block), keep the messages (not the images), "
        "report, and it is not your fault.",
        "These are the steps that stop sextortion getting worse and get the young person help.",
        "Helplines' published advice (e.g. Childline, NCMEC, eSafety)",
    ),
    Rule(
        "DONT",
        WARNING,
        "Not a list of prohibitions",
        "Balance each 'don't' with what to do and why: e.g. \"Ask before you share a photo\" or "
        '"If something worries you, tell an adult you trust."',
        "Lists of prohibitions teach little and make pupils less likely to ask for help when they "
        "have broken one.",
        "SWGfL Project EVOLVE approach",
    ),
    Rule(
        "NAMES",
        WARNING,
        "No app, game or challenge names in pupil-facing text",
        'Use general words ("a chat app", "an online game", "a video site", "a viral challenge") '
        "in pupil-facing text; name platforms only in teacher notes if the teacher needs them.",
        "Naming apps or viral challenges advertises them and dates the lesson.",
        "Samaritans / public-health advice to schools",
    ),
    Rule(
        "HOMEWORK",
        ERROR,
        "No homework or online research",
        "Keep all work on these topics in the classroom, where a teacher can support pupils; "
        "suggest talking with a trusted adult at home instead of research.",
        "Unsupervised research on these topics can lead pupils to harmful content and leaves "
        "them without support.",
        "PSHE Association",
    ),
    Rule(
        "READING",
        WARNING,
        "Reading level for the band",
        "Use shorter sentences and everyday words; split long sentences, start with the most "
        "important word, and explain any hard word in the vocabulary.",
        "Pupil-facing text is read by pupils themselves; text above their reading age excludes "
        "the pupils who most need it.",
        "Plain-language practice (thresholds and reasoning in reading-levels.toml)",
    ),
    Rule(
        "LETTER",
        ERROR,
        "The letter home is advance notice",
        'Write the parent letter for before the lesson, in the future or present tense: "In the '
        'coming lesson, your child\'s class will learn...", never "this week your child '
        'learned".',
        "Parents are told before the lesson so that they know what will be taught, can talk "
        "about it at home and can ask to see the materials.",
        "PSHE Association guidance on working with parents and carers",
    ),
    Rule(
        "PII",
        ERROR,
        "No real pupil data",
        "Remove it: use fictional first names only, placeholders such as dsl@school.example, and "
        "the help section for phone numbers.",
        "Lessons are shared and printed; real personal data must not travel with them.",
        "Data minimisation (UK GDPR; ICO guidance for edtech)",
    ),
    Rule(
        "COUNTRY",
        ERROR,
        "One text for every country",
        "Name a help route by its role with a placeholder, e.g. {route:image-removal}, "
        "{route:child-helpline}, {emergency}; write {safeguarding-role} for the school's "
        "safeguarding lead; put law in [country: XX] ... [country: other] ... [country: end] "
        "sections (docs/lesson-format.md).",
        "A lesson printed in Madrid must not send a pupil to a British service; the export fills "
        "each placeholder with the school's country's route.",
        "Each country's own help services; the content guide's COUNTRY rule",
    ),
    Rule(
        "ROUTE-AGE",
        ERROR,
        "Routes for the reader's age",
        "Name only routes that serve children in a pupil's text; adults' image-abuse help and "
        "parent lines belong in teacher and parent text.",
        "An adults-only service turns a child away, at the moment they finally asked for help.",
        "The services' own eligibility rules",
    ),
    Rule(
        "DISCLOSE",
        ERROR,
        "A disclosure is passed on immediately",
        "Say: tell the {safeguarding-role} immediately, before the pupil leaves the room if you "
        "can; never promise to keep it secret.",
        "A child at risk may be harmed again before the end of the day; every national "
        "child-protection procedure asks for an immediate referral.",
        "Keeping Children Safe in Education (England); national child-protection procedures",
    ),
    Rule(
        "WORKSHEET",
        ERROR,
        "Worksheet syntax",
        "Write writing space as [lines: N] or [draw: N] (N from 1 to 30), answers as "
        "[answer: text], and tables as ```tick or ```grid with their column headings, one row a "
        "line, closed by ```.",
        "A malformed table or marker prints as something nobody meant: a code block, a missing "
        "row, or a teacher's answer on a pupil's sheet.",
        "docs/lesson-format.md (worksheets)",
    ),
    Rule(
        "PICTURES",
        WARNING,  # like READING: it helps pupils take part; it guards no one from harm
        "A picture on every sheet and card for ages 4-7",
        "Add a line of only '[symbol: name]' (names in docs/symbols.md) to each pupil block, and "
        "under each card's '### ' title in a scenario block.",
        "Many children of 4 to 7 cannot read yet; a picture tells them what the sheet or card is "
        "about while the teacher reads it aloud.",
        "docs/lesson-format.md (pictures for young pupils)",
    ),
    Rule(
        "SESSION",
        ERROR,
        "A session for adults has its own parts",
        "Give a session for staff or parents a safeguarding note first, a timed opening "
        "(starter), a main part (activity or discussion) and a close (plenary), a help-and-"
        "reporting block, and for parents a take-home block (kind=take-home audience=parent); "
        'objectives start "Participants will be able to". Leave out pupil material: handouts, '
        "scenario cards, ground rules, quizzes, the letter home.",
        "Adults are given the presenter's plan and, for parents, a sheet to take home; pupil "
        "material in a session would print nowhere, or reach the wrong readers.",
        "docs/lesson-format.md (sessions for adults)",
    ),
    Rule(
        "SLIDES",
        ERROR,
        "Slides for the projector",
        "Give each timed block a slide (```slide Title, a short text, then ```) with what the "
        "class sees during it, and show scenario cards with a line [cards: 1-4]; keep a slide to "
        "60 words in 7 parts, with no writing space, answers or teacher's words "
        "(docs/lesson-format.md, slides).",
        "The class reads a slide from across the room while the teacher talks; the teacher's "
        "script and the answers belong in the speaker notes, where only the teacher sees them.",
        "docs/lesson-format.md (slides)",
    ),
    Rule(
        "WAIVER",
        ERROR,
        "Waivers name a rule",
        "Write '<!-- lint-allow RULE: reason -->' with one of the rule ids of CONTENT-GUIDE.md.",
        "A waiver that names no rule waives nothing and hides what the author meant.",
        "docs/lesson-format.md (lint waivers)",
    ),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}

# Waiver housekeeping is reported as a warning: the waiver is harmless, only untidy.
UNUSED_WAIVER_SEVERITY = WARNING

# Block checks run on every block (shared blocks alone too); lesson checks need the whole lesson.
BLOCK_CHECKS: list[BlockCheck] = [
    *phrases.CHECKS,
    phrases.check_letter,
    pii.check,
    pupil.check_prohibitions,
    pupil.check_names,
    reading.check,
    country.check_country,
    country.check_route_age,
    country.check_disclose,
    worksheet.check,
    pupil.check_pictures,
    slides.check,
]
LESSON_CHECKS: list[LessonCheck] = [
    structure.check_safeguarding_note,
    structure.check_help,
    structure.check_sextortion,
    structure.check_forever,
    structure.check_sexting,
    session.check_session,
    slides.check_lesson,
]
