"""Reading a people file: CSV (any of , ; tab |, UTF-8 with or without BOM, UTF-16 or Windows-1252) or XLSX.

Every cell becomes the text the file holds: a cell that looks like a formula stays that text (an XLSX formula
is read as written, never evaluated), numbers lose Excel's ``.0``, dates read as ``YYYY-MM-DD``.
"""

import csv
import io
import zipfile
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from oscart.core.exceptions import RuleViolation

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 50
MAX_CELL = 500  # characters kept of one cell; every field the import reads is shorter
CSV_DELIMITERS = ",;\t|"
EXTENSIONS = ("csv", "txt", "xlsx")

TOO_LARGE = _l("The file is larger than 10 MB. Split it into several files.")
WRONG_TYPE = _l("Choose a CSV file or an Excel workbook (.xlsx). Save an older .xls workbook as .xlsx first.")
MALFORMED = _l("This file cannot be read. Save it again as CSV or as an Excel workbook (.xlsx) and upload that.")
EMPTY = _l("The file holds no people: a first line with column names and at least one line below it are needed.")
TOO_MANY = _l("The file holds more than 10,000 people. Split it into several files.")


def read_people_file(filename, data):
    """(header, rows) of an uploaded file: lists of text; RuleViolation (field "file") when it cannot be."""
    if len(data) > MAX_BYTES:
        raise RuleViolation(TOO_LARGE, "file")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS:
        raise RuleViolation(WRONG_TYPE, "file")
    is_zip = data[:4] == b"PK\x03\x04"
    if extension == "xlsx" or is_zip:
        if not is_zip:
            raise RuleViolation(MALFORMED, "file")
        table = _read_xlsx(data)
    else:
        table = _read_csv(data)
    return _tidy(table)


def decode(data):
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 as Excel writes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # the five bytes Windows-1252 leaves undefined


def sniff_delimiter(text):
    """The delimiter among , ; tab | that splits the first lines into the most, equally many, columns."""
    lines = text.splitlines()[:20]
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if not counts:
            continue
        score = (sum(count == counts[0] for count in counts), counts[0]) if counts[0] > 1 else (0, 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data):
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RuleViolation(WRONG_TYPE, "file")  # a binary file renamed .csv
    try:
        text = decode(data)
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
    except (csv.Error, UnicodeError):
        raise RuleViolation(MALFORMED, "file") from None


def _read_xlsx(data):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise RuleViolation(MALFORMED, "file") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise RuleViolation(EMPTY, "file")
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append([_xlsx_text(value) for value in row[:MAX_COLUMNS]])
            if len(table) > MAX_ROWS + 1:
                break
        return table
    finally:
        workbook.close()


def _xlsx_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an employee number typed as 1234 reads 1234.0
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _tidy(table):
    rows = [[cell.strip()[:MAX_CELL] for cell in row[:MAX_COLUMNS]] for row in table]
    rows = [row for row in rows if any(row)]  # blank lines, and the empty rows a spreadsheet keeps formatted
    if len(rows) < 2:
        raise RuleViolation(EMPTY, "file")
    if len(rows) > MAX_ROWS + 1:
        raise RuleViolation(TOO_MANY, "file")
    header, body = rows[0], rows[1:]
    width = max(len(row) for row in rows)
    header += [""] * (width - len(header))
    return header, [row + [""] * (width - len(row)) for row in body]
