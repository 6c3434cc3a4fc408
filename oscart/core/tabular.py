"""One writer for every table the portal exports: CSV for the reader's spreadsheet, or an XLSX workbook.

CSV: UTF-8 with a byte order mark (Excel then reads it as UTF-8), the list separator of the reader's locale
(Excel in nl, fr and de splits on ``;``, in en on ``,``), text cells quoted, and no cell able to start a
formula: Excel may split a line on another delimiter than the one written (``,`` ``;`` tab, line breaks), so
wherever a cell could start (the start of a value and after each of those characters) a formula character
(``=`` ``+`` ``-`` ``@`` tab CR, also after spaces or quotes) gets a ``'`` before it.
XLSX: a write-only workbook whose rows go to a temporary file as they are read (flat memory); text is
stored as text, never as a formula, with Excel's quote prefix where it looks like one.
"""

import csv
import io
import re
import tempfile
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import get_decimal_symbol
from flask import Response, stream_with_context
from flask_babel import get_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
BOM = "\ufeff"
CHUNK = 64 * 1024
XLSX_MAX_TEXT = 32_767  # characters Excel keeps in one cell
FORMULA_CHARACTERS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"  # and their full-width forms, read alike in some locales
DELIMITERS = ",;\t\r\n"
# A place where Excel may start a cell, followed (after spaces and quotes) by a formula character.
_FORMULA_START = re.compile(rf"(^|[{DELIMITERS}])(?=(?:[^\S\t\r\n]|\")*[{re.escape(FORMULA_CHARACTERS)}])")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(text):
    """``text`` with a ``'`` wherever a spreadsheet splitting it on any delimiter would see a formula start."""
    return _FORMULA_START.sub(r"\1'", text)


def separator(locale=None):
    """The list separator Excel uses for ``locale`` (default: the reader's): ``;`` where the decimal sign is ``,``."""
    return ";" if get_decimal_symbol(locale or get_locale() or "en") == "," else ","


def export_response(extension, filename, header, rows, *, title=None):
    """A download of one table: ``header`` (labels) and ``rows`` (sequences of text, numbers, dates or None).

    ``extension`` is ``"csv"`` or ``"xlsx"``; the file is called ``filename`` (ASCII, without extension) plus it.
    ``rows`` may be a generator: it is read while the response streams, within the request's context.
    """
    if extension == "xlsx":
        body = _xlsx_chunks(header, rows, _sheet_title(title or filename))
    else:
        extension = "csv"
        body = _csv_chunks(header, rows, separator(), get_decimal_symbol(get_locale() or "en"))
    return Response(stream_with_context(body), content_type=CONTENT_TYPES[extension],
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{extension}"'})


def _csv_cell(value, decimal):
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float | Decimal):
        return str(value).replace(".", decimal)  # quoted text in the reader's notation; Excel reads a number
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()  # Excel reads it as a date in every locale
    return neutralise(str(value))


def _csv_chunks(header, rows, delimiter, decimal):
    buffer = io.StringIO()
    # Non-numeric cells quoted: Excel keeps a quoted value whole when it splits on the same delimiter.
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([_csv_cell(label, decimal) for label in header])
    yield buffer.getvalue()  # the download starts before the first row is read
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([_csv_cell(value, decimal) for value in row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _xlsx_cell(sheet, value, font=None):
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value)
    if isinstance(value, date) and not isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    text = "" if value is None else ILLEGAL_CHARACTERS_RE.sub("", str(value))[:XLSX_MAX_TEXT]
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # openpyxl would store text starting with = as a formula
    if neutralise(text) != text:
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    if font is not None:
        cell.font = font
    return cell


def _xlsx_chunks(header, rows, title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, label, bold) for label in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk


def _sheet_title(text):
    return _SHEET_TITLE_FORBIDDEN.sub("-", str(text))[:31] or "Sheet"
