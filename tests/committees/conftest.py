"""Factories for the committees tests: committees of directorates A and B with members and meetings."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from committees import services
from committees.models import Committee, CommitteeMember, Level, Meeting
from directory.models import Contact


def aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_contact(entity, name: str) -> Contact:
    return Contact.objects.create(
        email=f"{name.lower()}@groupe-aurelia.fr", first_name=name, last_name="Test", entity=entity
    )


def make_meeting(committee: Committee, day: date, **extra) -> Meeting:
    meeting = Meeting.objects.create(committee=committee, scheduled_at=aware(day), **extra)
    services.invite_members(meeting)
    return meeting


@pytest.fixture
def committee_a(directorate_a, user_a, relationship_manager):
    committee = Committee.objects.create(
        name="Comité tactique DCOM",
        directorate=directorate_a,
        level=Level.TACTIQUE,
        cadence_months=3,
        starts_on=date(2026, 1, 15),
        location="Siège, salle 4",
    )
    CommitteeMember.objects.create(committee=committee, contact=user_a.contact)
    CommitteeMember.objects.create(committee=committee, user=relationship_manager)
    return committee


@pytest.fixture
def committee_b(directorate_b, user_b):
    committee = Committee.objects.create(
        name="Comité stratégique DRH",
        directorate=directorate_b,
        level=Level.STRATEGIQUE,
        cadence_months=6,
        starts_on=date(2026, 2, 1),
    )
    CommitteeMember.objects.create(committee=committee, contact=user_b.contact)
    return committee
