"""Worksheets in lesson Markdown: writing space, answers for the teacher, tick tables, grids.

The syntax (documented in docs/lesson-format.md):

- a line of only `[lines: N]` or `[draw: N]` leaves room to write or draw; it joins the element
  before it (a paragraph, a list item, a heading) into one `task` that is never split across
  pages, and a list it follows continues its numbering after it;
- a line of only `[answer: text]` is the expected answer of the element before it: printed on
  the teacher's plan and in the library, never on a pupil's handout;
- a fenced block ```` ```tick Statement | Myth | Fact ```` is a table with a box to tick in each
  of the named columns for every line of its body; ```` ```grid Card | What happened? | What
  could they do? ```` is a grid of writing space with one row per line of its body.

Everything here is plain string handling on the lines markdown-it has already split: no pattern
runs on lesson text, so the cost is linear in its length.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it.token import Token

MARKER_KINDS = ("lines", "draw", "answer", "rows")
SPACE_KINDS = ("lines", "draw")
MAX_SPACE = 30  # lines or box height, in writing lines
MAX_ROWS = 60  # rows of one table or grid
MIN_COLUMNS = {"tick": 2, "grid": 2}  # the item column and at least one more
MAX_COLUMNS = 5
MAX_CELL = 600  # characters of one statement, heading or answer
GRID_LINES = 3  # a grid row's writing lines when none are given
STRUCTURES = ("tick", "grid")
TICK = "\u2713"


# Boxes sized for what a young child draws, not for a number of lines: `[draw: hand]` fits a
# 5-year-old's hand drawn round (about 12 cm long), `[draw: face]` is a roomy square,
# `[draw: faces]` two of them side by side (before and after), `[draw: squares]` a row of three
# squares (a picture for each of a short list).
DRAWING_SHAPES = {
    "hand": '<div class="draw-box draw-hand"></div>',
    "face": '<div class="draw-box draw-face"></div>',
    "faces": (
        '<div class="draw-squares draw-faces">'
        + '<div class="draw-box draw-face"></div>' * 2
        + "</div>"
    ),
    "squares": (
        '<div class="draw-squares">' + '<div class="draw-box draw-square"></div>' * 3 + "</div>"
    ),
}
SHAPE_CLASSES = frozenset(
    {"draw-box draw-hand", "draw-box draw-face", "draw-squares draw-faces", "draw-squares"}
    | {"draw-box draw-square"}
)


@dataclass
class Marker:
    """A `[kind: value]` line: writing space, an answer, or (in a grid) blank rows."""

    kind: str
    value: str

    @property
    def count(self) -> int:
        return max(1, min(int(self.value), MAX_SPACE))


def parse_marker(line: str) -> Marker | None:
    """The marker a line holds, or None: `[lines: 3]`, `[draw: 8]`, `[answer: Myth.]`."""
    text = line.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    kind, colon, value = text[1:-1].partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if not colon or kind not in MARKER_KINDS:
        return None
    shape = kind == "draw" and value.lower() in DRAWING_SHAPES
    if (
        kind != "answer"
        and not shape
        and not (value.isdigit() and value.isascii() and len(value) <= 2)
    ):
        return None
    if kind == "answer" and not value:
        return None
    return Marker(kind, value)


def marker_problem(line: str) -> str | None:
    """Why a line that looks like a marker is not one (for the linter), or None."""
    text = line.strip()
    if not text.startswith("["):
        return None
    kind, colon, value = text[1:].partition(":")
    kind = kind.strip().lower()
    if not colon or kind not in MARKER_KINDS:
        return None
    if not text.endswith("]"):
        return f"[{kind}: ...] is not closed with ]"
    value = value[:-1].strip()
    if kind == "answer":
        return None if value else "[answer: ...] needs the expected answer after the colon"
    if kind == "draw" and value.lower() in DRAWING_SHAPES:
        return None
    if not (value.isdigit() and value.isascii() and 1 <= len(value) <= 2):
        return f"[{kind}: N] needs a whole number from 1 to {MAX_SPACE}"
    if not 1 <= int(value) <= MAX_SPACE:
        return f"[{kind}: N] needs a whole number from 1 to {MAX_SPACE}"
    return None


def separate_markers(text: str) -> str:
    """Give each marker line a paragraph of its own.

    Written straight under a list item (`1. Statement` then `[answer: Myth]`), a marker would be
    read as the end of the item's paragraph; blank lines around it keep it a marker.
    """
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        if parse_marker(line) is not None:
            if out and out[-1].strip():
                out.append("")
            out.append(line)
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def without_answers(body: str) -> str:
    """The body with its answer lines blanked (same line numbers): what pupils read."""
    if "[answer:" not in body.lower():
        return body
    lines = body.split("\n")
    return "\n".join(
        "" if (m := parse_marker(line)) is not None and m.kind == "answer" else line
        for line in lines
    )


# --- Token rewriting (a markdown-it core rule) ---------------------------------------------


def _marker_token(tokens: list[Token], i: int) -> Token | None:
    """A `worksheet_marker` token for a paragraph holding only a marker, else None."""
    if not (
        tokens[i].type == "paragraph_open"
        and i + 2 < len(tokens)
        and tokens[i + 1].type == "inline"
        and tokens[i + 2].type == "paragraph_close"
    ):
        return None
    marker = parse_marker(tokens[i + 1].content)
    if marker is None or marker.kind == "rows":
        return None
    token = Token("worksheet_marker", "", 0)
    token.level, token.map, token.block = tokens[i].level, tokens[i].map, True
    token.meta = {"marker": marker}
    return token


LIST_OPENS = {"ordered_list_open": "ordered_list_close", "bullet_list_open": "bullet_list_close"}
LIST_CLOSES = set(LIST_OPENS.values())


def group_tasks(state) -> None:
    """Join each marker to the element before it, as one `task`; continue lists across them."""
    tokens: list[Token] = state.tokens
    out: list[Token] = []
    last_start: dict[int, int] = {}  # level -> index in `out` of the latest element's first token
    last_item: dict[int, int] = {}  # level of a list -> index in `out` of its latest item
    items: dict[int, int] = {}  # level of a list -> its items so far (for its numbering)
    list_open_at: dict[int, Token] = {}  # level -> the open token of the latest list
    continue_list: tuple[int, str] | None = None  # (level, close type) of a list to go on with
    i = 0
    while i < len(tokens):
        marker = _marker_token(tokens, i)
        if marker is not None:
            level = marker.level
            _attach(out, marker, last_start, last_item)
            previous = out[-1]
            if previous.type in LIST_CLOSES and previous.level == level:
                continue_list = (level, previous.type)
            i += 3
            continue
        token = tokens[i]
        i += 1
        if continue_list is not None and continue_list == (
            token.level,
            LIST_OPENS.get(token.type),
        ):
            opened = list_open_at.get(token.level)
            first = int(opened.attrGet("start") or 1) if opened is not None else 1
            start = int(token.attrGet("start") or 1)
            # "1." on every item is a common habit; any other number must follow on.
            if start in (1, first + items.get(token.level, 0)):
                out.pop()  # the previous list's close: this list goes on with it
                continue_list = None
                continue
        continue_list = None
        if token.type == "fence" and structure_kind(token.info):
            _keep_lead_in(out, last_start.get(token.level))
        if token.nesting == 1:
            for deeper in [level for level in last_start if level > token.level]:
                del last_start[deeper]  # elements of a closed container are nobody's siblings
        if token.nesting >= 0:
            last_start[token.level] = len(out)
        if token.type in LIST_OPENS:
            list_open_at[token.level] = token
            items[token.level] = 0
        elif token.type == "list_item_open":
            last_item[token.level - 1] = len(out)
            items[token.level - 1] = items.get(token.level - 1, 0) + 1
        out.append(token)
    state.tokens = out


def _keep_lead_in(out: list[Token], start: int | None) -> None:
    """Keep the paragraph that introduces a table on the table's page ("Tick one box for each.")."""
    if (
        start is not None
        and out
        and out[-1].type == "paragraph_close"
        and out[start].type == "paragraph_open"
        and out[start].level == out[-1].level
    ):
        out[start].attrSet("class", "lead-in")


def _attach(
    out: list[Token], marker: Token, last_start: dict[int, int], last_item: dict[int, int]
) -> None:
    """Add a marker to the element before it at its level (or alone, when there is none)."""
    level = marker.level
    start = last_start.get(level)
    previous = out[-1] if out else None
    if start is None or previous is None or previous.level != level or previous.nesting == 1:
        out.append(marker)
        return
    if previous.type == "worksheet_task_close":
        _insert(out, len(out) - 1, marker)
        return
    if previous.type in LIST_CLOSES:
        item = last_item.get(level)
        if item is not None and out[item].type == "list_item_open":
            out[item].attrSet("class", "task")
            marker.level = level + 2
            _insert(out, len(out) - 2, marker)  # before the item's close and the list's close
            return
    opening = Token("worksheet_task_open", "div", 1)
    closing = Token("worksheet_task_close", "div", -1)
    opening.level = closing.level = level
    out.insert(start, opening)
    out.append(marker)
    out.append(closing)


ANSWER_LOOKBACK = 4  # writing spaces an answer moves ahead of (bounded: linear time)


def _insert(out: list[Token], position: int, marker: Token) -> None:
    """Insert a marker; an answer goes before the writing space it follows.

    On the plan the answer then sits right under its question, not under the lines, where it
    would read as the answer to the next question.
    """
    if marker.meta["marker"].kind == "answer":
        for _ in range(ANSWER_LOOKBACK):
            before = out[position - 1]
            if before.type != "worksheet_marker" or before.meta["marker"].kind not in SPACE_KINDS:
                break
            position -= 1
    out.insert(position, marker)


# --- Rendering ----------------------------------------------------------------------------


def writing_space(kind: str, count: int) -> str:
    """Ruled lines to write on, or a box to draw in `count` lines tall."""
    count = max(1, min(count, MAX_SPACE))
    if kind == "draw":
        return f'<div class="draw-box draw-{count}"></div>'
    lines = '<span class="write-line"></span>' * count
    return f'<div class="write-lines">{lines}</div>'


def answer_html(html: str) -> str:
    return f'<p class="answer"><strong>Answer:</strong> {html}</p>'


def render_marker(marker: Marker, env: dict, inline) -> str:
    if marker.kind == "answer":
        return answer_html(inline(marker.value)) + "\n" if env.get("answers") else ""
    if marker.kind == "draw" and marker.value.lower() in DRAWING_SHAPES:
        return DRAWING_SHAPES[marker.value.lower()] + "\n"
    return writing_space(marker.kind, marker.count) + "\n"


@dataclass
class Row:
    text: str
    line: int  # 0-based line of the fence body
    lines: int = 0  # writing lines asked for ([lines: N]); 0 for the default
    answers: list[str] = field(default_factory=list)
    answer_lines: list[int] = field(default_factory=list)
    blank: bool = False  # a [rows: N] row: every cell is space to write


@dataclass
class Structure:
    kind: str
    columns: list[str]
    rows: list[Row]
    problems: list[tuple[int, str]]  # (0-based line of the fence body, or -1 for the fence line)


def item_text(line: str) -> str:
    """A row's text without a number or bullet the author typed (the table numbers its rows)."""
    text = line.strip()
    if text[:1] in "-*+" and text[1:2] == " ":
        return text[2:].strip()
    digits = len(text) - len(text.lstrip("0123456789"))
    marker, space = text[digits : digits + 1], text[digits + 1 : digits + 2]
    if 0 < digits <= 3 and marker in (".", ")") and space == " ":
        return text[digits + 2 :].strip()
    return text


def structure_kind(info: str) -> str | None:
    word = info.strip().split(" ", 1)[0].lower()
    return word if word in STRUCTURES else None


def parse_structure(info: str, body: str) -> Structure:
    """Read a ```tick or ```grid fence: its columns from the info line, a row per body line."""
    kind, _, heading = info.strip().partition(" ")
    kind = kind.lower()
    problems: list[tuple[int, str]] = []
    columns = [c.strip() for c in heading.split("|")] if heading.strip() else []
    if len(columns) < MIN_COLUMNS[kind] or len(columns) > MAX_COLUMNS:
        problems.append(
            (
                -1,
                f"```{kind} needs {MIN_COLUMNS[kind]} to {MAX_COLUMNS} column headings after "
                f"it, separated by |, e.g. ```tick Statement | Myth | Fact",
            ),
        )
    if any(not c for c in columns):
        problems.append((-1, f"```{kind} has an empty column heading (two | together?)"))
    if any(len(c) > MAX_CELL for c in columns):
        problems.append((-1, f"a column heading is longer than {MAX_CELL} characters"))
    rows: list[Row] = []
    for number, line in enumerate(body.split("\n")):
        if not line.strip():
            continue
        problem = marker_problem(line)
        if problem:
            problems.append((number, problem))
            continue
        marker = parse_marker(line)
        if marker is None:
            if len(line) > MAX_CELL:
                problems.append((number, f"a row is longer than {MAX_CELL} characters"))
            rows.append(Row(item_text(line), number))
        elif marker.kind == "rows":
            if kind != "grid":
                problems.append((number, "[rows: N] belongs in a ```grid"))
                continue
            count = min(marker.count, MAX_ROWS + 1 - len(rows))  # no more than will print
            rows.extend(Row("", number, blank=True) for _ in range(max(count, 0)))
        elif not rows:
            problems.append((number, f"[{marker.kind}: ...] comes before any row"))
        elif marker.kind == "answer":
            rows[-1].answers.append(marker.value)
            rows[-1].answer_lines.append(number)
        elif marker.kind == "draw":
            problems.append((number, "[draw: N] is not used in a table; use [lines: N]"))
        else:
            last = rows[-1]
            for row in reversed(rows):  # the row before, or every row of a [rows: N]
                if row is not last and not (row.blank and last.blank and row.line == last.line):
                    break
                row.lines = marker.count
    if not rows:
        problems.append((-1, f"```{kind} has no rows: write one statement or label a line"))
    if len(rows) > MAX_ROWS:
        problems.append((-1, f"```{kind} has more than {MAX_ROWS} rows; split it"))
    if kind == "tick" and len(columns) > 2:
        names = [c.lower() for c in columns[1:]]
        for row in rows:
            for answer, line in zip(row.answers, row.answer_lines, strict=True):
                if ticked_column(answer, names) is None:
                    problems.append(
                        (
                            line,
                            "the answer should start with the column to tick ("
                            + " / ".join(columns[1:])
                            + ")",
                        ),
                    )
    return Structure(kind, columns, rows[:MAX_ROWS], problems)


def ticked_column(answer: str, names: list[str]) -> int | None:
    """Which column an answer ticks: the one whose name it starts with (`Myth. That is...`)."""
    lowered = answer.lower().lstrip("*_ ")
    for index, name in enumerate(names):
        if lowered.startswith(name) and not lowered[len(name) : len(name) + 1].isalnum():
            return index
    return None


def render_structure(info: str, body: str, env: dict, inline) -> str:
    """A tick table or a writing grid as HTML (cells rendered by `inline`, which sanitises)."""
    structure = parse_structure(info, body)
    columns = (structure.columns + ["", ""])[: max(2, len(structure.columns))][:MAX_COLUMNS]
    answers = bool(env.get("answers"))
    head = "".join(f"<th>{inline(c)}</th>" for c in columns)
    body_rows = []
    if structure.kind == "tick":
        names = [c.lower() for c in columns[1:]]
        for number, row in enumerate(structure.rows, 1):
            ticked = None
            cells = [f"<td>{number}. {inline(row.text)}"]
            if answers:
                cells.extend(answer_html(inline(a)) for a in row.answers)
                ticked = next(
                    (c for a in row.answers if (c := ticked_column(a, names)) is not None), None
                )
            if row.lines:
                cells.append(writing_space("lines", row.lines))
            cells.append("</td>")
            for index in range(len(columns) - 1):
                mark = TICK if index == ticked else ""
                cells.append(f'<td class="tick-cell"><span class="tick-box">{mark}</span></td>')
            body_rows.append("<tr>" + "".join(cells) + "</tr>")
        table_class = f"tick-table tick-{len(columns) - 1}"
    else:
        for row in structure.rows:
            lines = row.lines or GRID_LINES
            space = writing_space("lines", lines)
            first = space if row.blank else str(inline(row.text))
            if answers and row.answers:
                first += "".join(answer_html(inline(a)) for a in row.answers)
            cells = [f"<td>{first}</td>"] + [f"<td>{space}</td>"] * (len(columns) - 1)
            body_rows.append("<tr>" + "".join(cells) + "</tr>")
        table_class = f"grid-table grid-{len(columns)}"
    return (
        f'<table class="{table_class}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body_rows)}</tbody></table>\n"
    )


def install(parser, inline: Callable[[str], str]) -> None:
    """Teach a markdown-it parser the worksheet syntax; `inline` renders and sanitises a cell."""
    parser.core.ruler.push("worksheet_tasks", group_tasks)
    parser.add_render_rule("worksheet_task_open", lambda self, t, i, o, e: '<div class="task">\n')
    parser.add_render_rule("worksheet_task_close", lambda self, t, i, o, e: "</div>\n")
    parser.add_render_rule(
        "worksheet_marker", lambda self, t, i, o, e: render_marker(t[i].meta["marker"], e, inline)
    )
    code_fence = parser.renderer.rules["fence"]

    def fence(self, tokens, idx, options, env):
        token = tokens[idx]
        if structure_kind(token.info):
            return render_structure(token.info, token.content, env, inline)
        return code_fence(tokens, idx, options, env)

    parser.add_render_rule("fence", fence)
