"""manage.py verify_signed_pdf: the envelope page's seal check for a file someone sends back."""

import pytest
from django.core.management import CommandError, call_command

from .conftest import sign_all


def _sealed_file(envelope, tutor, tmp_path):
    envelope = sign_all(envelope, tutor)
    path = tmp_path / "signed.pdf"
    with envelope.sealed_pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    return path


def test_an_intact_sealed_file_is_reported_intact(envelope, tutor, tmp_path, capsys):
    path = _sealed_file(envelope, tutor, tmp_path)

    call_command("verify_signed_pdf", str(path))

    assert f"{path}: intact" in capsys.readouterr().out


def test_a_changed_byte_fails_the_command(envelope, tutor, tmp_path, capsys):
    path = _sealed_file(envelope, tutor, tmp_path)
    data = bytearray(path.read_bytes())
    position = data.index(b"/Type /Page") if b"/Type /Page" in data else len(data) // 3
    data[position + 1] ^= 0x01
    path.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="1 of 1 files are not intact"):
        call_command("verify_signed_pdf", str(path))
    assert "NOT INTACT" in capsys.readouterr().out


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("verify_signed_pdf", str(tmp_path / "nothing.pdf"))
