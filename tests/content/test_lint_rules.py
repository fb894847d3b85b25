"""The safeguarding rules: for each, texts it must flag and near-misses it must leave alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.content.documents import BlockDoc, LessonDoc, LessonItemDoc
from toolkit.content.library import Library
from toolkit.content.lint import RULES, Finding, band_for_age, lint_block, lint_lesson, lint_library

PATH = "11-14/test-lesson.md"
# The IDs of the rules table in CONTENT-GUIDE.md.
GUIDE_RULES = (
    "FEAR",
    "BLAME",
    "FOREVER",
    "TERMS",
    "STRANGER",
    "HELP",
    "DSL",
    "DISTANCE",
    "IMAGERY",
    "SEXTORTION",
    "DONT",
    "NAMES",
    "HOMEWORK",
    "READING",
    "DISCLOSE",
    "COUNTRY",
    "ROUTE-AGE",
    "LETTER",
    "PII",
)


def make_block(
    body: str,
    *,
    kind: str = "activity",
    audience: str = "teacher",
    slug: str = "test-lesson-block",
    body_line: int = 20,
    path: str = PATH,
    **extra,
) -> BlockDoc:
    """Build a block as the parser would, with its body starting at body_line."""
    return BlockDoc(
        slug=slug,
        title="A block",
        kind=kind,
        audience=audience,
        body=body,
        path=path,
        line=body_line - 2,
        body_line=body_line,
        **extra,
    )


def safeguarding_note() -> BlockDoc:
    body = "Tell your {safeguarding-role} before you teach this lesson."
    return make_block(body, kind="safeguarding-note", slug="test-lesson-safeguarding", body_line=5)


def help_block() -> BlockDoc:
    body = "If anything online worries you, talk to an adult you trust. You can report it too."
    return make_block(
        body, kind="help-and-reporting", audience="pupil", slug="test-lesson-help", body_line=90
    )


def make_lesson(
    *blocks: BlockDoc,
    topics: tuple[str, ...] = ("trusted-adults",),
    band: str = "11-14",
    vocabulary: tuple[dict[str, str], ...] = (),
    standard: bool = True,
) -> LessonDoc:
    """Build a lesson; standard adds a safeguarding note first and a help block last."""
    if standard:
        blocks = (safeguarding_note(), *blocks, help_block())
    return LessonDoc(
        slug="test-lesson",
        title="A test lesson",
        band=band,
        minutes=45,
        topics=list(topics),
        strands=["online-relationships"],
        summary="A lesson written for the tests.",
        objectives=["Pupils will be able to test.", "Pupils will be able to test again."],
        vocabulary=list(vocabulary),
        items=[LessonItemDoc(block, block.minutes, block.line) for block in blocks],
        path=PATH,
        field_lines={"slug": 2, "title": 3, "summary": 8, "objectives": 9, "vocabulary": 12},
    )


def active(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule and not f.waived]


def flags(text: str, rule: str, *, audience: str = "teacher", kind: str = "activity", band="11-14"):
    """Return the unwaived findings of one rule on a block of text."""
    return active(lint_block(make_block(text, kind=kind, audience=audience), band), rule)


# Texts each phrase rule must flag, in teacher-facing text (all-text rules read every block).
FLAGGED = {
    "FEAR": [
        "If you send a nude, you'll be arrested.",
        "Sharing that photo could ruin your whole life.",
        "You could end up on the sex offenders register.",
        "She took her own life after the photo was shared.",
        "Show the class this shocking true story about a girl whose photo went viral.",
        "You can get a criminal record for this.",
        "Your future will be ruined.",
        "You\u2019ll get in serious trouble if anyone finds out.",
        "If you share it you will be\narrested, and that is that.",
        "Remind them they are breaking the law and the police will come.",
        "If you don't delete it, you will be arrested.",
    ],
    "BLAME": [
        "She should have known better than to send it.",
        "Why did you send the photo in the first place?",
        "If she hadn't sent it, none of this would have happened.",
        "Honestly, she was asking for it.",
        "What did he expect?",
        "Boys will be boys.",
        "It's her own fault for trusting him.",
        "He only has himself to blame.",
        "You shouldn\u2019t have sent it.",
        "What were you thinking?",
        "She was stupid to send it.",
        "If you'd never sent it, this would not have happened.",
    ],
    "TERMS": [
        "Explain that child pornography is illegal.",
        "Child porn is a crime.",
        "This is called revenge porn.",
        "Revenge-porn websites were closed down.",
        "She was treated as a child prostitute.",
        "Teen prostitution is a form of exploitation.",
    ],
    "STRANGER": [
        "Remember: stranger danger!",
        "Never talk to strangers online.",
        "Don't talk to strangers.",
        "Strangers are dangerous.",
        "Beware of strangers in games.",
    ],
    "DISTANCE": [
        "Has anyone here ever been sent a nude?",
        "Put your hand up if you have ever been asked for a photo.",
        "Tell us about a time you felt pressured online.",
        "Hands up if you've seen this happen.",
        "Who has been asked to send a picture?",
        "Have you ever sent a photo you regretted?",
        "Ask pupils to share their own experiences with the class.",
    ],
    "IMAGERY": [
        "Screenshot the nude as evidence before you block them.",
        "Save the photo as evidence.",
        "If a nude is shared, forward it to a teacher.",
        "You should keep the naked pictures to show the police.",
        "Ask the pupil to show you the image.",
        "Take a screenshot of the nude image.",
        "Send it to me so I can see how bad it is.",
    ],
    "HOMEWORK": [
        "For homework, write about what you learned.",
        "Ask pupils to research sextortion online tonight.",
        "Pupils find out more about grooming at home.",
        "Set a home learning task: a poster about consent.",
        "Ask them to google the law on sharing images.",
    ],
    "PII": [
        "Contact jay.smith@gmail.com if you are worried.",
        "Call Sam on 07700 900123.",
        "Ring +44 20 7946 0958.",
        "Date of birth: 12/03/2011.",
        "Jay Smith (Year 8) said he was worried.",
        "A Year 9 pupil Mia Jones told us.",
        "She lives at 12 Acacia Avenue.",
        "The postcode is SW1A 1AA.",
    ],
}

# Near-misses: the same subjects written the right way, negated, corrected or voiced by a
# character, which the rule must leave alone.
NOT_FLAGGED = {
    "FEAR": [
        "You will not be in trouble for telling.",
        "Sending a nude does not mean you will be arrested.",
        'Max says, "Tell anyone and you\'ll be in trouble." Ben does not like it.',
        '"You will be arrested if you tell." Myth: telling an adult is always right.',
        "The law is there to protect young people, not to punish them.",
        "Zara thinks she will be in trouble.",
        "Some pupils worry they would be in trouble if they told.",
        "Sam felt scared when he saw the video.",
        "This will not ruin your life: help is there.",
        'Groomers use traps and threats ("you\'ll be in trouble too").',
    ],
    "BLAME": [
        "It is never your fault.",
        "It's not her fault. The person who shared it is to blame.",
        "She did not deserve it.",
        "Kai thinks it is all his fault.",
        "Nobody was asking for it.",
        "Why do you think Sam felt pressured?",
        "The person who shared the photo should not have shared it.",
        'Say "it is not your fault" rather than "you should have known better".',
        '1. *"What were you thinking?"* **Unhelpful.** It blames her.',
        "If a pupil suggests she is partly to blame, come back to it next lesson.",
        "If you would not send it to your gran, do not send it.",
    ],
    "TERMS": [
        "This is child sexual abuse material.",
        "We call it image-based abuse.",
        "Say 'child sexual abuse material' rather than 'child pornography'.",
        "Pupils add the work to their child's portfolio.",
        "Some adults watch pornography; this lesson is not about that.",
    ],
    "STRANGER": [
        "Most people who harm children are people they know, not strangers.",
        "We avoid 'stranger danger' framing because most harm comes from people children know.",
        "A stranger sent Ali a friend request. What should Ali do?",
        "It is not about stranger danger: it is about what someone asks you to do.",
    ],
    "DISTANCE": [
        "What could Sam do next?",
        "Do not ask 'has anyone here...'; use the characters instead.",
        "You are the one who has been harmed.",
        "You do not have to share your own story.",
        'Max asks, "Have you ever had a girlfriend?"',
        "How might Jo feel when the message arrives?",
    ],
    "IMAGERY": [
        "Do not save, screenshot or forward a nude image of anyone under 18, even as evidence.",
        "Keep the messages, not the images.",
        "Screenshot the messages and the username.",
        "Never ask to see the image.",
        "Jay saved the photo on his phone.",
        "Keep no nude images, even as evidence.",
        "Look at the picture. What is happening?",
    ],
    "HOMEWORK": [
        "There is no homework for this lesson.",
        "Do not set homework or online research on these topics.",
        "At home, talk with a trusted adult about what you learned.",
        "Research shows that most harm comes from people children know.",
    ],
    "PII": [
        "Email the DSL at dsl@school.example.",
        "Call Childline on 0800 1111.",
        "Call Childline on +44 800 1111.",
        "This was true in 2020-2021.",
        "Call 999 in an emergency, or 116 111.",
        "Over 1 000 000 images were reported.",
        "Checked on 2026-11-24.",
        "Jay, 15, gets a follow request.",
    ],
}

HELPLINES = ("0800 1111", "999", "116 111")


def cases(table: dict[str, list[str]]) -> list:
    return [
        pytest.param(rule, text, id=f"{rule}-{i}")
        for rule, texts in table.items()
        for i, text in enumerate(texts)
    ]


@pytest.mark.parametrize(("rule", "text"), cases(FLAGGED))
def test_rule_flags(rule: str, text: str) -> None:
    block = make_block(text)
    found = active(lint_block(block, "11-14", helplines=HELPLINES), rule)
    assert found, f"{rule} missed: {text!r}"
    assert all(f.severity == "error" for f in found)


@pytest.mark.parametrize(("rule", "text"), cases(NOT_FLAGGED))
def test_rule_leaves_near_miss(rule: str, text: str) -> None:
    block = make_block(text)
    found = active(lint_block(block, "11-14", helplines=HELPLINES), rule)
    assert not found, f"{rule} flagged a near-miss: {[f.message for f in found]}"


@pytest.mark.parametrize(
    ("rule", "myth"),
    [
        ("FEAR", "Myth: if you send a nude you will be arrested."),
        ("BLAME", "Some people say she should have known better. That is wrong."),
        ("TERMS", "The old term child pornography hides that it is abuse."),
        ("STRANGER", "Old lessons taught stranger danger; most harm comes from people known."),
        ("DISTANCE", "Never open with a question like has anyone here been sent a nude."),
        ("IMAGERY", "Pupils often believe they should screenshot the nude as evidence."),
        ("HOMEWORK", "Other resources set homework on this topic; we do not."),
    ],
)
def test_waiver_covers_a_myth_quoted_to_debunk_it(rule: str, myth: str) -> None:
    body = f"<!-- lint-allow {rule}: quotes the myth in order to correct it -->\n{myth}"
    findings = [f for f in lint_block(make_block(body), "11-14") if f.rule == rule]
    assert findings, "the rule should still find the quoted myth"
    assert all(f.waived for f in findings)
    assert findings[0].waiver_reason == "quotes the myth in order to correct it"
    # Without the waiver the same text is an error an author must deal with.
    assert active(lint_block(make_block(myth), "11-14"), rule)


def test_finding_points_at_the_line_of_the_match() -> None:
    body = "A first line.\n\nIf you share it you will be\narrested."
    (finding,) = active(lint_block(make_block(body, body_line=20), "11-14"), "FEAR")
    assert finding.line == 22
    assert finding.path == PATH
    assert finding.block_slug == "test-lesson-block"
    assert '"you will be arrested"' in finding.message
    assert finding.source == RULES["FEAR"].source
    assert finding.reason == RULES["FEAR"].reason


def test_message_says_what_to_do_instead() -> None:
    (fear,) = flags("If you send it, you could be prosecuted.", "FEAR")
    assert "protect" in fear.message
    (blame,) = flags("She should have known better.", "BLAME")
    assert "responsibility" in blame.message.lower()
    (term,) = flags("It was revenge porn.", "TERMS")
    assert "image-based abuse" in term.message


def test_markdown_and_curly_quotes_are_ignored() -> None:
    assert flags("**Boys** _will_ be `boys`.", "BLAME")
    assert flags("She *should\u2019ve* known better.", "BLAME")
    assert flags("- It\u2019s her\n  own fault.", "BLAME")
    assert not flags("- It\u2019s her\n- own fault list", "BLAME")  # two list items, not one


def test_waiver_comment_text_is_not_matched() -> None:
    body = "<!-- lint-allow FEAR: about the phrase you will be arrested -->\nA calm lesson."
    findings = lint_block(make_block(body), "11-14")
    assert not [f for f in findings if f.rule == "FEAR"]


# Pupil-facing rules ----------------------------------------------------------------------


def test_dont_warns_when_prohibitions_dominate_pupil_text() -> None:
    body = "\n".join(
        [
            "- Don't share your password.",
            "- Never talk to people you do not know.",
            "- Do not post photos.",
            "- Stop chatting if it feels wrong.",
            "- Avoid video calls.",
            "- Ask an adult for help.",
        ]
    )
    (finding,) = flags(body, "DONT", audience="pupil", kind="worksheet")
    assert finding.severity == "warning"
    assert "5 of 6 sentences" in finding.message
    assert finding.line == 20


@pytest.mark.parametrize(
    "body",
    [
        "Don't share it. Ask first. Tell an adult. You can say no. Block and report.",
        "Stop, think, tell. Stop and think. Stop and check. Ask an adult.",
        "Never pay. Do not reply. Keep the messages. Tell an adult. Report it. You can get help.",
    ],
)
def test_dont_leaves_balanced_pupil_text(body: str) -> None:
    assert not flags(body, "DONT", audience="pupil", kind="worksheet")


def test_dont_reads_only_pupil_text() -> None:
    body = "Do not rush. Do not skip. Do not assume. Never guess."
    assert flags(body, "DONT", audience="pupil")
    assert not flags(body, "DONT", audience="teacher")


@pytest.mark.parametrize(
    "text",
    [
        "Sam was chatting on Snapchat.",
        "Mia plays Roblox after school.",
        "Ali saw the Blue Whale Challenge in a video.",
        "Jo joined the Skull Breaker Challenge.",
        "Everyone was doing #nutmegchallenge.",
        "They talked on Discord all night.",
        "Priya uses tik tok.",
    ],
)
def test_names_flags_apps_games_and_challenges_for_pupils(text: str) -> None:
    (finding,) = flags(text, "NAMES", audience="pupil", kind="scenario")
    assert finding.severity == "warning"


@pytest.mark.parametrize(
    "text",
    [
        "Sam was chatting on a chat app.",
        "Mia plays an online game after school.",
        "Try the Stretch Challenge at the bottom.",
        "There was discord between the friends.",
        "Ali saw a viral challenge in a video.",
    ],
)
def test_names_leaves_general_words(text: str) -> None:
    assert not flags(text, "NAMES", audience="pupil", kind="scenario")


def test_names_is_an_error_for_a_list_of_apps_and_ignores_teacher_text() -> None:
    text = "Chat apps such as WhatsApp, Snapchat and Instagram let you send photos."
    found = flags(text, "NAMES", audience="pupil", kind="worksheet")
    assert len(found) == 3
    assert all(f.severity == "error" for f in found)
    assert not flags(text, "NAMES", audience="teacher")


# Lesson-level rules ------------------------------------------------------------------------


def test_dsl_requires_a_safeguarding_note() -> None:
    lesson = make_lesson(help_block(), standard=False)
    (finding,) = active(lint_lesson(lesson), "DSL")
    assert finding.block_slug == ""
    assert finding.line == 2
    assert not active(lint_lesson(make_lesson()), "DSL")


def test_help_requires_a_help_block() -> None:
    pupil = make_block("Talk to a trusted adult.", audience="pupil", kind="worksheet")
    lesson = make_lesson(safeguarding_note(), pupil, standard=False)
    found = active(lint_lesson(lesson), "HELP")
    assert [f.message for f in found] == [
        f"the lesson has no help-and-reporting block: {RULES['HELP'].message}"
    ]


def test_help_requires_a_trusted_adult_in_pupil_text() -> None:
    help_text = make_block(
        "Report it on the app.", kind="help-and-reporting", audience="pupil", slug="h"
    )
    teacher = make_block("Remind pupils to tell a trusted adult.", slug="t")
    lesson = make_lesson(safeguarding_note(), teacher, help_text, standard=False)
    (finding,) = active(lint_lesson(lesson), "HELP")
    assert "trusted adult" in finding.message
    assert not active(lint_lesson(make_lesson()), "HELP")


@pytest.mark.parametrize(
    "adult",
    [
        "Tell a grown-up you trust.",
        "Talk to your teacher or another adult.",
        "Speak to a trusted adult.",
        "Tell someone you trust, like a parent or carer.",
    ],
)
def test_help_accepts_trusted_adult_wordings(adult: str) -> None:
    help_text = make_block(adult, kind="help-and-reporting", audience="pupil", slug="h")
    lesson = make_lesson(safeguarding_note(), help_text, standard=False)
    assert not active(lint_lesson(lesson), "HELP")


FIVE = (
    "Do not pay. Stop contact and block them. Keep the messages, not the images. "
    "Report it. It is not your fault."
)


def test_sextortion_lesson_with_all_five_messages_passes() -> None:
    mention = make_block("Sextortion is when someone threatens to share an image.\n" + FIVE)
    lesson = make_lesson(mention, topics=("nudes-and-sextortion",))
    assert not active(lint_lesson(lesson), "SEXTORTION")


@pytest.mark.parametrize(
    ("missing", "kept"),
    [
        ("do not pay", FIVE.replace("Do not pay. ", "")),
        ("stop contact (block)", FIVE.replace("Stop contact and block them. ", "")),
        (
            "keep the messages, not the images",
            FIVE.replace("Keep the messages, not the images. ", ""),
        ),
        ("report", FIVE.replace("Report it. ", "")),
        ("it is not your fault", FIVE.replace(" It is not your fault.", "")),
    ],
)
def test_sextortion_lesson_missing_a_message_is_flagged(missing: str, kept: str) -> None:
    body = "He threatened to post the photo unless she paid.\n" + kept
    lesson = make_lesson(make_block(body, slug="cards"), topics=("nudes-and-sextortion",))
    lesson.items[-1].block.body = "Tell an adult you trust."  # the default help block says "report"
    (finding,) = active(lint_lesson(lesson), "SEXTORTION")
    assert f'never says "{missing}"' in finding.message
    assert finding.block_slug == "cards"
    assert finding.line == 20


def test_sextortion_applies_only_to_lessons_on_the_topic_that_mention_it() -> None:
    threat = make_block("He threatened to post the photo unless she paid.")
    assert not active(lint_lesson(make_lesson(threat)), "SEXTORTION")
    calm = make_block("Pupils discuss how to ask before sharing a photo.")
    lesson = make_lesson(calm, topics=("nudes-and-sextortion",))
    assert not active(lint_lesson(lesson), "SEXTORTION")


@pytest.mark.parametrize(
    "claim",
    [
        "Once it's online it's there forever.",
        "An image can never be removed once it is shared.",
        "You can't delete it once it has been sent.",
        "It will never go away.",
    ],
)
def test_forever_flags_a_claim_without_a_removal_route(claim: str) -> None:
    lesson = make_lesson(make_block(claim))
    (finding,) = active(lint_lesson(lesson), "FOREVER")
    assert finding.line == 20
    assert "removal route" in finding.message


@pytest.mark.parametrize(
    "route",
    [
        "Report Remove can help under-18s get it taken down.",
        "Take It Down works in many countries.",
        "Adults can use StopNCII.org.",
    ],
)
def test_forever_accepts_a_claim_next_to_a_removal_route(route: str) -> None:
    lesson = make_lesson(
        make_block("Some people say it stays online forever."), make_block(route, slug="r")
    )
    assert not active(lint_lesson(lesson), "FOREVER")


def test_forever_leaves_lessons_without_the_claim() -> None:
    lesson = make_lesson(make_block("Friends are friends for a long time. Images can be removed."))
    assert not active(lint_lesson(lesson), "FOREVER")


def test_terms_requires_sexting_to_be_explained() -> None:
    unexplained = make_lesson(make_block("Pupils discuss sexting."))
    (finding,) = active(lint_lesson(unexplained), "TERMS")
    assert "explain" in finding.message.lower()
    explained_in_text = make_lesson(make_block("Sexting means sending nude or sexual images."))
    assert not active(lint_lesson(explained_in_text), "TERMS")
    vocabulary = ({"term": "Sexting", "definition": "Sending nude or sexual images."},)
    explained_in_vocabulary = make_lesson(
        make_block("Pupils discuss sexting."), vocabulary=vocabulary
    )
    assert not active(lint_lesson(explained_in_vocabulary), "TERMS")


def test_front_matter_is_read_too() -> None:
    lesson = make_lesson()
    lesson.summary = "Pupils learn why revenge porn is harmful."
    (finding,) = active(lint_lesson(lesson), "TERMS")
    assert finding.block_slug == ""
    assert finding.line == 8


# Waivers and the engine -------------------------------------------------------------------


def test_waived_findings_are_listed_and_never_count_as_errors() -> None:
    body = "<!-- lint-allow FEAR: the quiz marks this statement false -->\nYou will be arrested."
    (finding,) = [f for f in lint_block(make_block(body), "11-14") if f.rule == "FEAR"]
    assert finding.waived and finding.severity == "error"
    assert not finding.counts_as_error
    assert finding.to_dict()["waiver_reason"] == "the quiz marks this statement false"


def test_a_waiver_covers_only_its_own_block_and_rule() -> None:
    waived = make_block("<!-- lint-allow BLAME: not this rule -->\nYou will be arrested.", slug="a")
    other = make_block("You will be arrested.", slug="b")
    findings = active(lint_lesson(make_lesson(waived, other)), "FEAR")
    assert sorted(f.block_slug for f in findings) == ["a", "b"]


def test_a_waiver_for_an_unknown_rule_is_an_error() -> None:
    body = "<!-- lint-allow SCARY: typo in the rule id -->\nA calm text."
    (finding,) = [f for f in lint_block(make_block(body), "11-14") if f.rule == "WAIVER"]
    assert finding.severity == "error"
    assert "SCARY" in finding.message
    assert finding.line == 20


def test_a_waiver_that_waives_nothing_is_a_warning_in_a_lesson() -> None:
    body = "<!-- lint-allow FEAR: just in case -->\nA calm text."
    findings = lint_lesson(make_lesson(make_block(body)))
    (finding,) = [f for f in findings if f.rule == "WAIVER"]
    assert finding.severity == "warning"
    assert "waives nothing" in finding.message


def test_lesson_level_findings_are_waived_by_a_waiver_in_the_lesson() -> None:
    body = (
        "<!-- lint-allow HELP: a teacher-only briefing; pupils get the help sheet next lesson -->"
    )
    lesson = make_lesson(safeguarding_note(), make_block(body + "\nBriefing."), standard=False)
    findings = [f for f in lint_lesson(lesson) if f.rule == "HELP"]
    assert findings and all(f.waived for f in findings)


def test_lint_library_lints_shared_blocks_once_with_their_own_band() -> None:
    shared = make_block(
        "You will be arrested.",
        slug="shared-fear",
        path="blocks/shared-fear.md",
        shared=True,
        max_age=11,
    )
    first, second = make_lesson(shared), make_lesson(shared)
    second.slug, second.path = "second", "11-14/second.md"
    library = Library(shared_blocks={shared.slug: shared}, lessons={"a": first, "b": second})
    findings = active(lint_library(library), "FEAR")
    assert [(f.path, f.block_slug) for f in findings] == [("blocks/shared-fear.md", "shared-fear")]
    assert band_for_age(shared.max_age) == "7-11"


def test_registry_covers_every_rule_of_the_guide() -> None:
    assert set(GUIDE_RULES) <= set(RULES)
    for rule_id in GUIDE_RULES:
        rule = RULES[rule_id]
        assert rule.id == rule_id
        assert rule.message and rule.reason and rule.source
    warnings = {r for r in GUIDE_RULES if RULES[r].severity == "warning"}
    assert warnings == {"DONT", "NAMES", "READING"}


def test_finding_to_dict_has_every_field() -> None:
    (finding,) = flags("Boys will be boys.", "BLAME")
    assert set(finding.to_dict()) == {
        "rule",
        "severity",
        "message",
        "reason",
        "source",
        "path",
        "line",
        "block_slug",
        "waived",
        "waiver_reason",
        "details",
    }


@given(st.text(max_size=400))
def test_any_text_lints_without_crashing(body: str) -> None:
    for finding in lint_block(make_block(body, audience="pupil"), "7-11"):
        assert finding.severity in {"error", "warning"}
        assert finding.line == 0 or 20 <= finding.line < 20 + len(body.splitlines()) + 1


@pytest.mark.parametrize(
    "text",
    [
        "Report it to Report Remove.",
        "Call Childline on the number below.",
        "Pass it on to your DSL.",
        "Tell your designated safeguarding lead.",
        "Ring 999 if a child is in danger.",
        "Under the Sexual Offences Act, it is an offence.",
        "Send it to the IWF.",
    ],
)
def test_country_flags_a_national_service_law_or_title(text: str) -> None:
    assert flags(text, "COUNTRY"), text


@pytest.mark.parametrize(
    "text",
    [
        "Report it to {route:image-removal} or tell the {safeguarding-role}.",
        "In danger right now? Call {emergency}.",
        "A report can help remove it.",  # "report remove" as words, not the service's name
        "Pupils discuss what DSLR cameras can do.",  # a longer word that contains a listed name
        "[country: GB]\nUnder the Sexual Offences Act, it is an offence.\n"
        "[country: other]\nThe law protects young people.\n[country: end]",
        "<!-- a note naming Childline for the editors -->\nTell an adult.",
    ],
)
def test_country_leaves_placeholders_sections_and_comments_alone(text: str) -> None:
    assert flags(text, "COUNTRY") == [], text


def test_country_reports_unknown_placeholders_and_broken_sections_at_their_line() -> None:
    found = flags(
        "Line one.\nUse {route:hotline}.\n[country: GB]\nText.\n[country: end]", "COUNTRY"
    )
    messages = [(f.line, f.message) for f in found]
    assert any(line == 21 and '"{route:hotline}"' in said for line, said in messages)
    assert any(line == 24 and "without [country: other]" in said for line, said in messages)


def test_route_age_keeps_adults_routes_out_of_pupil_text() -> None:
    text = "You can call {route:adult-image-abuse} or {route:parent-line}."
    assert len(flags(text, "ROUTE-AGE", audience="pupil")) == 2
    assert flags(text, "ROUTE-AGE", audience="teacher") == []
    assert flags("Call {route:child-helpline}.", "ROUTE-AGE", audience="pupil") == []


@pytest.mark.parametrize(
    "text",
    [
        "Then report it to the DSL the same day.",
        "Pass on any disclosure to the {safeguarding-role} by the end of the day.",
        "Record the disclosure and tell the {safeguarding-role} within 24 hours.",
        "Tell the {safeguarding-role} tomorrow if the pupil discloses.",
        "If a pupil discloses, promise to keep it secret so they keep talking.",
    ],
)
def test_disclose_flags_delay_and_secrecy(text: str) -> None:
    assert flags(text, "DISCLOSE"), text


@pytest.mark.parametrize(
    "text",
    [
        "Tell the {safeguarding-role} immediately.",
        "Do not ask leading questions or promise to keep it secret; pass it on at once.",
        "Ask the {safeguarding-role} to be available during and after the lesson.",
        "Meet again the same day to finish the poster.",  # no disclosure in the sentence
    ],
)
def test_disclose_leaves_immediate_referral_alone(text: str) -> None:
    assert flags(text, "DISCLOSE") == [], text


def test_disclose_reads_only_teachers_text() -> None:
    assert flags("Tell the DSL the same day.", "DISCLOSE", audience="pupil") == []


def test_pictures_every_young_pupil_block_and_card_needs_a_symbol():
    cards = "### Bella asks\n\n[symbol: camera]\n\nBella asks Sam.\n\n### Lulu\n\nLulu smiles."
    found = flags(cards, "PICTURES", audience="pupil", kind="scenario", band="4-7")
    assert [(f.line, f.message.split(":")[0]) for f in found] == [
        (26, 'the card "Lulu" has no picture')
    ]
    sheet = "### Ask first\n\nCopy the words.\n\n[lines: 2]"
    (finding,) = flags(sheet, "PICTURES", audience="pupil", kind="worksheet", band="4-7")
    assert finding.line == 20 and finding.severity == "warning"
    assert not flags("[symbol: hand]\n\n" + sheet, "PICTURES", audience="pupil", band="4-7")
    # Older pupils and teacher text need no pictures.
    assert not flags(sheet, "PICTURES", audience="pupil", kind="worksheet", band="7-11")
    assert not flags(sheet, "PICTURES", audience="teacher", band="4-7")


LETTER_FLAGGED = [
    "This week your child's class learned what encrypted apps can do.",
    "This week your child met Milo, a little mouse.",
    "This week, the children practised asking before taking a photo.",
    "Last week we talked about secrets and surprises.",
    "Today your child learnt three steps.",
    "Pupils learned that grooming usually starts with kindness.",
    "Your child has learned who to tell.",
]
LETTER_NOT_FLAGGED = [
    "In the coming lesson, your child's class will learn what encrypted apps can do.",
    "This week your child's class will meet Milo, a little mouse.",
    "On Tuesday, pupils will learn that grooming usually starts with kindness.",
    "After the lesson, you could ask your child what they learned.",
    "Once the lesson is over, ask what the class learned about secrets.",
    "Children learn best when they feel safe to ask questions.",
]


@pytest.mark.parametrize("text", LETTER_FLAGGED)
def test_letter_flags_a_parent_letter_written_after_the_lesson(text: str) -> None:
    block = make_block(text, kind="parent-letter", audience="parent")
    found = active(lint_block(block, "11-14", helplines=HELPLINES), "LETTER")
    assert found, text
    assert all(f.severity == "error" and "coming lesson" in f.message for f in found)


@pytest.mark.parametrize("text", LETTER_NOT_FLAGGED)
def test_letter_leaves_advance_notice_alone(text: str) -> None:
    block = make_block(text, kind="parent-letter", audience="parent")
    assert not active(lint_block(block, "11-14", helplines=HELPLINES), "LETTER")


def test_letter_reads_only_parent_letters() -> None:
    block = make_block("This week pupils learned how to report.", kind="plenary")
    assert not active(lint_block(block, "11-14", helplines=HELPLINES), "LETTER")
