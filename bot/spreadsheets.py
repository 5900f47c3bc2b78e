"""The tables organisers keep: UTF-8 CSV (comma, semicolon or tab) and Excel .xlsx, read and written."""

import csv
import datetime
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

Cell = str | int | float | datetime.date | datetime.datetime | None


class SheetError(Exception):
    """The file cannot be read as a table at all."""


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[Cell]]]]:
    """The header and the non-empty rows with their row numbers as a spreadsheet shows them (header = 1)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _read_csv(path)
    elif suffix == ".xlsx":
        rows = _read_xlsx(path)
    else:
        raise SheetError(f"{path.name}: chỉ đọc được tệp .csv (UTF-8) hoặc .xlsx")
    numbered = [(number, row) for number, row in enumerate(rows, 1) if any(_filled(c) for c in row)]
    if not numbered:
        raise SheetError(f"{path.name}: tệp trống, không có dòng tiêu đề")
    (_, header), *body = numbered
    return [str(c or "").strip() for c in header], body


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """Write a header and rows as .csv (UTF-8 with BOM, so Excel shows the marks) or .xlsx."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(rows)
    elif suffix == ".xlsx":
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        book.save(path)
    else:
        raise SheetError(f"{path.name}: chỉ ghi được tệp .csv hoặc .xlsx")


def _filled(cell: Cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _read_csv(path: Path) -> list[list[Cell]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(f"{path.name}: không phải UTF-8 (byte lỗi ở vị trí {exc.start}); "
                         "hãy lưu lại dưới dạng «CSV UTF-8»") from None
    except OSError as exc:
        raise SheetError(f"{path.name}: không đọc được tệp ({exc.strerror})") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # Excel in a Vietnamese locale often writes ";"
    try:
        return list(csv.reader(text.splitlines(), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise SheetError(f"{path.name}: CSV hỏng ({exc})") from None


def _read_xlsx(path: Path) -> list[list[Cell]]:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SheetError(f"{path.name}: không mở được tệp Excel ({exc.__class__.__name__})") from None
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
