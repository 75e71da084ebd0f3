"""Why a file could not be read or written, in the user's language (the system's own text is English)."""

from __future__ import annotations

import errno

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate


def describe_file_error(error: BaseException) -> str:
    """A short reason for a failed file operation; the technical name, if any, only in brackets."""
    number = error.errno if isinstance(error, OSError) else None
    if number == errno.ENOENT:
        return translate("FileErrors", "the file or its folder doesn't exist")
    if number in (errno.EACCES, errno.EPERM, errno.EROFS):
        return translate("FileErrors", "access was denied")
    if number == errno.ENOSPC:
        return translate("FileErrors", "the disk is full")
    if number == errno.EISDIR:
        return translate("FileErrors", "that is a folder, not a file")
    if number is not None:
        kind = errno.errorcode.get(number, str(number))
        return translate("FileErrors", "the system reported an error ({kind})").format(kind=kind)
    return translate("FileErrors", "an unexpected error ({kind})").format(kind=type(error).__name__)
