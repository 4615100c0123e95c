"""Files a manager takes away: a report as CSV or as a spreadsheet (.xlsx), the rating
ranking as a static web page.

Pure: tables and rows in, bytes or text out; writing the file is the caller's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from typing import Any

from config.schema import CenterConfig
from manager_console.report_table import Cell, Table, ranking_rows, ranking_table
from manager_console.texts import period_text, text


def csv_bytes(table: Table) -> bytes:
    """RFC 4180 CSV with a UTF-8 byte order mark, which is what makes Excel read Vietnamese
    letters right when the file is opened with a double click."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([["" if cell is None else cell for cell in row] for row in table.rows])
    return out.getvalue().encode("utf-8-sig")


# How each kind of figure reads in the spreadsheet: as on the screen (Excel writes the
# decimal comma of a Vietnamese Windows itself). A duration is a time of day in Excel: m:ss
# under an hour, h:mm:ss above, like `qtkit.formats.duration`.
XLSX_FORMATS = {
    "count": "0",
    "duration": "[<0.0416666666666667]m:ss;[h]:mm:ss",
    "share": "0.0%",
    "score": "0.00",
}


def xlsx_bytes(table: Table, title: str, note: str = "", sheet: str = "Báo cáo") -> bytes:
    """The table as an Excel workbook: the title (with its period) on top, then `note`, then
    the headers and the rows; figures are numbers, formatted as the screen shows them."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    kinds = table.kinds or ["text"] * len(table.headers)
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    book.properties.title = title
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14, color="0B3D91")
    if note:
        ws.append([note])
        ws["A2"].font = Font(italic=True)
    ws.append([])
    ws.append(table.headers)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0B3D91")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in table.rows:
        ws.append([_xlsx_value(value, kind) for value, kind in zip(row, kinds, strict=True)])
        for cell, kind in zip(ws[ws.max_row], kinds, strict=True):
            if kind in XLSX_FORMATS:
                cell.number_format = XLSX_FORMATS[kind]
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    for index, header in enumerate(table.headers, 1):
        values = [str(header)] + [str(r[index - 1]) for r in table.rows if r[index - 1] is not None]
        width = max(len(v) for v in values) if index == 1 else max(len(str(header)) // 2 + 2, 9)
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 40)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Cell, kind: str) -> Cell:
    if value is None:
        return None
    if kind == "duration":
        return float(value) / 86400  # Excel's time is a share of a day
    return value


RATINGS_TITLE = "Kết quả đánh giá mức độ hài lòng"
UNRANKED_NOTE = "Dấu — ở cột Hạng: chưa đủ lượt đánh giá để xếp hạng."

_STYLE = """
  * { box-sizing: border-box; }
  body { margin: 0; padding: 24px; background: #f4f6f8; color: #111;
         font-family: "Segoe UI", "DejaVu Sans", Roboto, Arial, sans-serif; line-height: 1.45; }
  main { max-width: 1100px; margin: 0 auto; background: #fff; padding: 28px 32px;
         border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  .center { margin: 0; color: #0b3d91; font-weight: bold; text-transform: uppercase;
            font-size: 1.05rem; }
  h1 { margin: 6px 0 4px; font-size: 1.8rem; color: #0b3d91; }
  .period { margin: 0 0 20px; font-size: 1.1rem; }
  h2 { margin: 28px 0 10px; font-size: 1.35rem; border-bottom: 3px solid #0b3d91;
       padding-bottom: 4px; }
  table { width: 100%; border-collapse: collapse; font-size: 1rem; }
  th, td { border: 1px solid #c5ccd6; padding: 8px 10px; }
  th { background: #0b3d91; color: #fff; text-align: center; }
  td.num { text-align: right; white-space: nowrap; }
  td.rank { text-align: center; font-weight: bold; }
  td.name { font-weight: bold; }
  tbody tr:nth-child(even) { background: #f1f4f9; }
  tr.top td.rank { background: #ffd54f; }
  .empty { font-style: italic; color: #444; }
  .note, footer { margin-top: 20px; font-size: .95rem; color: #333; }
  td, h1, .center { overflow-wrap: anywhere; }
  /* A phone (390 px): each officer a card, each figure on its own line under its name. */
  @media (max-width: 640px) {
    body { padding: 0; }
    main { padding: 16px 12px; border-radius: 0; box-shadow: none; }
    h1 { font-size: 1.35rem; }
    h2 { font-size: 1.15rem; }
    table, thead, tbody, tr, td { display: block; width: 100%; }
    thead { position: absolute; left: -9999px; top: -9999px; }
    tbody tr, tbody tr:nth-child(even) { background: #fff; border: 1px solid #c5ccd6;
                                         border-radius: 6px; margin: 0 0 10px;
                                         padding: 6px 10px; }
    td { border: none; padding: 3px 0; display: flex; justify-content: space-between;
         gap: 12px; text-align: right; }
    td::before { content: attr(data-label); color: #444; text-align: left; font-weight: normal; }
    td.name { font-size: 1.1rem; text-align: left; }
    td.name::before { content: none; }
    td.rank { text-align: right; }
    tr.top td.rank { background: none; }
    tr.top { border: 2px solid #e0a800; }
    td.empty { display: block; text-align: left; }
    td.empty::before { content: none; }
  }
"""


def ratings_html(config: CenterConfig, rows: Sequence[dict[str, Any]], first: date, last: date,
                 generated_at: datetime) -> str:
    """The officers and counters ranked by satisfaction for a period, as one self-contained
    page in Vietnamese, ready to put on the center's website."""
    lang = "vi"
    center = escape(config.center.name.vi)
    period = escape(period_text(first, last, lang))
    sections = [
        _ranking_section(config, "officer", rows, text("ranking_officers", lang)),
        _ranking_section(config, "counter", rows, text("ranking_counters", lang)),
    ]
    total = sum(r.get("ratings", 0) for r in ranking_rows(rows, "counter"))
    stamp = generated_at.strftime("%H:%M ngày %d/%m/%Y")
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{RATINGS_TITLE} — {center}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<header>
<p class="center">{center}</p>
<h1>{RATINGS_TITLE}</h1>
<p class="period">Kỳ đánh giá: {period}</p>
</header>
{"".join(sections)}
<p class="note">{escape(text("ranking_rule", lang))} {escape(UNRANKED_NOTE)}</p>
<footer>Tổng số lượt đánh giá: {total}. Cập nhật lúc {stamp}.</footer>
</main>
</body>
</html>
"""


def _ranking_section(config: CenterConfig, kind: str, rows: Sequence[dict[str, Any]],
                     title: str) -> str:
    table = ranking_table(config, kind, rows, "vi")  # type: ignore[arg-type]
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    if not table.rows:
        body = (f'<tr><td class="empty" colspan="{len(table.headers)}">'
                f'{escape(text("ranking_empty", "vi"))}</td></tr>')
    else:
        body = "".join(_ranking_row(cells, table.headers) for cells in table.rows)
    return (f'<section id="{kind}s">\n<h2>{escape(title)}</h2>\n'
            f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
            "</section>\n")


def _ranking_row(cells: list[Any], headers: list[str]) -> str:
    """One row; each cell carries its column's name, which a phone shows beside it."""
    rank, name, *figures = cells
    labels = [escape(h, quote=True) for h in headers]
    top = ' class="top"' if rank == 1 else ""
    tds = [f'<td class="rank" data-label="{labels[0]}">{escape(str(rank))}</td>',
           f'<td class="name" data-label="{labels[1]}">{escape(str(name))}</td>']
    tds += [f'<td class="num" data-label="{label}">{escape(str(value))}</td>'
            for label, value in zip(labels[2:], figures, strict=True)]
    return f"<tr{top}>{''.join(tds)}</tr>\n"
