"""The page frame both reports share: A4, the fonts, a footer with the generation time and
"page n of N", headings, label/value lines, outcome tags and tables. Every string drawn goes
through `Glyphs.text` (fonts.py), so no character is dropped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fpdf import FPDF

from .fonts import FontFiles, Glyphs
from .words import Words

INK = (33, 33, 33)
MUTED = (97, 97, 97)
ACCENT = (21, 101, 192)
PASS = (46, 125, 50)
FAIL = (198, 40, 40)
NA = (117, 117, 117)
RULE = (200, 200, 200)
HEAD_FILL = (227, 236, 248)
OUTCOME_COLOURS = {"pass": PASS, "fail": FAIL, "na": NA}
MARGIN = 15.0


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


class ReportPDF(FPDF):
    def __init__(self, words: Words, fonts: FontFiles, generated_at: dt.datetime, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.words = words
        self.generated_at = generated_at
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + 6)
        self.glyphs = Glyphs(self, fonts)
        self.set_title(self.glyphs.text(title))
        self.set_lang("zh-CN" if words.chinese else "en")
        self.set_creator("Field Audit")
        self.set_creation_date(generated_at)
        self.set_text_color(*INK)

    # --- text -------------------------------------------------------------------------------

    def t(self, text: str) -> str:
        return self.glyphs.text(text)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(size=8)
        self.set_text_color(*MUTED)
        text = self.words("pdf.footer", time=utc_text(self.generated_at), page=self.page_no(),
                          pages="{nb}")
        self.cell(0, 5, self.t(text), align="C")
        self.set_text_color(*INK)

    def heading(self, text: str, size: float = 14, colour: tuple[int, int, int] = ACCENT,
                gap: float = 2) -> None:
        """A heading in faux bold (fill and stroke): the subset has one weight."""
        self.ensure_space(size * 0.9)
        self.set_font(size=size)
        self.set_text_color(*colour)
        with self.local_context(text_mode="FILL_STROKE", line_width=size / 80, draw_color=colour):
            self.multi_cell(0, size * 0.5, self.t(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.set_font(size=10)
        self.ln(gap)

    def para(self, text: str, size: float = 10, colour: tuple[int, int, int] = INK,
             width: float = 0, height: float | None = None) -> None:
        self.set_font(size=size)
        self.set_text_color(*colour)
        self.multi_cell(width, height or size * 0.5, self.t(text), align="L",
                        new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def bullet(self, text: str, size: float = 10, colour: tuple[int, int, int] = INK) -> None:
        """A "•" line whose wrapped lines start under its text, not under the bullet."""
        line = size * 0.5
        self.ensure_space(line)  # the bullet and its first line on one page
        self.set_font(size=size)
        self.set_text_color(*colour)
        self.set_x(self.l_margin)
        self.cell(self.get_string_width("• ") + 0.6, line, "•")
        self.multi_cell(0, line, self.t(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def fields(self, rows: Sequence[tuple[str, str]], label_width: float = 34) -> None:
        """Label/value lines, the value wrapping beside its label."""
        for label, value in rows:
            self.ensure_space(6)
            self.set_font(size=9)
            self.set_text_color(*MUTED)
            self.cell(label_width, 5.5, self.t(label))
            self.set_text_color(*INK)
            self.set_font(size=10)
            self.multi_cell(0, 5.5, self.t(value), align="L", new_x="LMARGIN", new_y="NEXT")

    def tag(self, text: str, colour: tuple[int, int, int], height: float = 5) -> None:
        """A filled label (an outcome) at the current position; the position moves past it."""
        self.set_font(size=8.5)
        label = self.t(text)
        width = self.get_string_width(label) + 4
        self.set_fill_color(*colour)
        self.set_text_color(255, 255, 255)
        self.cell(width, height, label, fill=True, align="C")
        self.set_text_color(*INK)
        self.set_x(self.get_x() + 2)

    def rule(self) -> None:
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())

    def ensure_space(self, height: float) -> None:
        if self.will_page_break(height):
            self.add_page()

    def table_rows(self, headings: Sequence[str], rows: Sequence[Sequence[str]],
                   widths: Sequence[float], size: float = 8.5,
                   colours: Sequence[tuple[int, int, int] | None] | None = None) -> None:
        """A table with a shaded heading row (repeated after a page break) and horizontal rules;
        `widths` are relative; `colours` tints a row's text (e.g. red below target).

        Drawn with cells rather than fpdf2's `table()`: that line-breaks every cell twice and was
        60 % of a scorecard's time; here only a cell too wide for its column is line-broken."""
        total = sum(widths)
        columns = [self.epw * w / total for w in widths]
        line = size * 0.48
        pad = 1.2

        def cell_lines(text: str, width: float) -> list[str]:
            if self.get_string_width(text) <= width - 2 * pad:
                return [text]
            return self.multi_cell(width - 2 * pad, line, text, dry_run=True, output="LINES")

        def draw_row(texts: Sequence[str], colour: tuple[int, int, int], fill: bool) -> None:
            self.set_font(size=size)
            split = [cell_lines(self.t(text), width) for text, width in zip(texts, columns, strict=True)]
            height = max(len(lines) for lines in split) * line + 2 * pad
            if self.will_page_break(height):
                self.add_page()
                if not fill:
                    draw_row(headings, ACCENT, True)
            y = self.get_y()
            if fill:
                self.set_fill_color(*HEAD_FILL)
                self.rect(self.l_margin, y, self.epw, height, style="F")
            self.set_text_color(*colour)
            x = self.l_margin
            for lines, width in zip(split, columns, strict=True):
                for n, text in enumerate(lines):
                    self.set_xy(x + pad, y + pad + n * line)
                    self.cell(width - 2 * pad, line, text)
                x += width
            self.set_draw_color(*RULE)
            self.set_line_width(0.2)
            self.line(self.l_margin, y + height, self.l_margin + self.epw, y + height)
            self.set_xy(self.l_margin, y + height)

        draw_row(headings, ACCENT, True)
        for n, values in enumerate(rows):
            draw_row(values, (colours[n] if colours is not None else None) or INK, False)
        self.set_text_color(*INK)
        self.ln(2)
