"""`idp_seed`: the provider's users (with their groups) and the portal's client registration."""

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application

CLIENT_ID = "relais-portail"
CLIENT_SECRET = "relais-portail-secret"  # noqa: S105
PASSWORD = "Bonjour-2026"  # noqa: S105
CALLBACK = "/connexion/entreprise/retour/"
HOSTS = ["http://testserver", "http://127.0.0.1", "http://localhost"]

# login, given name, family name, groups, active at the provider
PEOPLE = [
    ("sdurand", "Sophie", "Durand", ["GG-Relais-RRC"], True),
    ("amartin", "Alice", "Martin", [], True),
    ("crousseau", "Chloé", "Rousseau", ["GG-Relais-Correspondants"], True),
    ("bdupont", "Bernard", "Dupont", ["GG-Tous"], True),
    ("pleger", "Paul", "Leger", [], False),
    ("admin", "Adèle", "Minard", [], True),
]


class Command(BaseCommand):
    def handle(self, *args, **options):
        for login, given, family, groups, active in PEOPLE:
            email = "admin@groupe-aurelia.fr" if login == "admin" else f"{given}.{family}@groupe-aurelia.fr"
            user = User.objects.create_user(
                login,
                email.lower().replace("é", "e"),
                PASSWORD,
                first_name=given,
                last_name=family,
                is_active=active,
            )
            for name in groups:
                user.groups.add(Group.objects.get_or_create(name=name)[0])
        Application.objects.create(
            name="Relais DSI",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(host + CALLBACK for host in HOSTS),
            post_logout_redirect_uris=" ".join(host + "/connexion/" for host in HOSTS),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
