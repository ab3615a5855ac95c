"""The directory sync against a real slapd: create, update, deactivate, never delete, idempotent."""

import datetime as dt

import ldap
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts.models import DirectoryRecord, DirectorySyncRun
from accounts.sync.engine import run_sync
from accounts.sync.ldap_source import LdapSource
from committees.models import Interaction, InteractionKind
from directory.models import ClientType, Contact, ContactRole, Directorate, Entity
from tests.ldapserver import PEOPLE_DN, Person, guid_text, modlist, person_entry

pytestmark = pytest.mark.django_db


def sync(**kwargs) -> DirectorySyncRun:
    return run_sync(LdapSource(), **kwargs)


def contact(login_email: str) -> Contact:
    return Contact.objects.select_related("entity__directorate").get(email=login_email)


ALICE = "alice.martin@groupe-aurelia.fr"
BERNARD = "bernard.dupont@groupe-aurelia.fr"


def test_first_sync_builds_directorates_entities_and_contacts_from_the_tree(ldap_on):
    run = sync()

    assert run.status == "completed" and not run.dry_run
    assert dict(Directorate.objects.values_list("code", "name")) == {
        "DFIN": "Direction Financière",
        "DCOM": "Direction Commerciale",
        "DSI": "Direction des Systèmes d'Information",
    }
    alice = contact(ALICE)
    assert (alice.first_name, alice.last_name, alice.job_title, alice.phone) == (
        "Alice",
        "Martin",
        "Comptable",
        "+33 1 40 00 00 02",
    )
    assert (alice.entity.name, alice.entity.directorate.code) == ("Comptabilité", "DFIN")
    assert alice.entity.client_type == ClientType.METIER  # the RRC classifies new entities later
    record = alice.directory_record
    assert record.external_id == guid_text("amartin") and record.username == "amartin"
    assert record.manager == contact(BERNARD)
    # Paul is disabled in the directory and unknown to the portal: nobody to create.
    assert not Contact.objects.filter(last_name="Léger").exists()
    assert run.counts["contact_created"] == 7
    assert run.counts["directorate_created"] == 3
    assert run.counts["entity_created"] == Entity.objects.count() == 7
    assert run.changes_total == len(run.changes) == 3 + 7 + 7


def test_a_second_sync_changes_nothing(ldap_on):
    sync()
    before = list(Contact.objects.order_by("pk").values())

    run = sync()

    assert run.changes_total == 0 and run.counts["unchanged"] == 7
    assert list(Contact.objects.order_by("pk").values()) == before


def test_dry_run_reports_the_changes_and_writes_nothing(ldap_on, capsys):
    call_command("sync_directory", "--dry-run")

    out = capsys.readouterr().out
    assert "Interlocuteur créé : Alice Martin <alice.martin@groupe-aurelia.fr>, Comptabilité" in out
    assert "Direction créée : Direction Financière (DFIN)" in out
    assert out.splitlines()[-1].startswith("Simulation, rien n’a été écrit : 3 directions créées")
    assert not Contact.objects.exists() and not Directorate.objects.exists()
    run = DirectorySyncRun.objects.get()
    assert run.dry_run and run.counts["contact_created"] == 7


def test_changes_in_the_directory_are_reported_and_applied(ldap_on):
    sync()
    conn = ldap_on.admin()
    alice_dn = "cn=Alice Martin,ou=DFIN,ou=people,dc=aurelia,dc=test"
    conn.modify_s(
        alice_dn,
        [
            (ldap.MOD_REPLACE, "department", ["Trésorerie".encode()]),
            (ldap.MOD_REPLACE, "title", ["Trésorière".encode()]),
            (ldap.MOD_DELETE, "manager", None),
        ],
    )

    run = sync()

    alice = contact(ALICE)
    assert (alice.entity.name, alice.job_title) == ("Trésorerie", "Trésorière")
    assert alice.directory_record.manager is None
    assert run.counts["contact_updated"] == 1 and run.counts["entity_created"] == 1
    change = next(c for c in run.changes if c["kind"] == "contact_updated")
    assert change["fields"]["entity"] == ["Comptabilité", "Trésorerie"]
    assert change["fields"]["manager"] == ["bernard dupont", ""]


def test_fields_the_sync_does_not_own_keep_hand_edits(ldap_on, settings):
    settings.DIRECTORY_SYNC_ATTRIBUTES = "phone="  # the portal keeps phone numbers itself
    sync()
    alice = contact(ALICE)
    alice.role = ContactRole.DECIDEUR
    alice.is_correspondent = True
    alice.phone = "+33 6 00 00 00 00"
    alice.job_title = "Titre saisi à la main"
    alice.save()

    sync()

    alice.refresh_from_db()
    assert alice.role == ContactRole.DECIDEUR and alice.is_correspondent
    assert alice.phone == "+33 6 00 00 00 00"
    assert alice.job_title == "Comptable"  # owned by the directory: put back


def test_an_existing_contact_is_adopted_not_duplicated(ldap_on, entity_a):
    known = Contact.objects.create(
        email="Alice.Martin@groupe-aurelia.fr", first_name="Alice", last_name="Martin", entity=entity_a
    )

    run = sync()

    assert Contact.objects.filter(email__iexact=ALICE).count() == 1
    known.refresh_from_db()
    assert known.directory_record.external_id == guid_text("amartin")
    assert known.entity.name == "Comptabilité"
    assert run.counts["contact_adopted"] == 1 and run.counts["contact_created"] == 6


def test_people_who_left_are_deactivated_never_deleted(ldap_on):
    sync()
    alice = contact(ALICE)
    user = User.objects.create_user("amartin", ALICE)
    alice.user = user
    alice.save()
    Interaction.objects.create(date=dt.date(2026, 11, 3), kind=InteractionKind.VISITE, contact=alice)
    ldap_on.admin().delete_s("cn=Alice Martin,ou=DFIN,ou=people,dc=aurelia,dc=test")

    run = sync()

    alice.refresh_from_db()
    user.refresh_from_db()
    assert not alice.is_active and not user.is_active
    assert alice.interactions.count() == 1  # their history stays
    assert run.counts["contact_deactivated"] == 1
    assert any(c["kind"] == "contact_deactivated" and ALICE in c["who"] for c in run.changes)


def test_disabled_accounts_are_deactivated_and_come_back_when_enabled(ldap_on):
    sync()
    bernard_dn = "cn=Bernard Dupont,ou=DFIN,ou=people,dc=aurelia,dc=test"
    conn = ldap_on.admin()
    conn.modify_s(bernard_dn, [(ldap.MOD_REPLACE, "userAccountControl", [b"514"])])
    sync()
    assert not contact(BERNARD).is_active

    conn.modify_s(bernard_dn, [(ldap.MOD_REPLACE, "userAccountControl", [b"512"])])
    run = sync()

    assert contact(BERNARD).is_active
    assert run.counts["contact_reactivated"] == 1


def test_a_contact_deactivated_by_hand_stays_deactivated(ldap_on):
    sync()
    Contact.objects.filter(email=BERNARD).update(is_active=False)

    sync()

    assert not contact(BERNARD).is_active


def test_contacts_entered_by_hand_are_never_deactivated(ldap_on, entity_a):
    outside = Contact.objects.create(
        email="client@externe.fr", first_name="Cli", last_name="Ent", entity=entity_a
    )

    sync()

    outside.refresh_from_db()
    assert outside.is_active and not DirectoryRecord.objects.filter(contact=outside).exists()


def test_a_wrong_search_base_does_not_deactivate_everyone(ldap_on, settings):
    conn = ldap_on.admin()
    for n in range(12):  # more people than the guard's floor
        person = Person(f"p{n}", "Per", f"Sonne{n}", "DSI", "Support")
        conn.add_s(person.dn, modlist(person_entry(person)))
    sync()
    settings.LDAP_SYNC_BASE = f"ou=DFIN,{PEOPLE_DN}"  # a mistake: most people are elsewhere

    run = sync()

    assert run.counts["contact_deactivated"] == 0
    assert "nul n’a été désactivé" in run.error
    assert Contact.objects.filter(is_active=False).count() == 0
    run = sync(allow_mass_deactivation=True)
    assert run.counts["contact_deactivated"] == Contact.objects.filter(is_active=False).count() == 17


class _Interrupted(Exception):
    pass


def test_an_interrupted_sync_leaves_the_directory_consistent_and_a_rerun_finishes(ldap_on, monkeypatch):
    sync()
    ldap_on.admin().delete_s("cn=Alice Martin,ou=DFIN,ou=people,dc=aurelia,dc=test")
    real_people = LdapSource.people

    def cut_after_four(self):
        for n, person in enumerate(real_people(self)):
            if n == 4:
                raise _Interrupted("connection lost")
            yield person

    monkeypatch.setattr(LdapSource, "people", cut_after_four)
    with pytest.raises(_Interrupted):
        run_sync(LdapSource(), batch_size=2)

    run = DirectorySyncRun.objects.order_by("-pk").first()
    assert run.status == "failed" and "connection lost" in run.error
    assert contact(ALICE).is_active  # a run cut short deactivates nobody
    assert all(c.entity_id for c in Contact.objects.all())
    monkeypatch.setattr(LdapSource, "people", real_people)
    assert sync().counts["contact_deactivated"] == 1


@pytest.mark.slow
def test_more_people_than_one_search_returns_are_read_page_by_page(settings, tmp_path):
    from tests.accounts.conftest import DIRECTORATES, ldap_settings_for, start_slapd
    from tests.ldapserver import Tree

    people = [Person(f"u{n:05d}", "Agent", f"N{n:05d}", "DFIN", f"Service {n % 7}") for n in range(1100)]
    server = start_slapd(tmp_path / "big", Tree(dict(DIRECTORATES), people))
    try:
        ldap_settings_for(settings, server)
        run = sync()
    finally:
        server.stop()

    assert run.counts["contact_created"] == Contact.objects.count() == 1100  # AD and slapd stop at 1,000
