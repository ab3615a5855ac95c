"""`ingest_mail` on .eml files, folders and mbox files, with the contract's output."""

import mailbox

import pytest
from django.core.management import CommandError, call_command

from requests_box.models import Request
from tests.requests_box.mails import build_mail

pytestmark = pytest.mark.django_db


def run(*paths, capsys) -> list[str]:
    call_command("ingest_mail", *map(str, paths))
    return capsys.readouterr().out.splitlines()


def test_ingest_mail_reads_files_folders_recursively_and_mboxes(tmp_path, capsys, user_a):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.eml").write_bytes(build_mail(subject="fichier a"))
    (tmp_path / "sub" / "b.eml").write_bytes(build_mail(subject="fichier b"))
    box = mailbox.mbox(str(tmp_path / "old.mbox"))
    for n in range(3):
        box.add(build_mail(subject=f"archive {n}"))
    box.flush()
    box.close()
    lines = run(tmp_path, capsys=capsys)
    assert len(lines) == 6 and lines[-1] == (
        "summary: 5 messages, 5 created, 0 replies, 0 duplicates, 0 ignored, 0 quarantined"
    )
    sources = [line.split(": ")[0] for line in lines[:-1]]
    assert sources == [
        str(tmp_path / "a.eml"),
        f"{tmp_path / 'old.mbox'}#1",
        f"{tmp_path / 'old.mbox'}#2",
        f"{tmp_path / 'old.mbox'}#3",
        str(tmp_path / "sub" / "b.eml"),
    ]
    assert Request.objects.count() == 5


def test_every_outcome_is_printed_and_counted(tmp_path, capsys, user_a):
    first = tmp_path / "1.eml"
    first.write_bytes(build_mail(subject="nouvelle", message_id="<n1@x>"))
    lines = run(first, capsys=capsys)
    reference = Request.objects.get().reference
    (tmp_path / "2.eml").write_bytes(build_mail(subject=f"RE: [{reference}] nouvelle"))
    (tmp_path / "3.eml").write_bytes(build_mail(headers={"X-Autoreply": "yes"}))
    (tmp_path / "4.eml").write_bytes(b"From: a@b.fr\r\n\r\n")
    lines = run(first, tmp_path / "2.eml", tmp_path / "3.eml", tmp_path / "4.eml", capsys=capsys)
    assert lines == [
        f"{first}: duplicate {reference}",
        f"{tmp_path / '2.eml'}: reply {reference}",
        f"{tmp_path / '3.eml'}: ignored auto-reply",
        f"{tmp_path / '4.eml'}: quarantined empty message",
        "summary: 4 messages, 0 created, 1 replies, 1 duplicates, 1 ignored, 1 quarantined",
    ]


def test_a_missing_source_exits_1_after_doing_the_rest(tmp_path, capsys):
    (tmp_path / "ok.eml").write_bytes(build_mail())
    with pytest.raises(CommandError) as failure:
        call_command("ingest_mail", str(tmp_path / "missing.eml"), str(tmp_path / "ok.eml"))
    assert failure.value.returncode == 1
    assert capsys.readouterr().out.splitlines()[-1].startswith("summary: 1 messages, 1 created")


def test_replaying_a_folder_gives_only_duplicates(tmp_path, capsys, user_a):
    (tmp_path / "a.eml").write_bytes(build_mail(subject="a"))
    (tmp_path / "b.eml").write_bytes(build_mail(message_id=None, subject="b"))
    (tmp_path / "c.eml").write_bytes(build_mail(headers={"Precedence": "list"}))
    (tmp_path / "d.eml").write_bytes(b"From: x@y.fr\r\n\r\n")
    assert run(tmp_path, capsys=capsys)[-1] == (
        "summary: 4 messages, 2 created, 0 replies, 0 duplicates, 1 ignored, 1 quarantined"
    )
    assert run(tmp_path, capsys=capsys)[-1] == (
        "summary: 4 messages, 0 created, 0 replies, 4 duplicates, 0 ignored, 0 quarantined"
    )
    assert Request.objects.count() == 2
