"""The text of a CSV file an official uploads instead of pasting lines (skaters, start lists)."""

from django.core.exceptions import ValidationError


def uploaded_text(upload, largest, what):
    """The file's text; ValidationError saying why when it is too large (`largest` bytes) to be
    `what` ("a list of skaters") or is no text at all."""
    if upload.size > largest:
        raise ValidationError(f"The file is too large ({upload.size:,} bytes) to be {what}.", code="large")
    content = upload.read()
    for encoding in ("utf-8-sig", "cp1252"):  # spreadsheets on Windows save CSV as cp1252
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ValidationError(
        "The file is not a text (CSV) file: save the spreadsheet as CSV and upload that.", code="encoding"
    )
