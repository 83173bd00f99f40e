"""Small but real files of every type the upload check accepts, built in memory.

The upload check parses each file as what it claims to be (aptem/uploads/checks.py), so tests
need files that open: a PDF with a page, images that decode, well-formed Office and OpenDocument
archives and an OLE2 compound file with the stream its type needs.
"""

import io
import struct
import zipfile

import pypdf
from PIL import Image

ODF_TYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
OOXML_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
OLE2_STREAM_NAMES = {"doc": "WordDocument", "xls": "Workbook", "ppt": "PowerPoint Document"}


def pdf_bytes(pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(image_format: str = "JPEG", size: tuple[int, int] = (32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=image_format)
    return buffer.getvalue()


def ooxml_bytes(extension: str = "docx") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(OOXML_PARTS[extension], '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


def opendocument_bytes(extension: str = "odt") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # The OpenDocument rule: "mimetype" first and stored uncompressed.
        archive.writestr("mimetype", ODF_TYPES[extension], zipfile.ZIP_STORED)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return buffer.getvalue()


def _directory_entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child)
        + b"\0" * 16  # CLSID
        + struct.pack("<IQQ", 0, 0, 0)  # state bits, created, modified
        + struct.pack("<IQ", start, size)
    )


def ole2_bytes(extension: str = "doc") -> bytes:
    """A version 3 compound file: one FAT sector, one directory sector, then one stream of
    4,096 bytes (the mini-stream cut-off, so it lives in ordinary sectors)."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    stream_sectors = 8
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)  # DIFAT[0]: the FAT is sector 0
        + struct.pack("<I", free) * 108
    )
    chain = [fat_sector, end, *range(3, 2 + stream_sectors), end]
    fat = struct.pack(f"<{len(chain)}I", *chain).ljust(512, b"\xff")
    directory = (
        _directory_entry("Root Entry", 5, 1, end, 0)
        + _directory_entry(OLE2_STREAM_NAMES[extension], 2, 0xFFFFFFFF, 2, 4096)
        + _directory_entry("", 0, 0xFFFFFFFF, 0, 0) * 2
    )
    return header + fat + directory + b"\x01" * 512 * stream_sectors


def valid_file(extension: str) -> bytes:
    """A file that passes every check for ``extension``."""
    if extension == "pdf":
        return pdf_bytes()
    if extension in ("jpg", "jpeg"):
        return image_bytes("JPEG")
    if extension == "png":
        return image_bytes("PNG")
    if extension in OOXML_PARTS:
        return ooxml_bytes(extension)
    if extension in ODF_TYPES:
        return opendocument_bytes(extension)
    return ole2_bytes(extension)
