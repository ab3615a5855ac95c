"""The directory sync from an HR export (`directory_sync.csv`, IMPORT.md)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts.models import DirectorySyncRun
from directory.models import Contact, Directorate, Entity

pytestmark = pytest.mark.django_db

HEADER = (
    "employee_id,email,first_name,last_name,directorate_code,directorate_name,"
    "entity_name,entity_code,job_title,manager_id,status\n"
)
ROWS = [
    "E001,bernard.dupont@groupe-aurelia.fr,Bernard,Dupont,DFIN,Direction Financière,"
    "Contrôle de gestion,DFIN-CG,Directeur financier,,active\n",
    "E002,Alice.Martin@groupe-aurelia.fr,Alice,Martin,DFIN,Direction Financière,"
    "Comptabilité,DFIN-COMPTA,Comptable,E001,\n",
    "E003,chloe.rousseau@groupe-aurelia.fr,Chloé,Rousseau,DCOM,Direction Commerciale,"
    "Ventes Grands Comptes,DCOM-GC,,E001,active\n",
]


def write(tmp_path, rows, header=HEADER, name="directory_sync.csv"):
    path = tmp_path / name
    path.write_text("\ufeff" + header + "".join(rows), encoding="utf-8")  # Excel's BOM is accepted
    return path


def run(path, *extra):
    call_command("sync_directory", "--csv", str(path), "--quiet", *extra)
    return DirectorySyncRun.objects.order_by("-pk").first()


def test_an_hr_export_builds_the_directory(tmp_path):
    sync_run = run(write(tmp_path, ROWS))

    assert sync_run.source == "csv" and sync_run.status == "completed"
    assert dict(Directorate.objects.values_list("code", "name")) == {
        "DFIN": "Direction Financière",
        "DCOM": "Direction Commerciale",
    }
    assert set(Entity.objects.values_list("code", flat=True)) == {"DFIN-CG", "DFIN-COMPTA", "DCOM-GC"}
    alice = Contact.objects.get(email="alice.martin@groupe-aurelia.fr")
    assert alice.entity.code == "DFIN-COMPTA" and alice.job_title == "Comptable"
    assert alice.directory_record.manager.last_name == "Dupont"
    assert sync_run.counts["contact_created"] == 3


def test_an_entity_found_by_code_follows_the_export(tmp_path, directorate_a):
    Entity.objects.create(code="DFIN-COMPTA", name="Compta", directorate=directorate_a, client_type="metier")

    sync_run = run(write(tmp_path, ROWS))

    entity = Entity.objects.get(code="DFIN-COMPTA")
    assert (entity.name, entity.directorate.code) == ("Comptabilité", "DFIN")
    change = next(c for c in sync_run.changes if c["kind"] == "entity_updated")
    assert change["fields"] == {"name": ["Compta", "Comptabilité"], "directorate": ["DCOM", "DFIN"]}


def test_status_left_deactivates_and_a_missing_row_does_too(tmp_path):
    run(write(tmp_path, ROWS))
    alice = Contact.objects.get(email="alice.martin@groupe-aurelia.fr")
    alice.user = User.objects.create_user("amartin", alice.email)
    alice.save()

    rows = [ROWS[0], ROWS[1].replace(",E001,\n", ",E001,left\n")]  # Chloé's row is gone too
    sync_run = run(write(tmp_path, rows))

    assert sync_run.counts["contact_deactivated"] == 2
    assert set(Contact.objects.filter(is_active=False).values_list("last_name", flat=True)) == {
        "Martin",
        "Rousseau",
    }
    assert not User.objects.get(username="amartin").is_active


def test_without_the_job_title_column_hand_entered_titles_stay(tmp_path):
    run(write(tmp_path, ROWS))
    Contact.objects.filter(last_name="Rousseau").update(job_title="Chargée d'affaires")
    header = HEADER.replace(",job_title", "")
    rows = [",".join(p for i, p in enumerate(row.split(",")) if i != 8) for row in ROWS]

    sync_run = run(write(tmp_path, rows, header))

    assert Contact.objects.get(last_name="Rousseau").job_title == "Chargée d'affaires"
    assert sync_run.changes_total == 0


def test_an_invalid_export_writes_nothing_and_lists_every_bad_row(tmp_path, capsys):
    rows = [
        ROWS[0],
        "E002,pas-une-adresse,Alice,Martin,DFIN,Direction Financière,Comptabilité,DFIN-COMPTA,,,\n",
        "E001,autre@groupe-aurelia.fr,Autre,Personne,DFIN,Direction Financière,,X,,,parti\n",
    ]

    with pytest.raises(SystemExit) as exit_:
        call_command("sync_directory", "--csv", str(write(tmp_path, rows)))

    assert exit_.value.code == 1
    err = capsys.readouterr().err.splitlines()
    assert "directory_sync.csv:3: email: not an e-mail address" in err
    assert "directory_sync.csv:4: entity_name: required" in err
    assert "directory_sync.csv:4: status: must be active or left" in err
    assert "directory_sync.csv:4: employee_id: same as line 2" in err
    assert not Contact.objects.exists() and not DirectorySyncRun.objects.exists()


def test_unknown_or_missing_columns_are_refused(tmp_path, capsys):
    header = HEADER.replace("entity_name", "service").replace("employee_id,", "")
    with pytest.raises(SystemExit):
        call_command("sync_directory", "--csv", str(write(tmp_path, [], header)))

    err = capsys.readouterr().err
    assert "directory_sync.csv:1: employee_id: missing column" in err
    assert "directory_sync.csv:1: service: unknown column" in err
