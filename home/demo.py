"""Demo logins, one or more per role, printed at the end of `seed_demo`."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, User

from directory import roles
from directory.services import link_contact_to_user

DEMO_PASSWORD = "relais-demo"  # noqa: S105 - a demo login, printed on purpose


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    email: str
    groups: tuple[str, ...]
    description: str
    superuser: bool = False


DEMO_LOGINS = (
    DemoLogin(
        "camille.martin",
        "Camille",
        "Martin",
        "camille.martin@groupe-aurelia.fr",
        (roles.BUSINESS_USERS,),
        "utilisatrice métier, Direction Commerciale (Ventes Grands Comptes)",
    ),
    DemoLogin(
        "hugo.bernard",
        "Hugo",
        "Bernard",
        "hugo.bernard@groupe-aurelia.fr",
        (roles.BUSINESS_USERS,),
        "utilisateur métier, Direction des Ressources Humaines (Paie)",
    ),
    DemoLogin(
        "nadia.lefebvre",
        "Nadia",
        "Lefebvre",
        "nadia.lefebvre@groupe-aurelia.fr",
        (roles.BUSINESS_USERS,),
        "correspondante de la Direction Administrative et Financière",
    ),
    DemoLogin(
        "sophie.durand",
        "Sophie",
        "Durand",
        "sophie.durand@groupe-aurelia.fr",
        (roles.RELATIONSHIP_MANAGERS,),
        "Responsable Relations Clients de la DSI",
    ),
    DemoLogin(
        "marc.girard",
        "Marc",
        "Girard",
        "marc.girard@groupe-aurelia.fr",
        (roles.RELATIONSHIP_MANAGERS,),
        "second Responsable Relations Clients (directions opérationnelles)",
    ),
    DemoLogin(
        "karim.benali",
        "Karim",
        "Benali",
        "karim.benali@groupe-aurelia.fr",
        (),
        "technicien du support poste de travail (membre d'une équipe de la DSI)",
    ),
    DemoLogin(
        "thomas.moreau",
        "Thomas",
        "Moreau",
        "thomas.moreau@groupe-aurelia.fr",
        (roles.PRODUCT_MANAGERS,),
        "chef de produit (poste de travail, messagerie)",
    ),
    DemoLogin(
        "isabelle.roux",
        "Isabelle",
        "Roux",
        "isabelle.roux@groupe-aurelia.fr",
        (roles.CIO,),
        "DSI (directrice des systèmes d'information)",
    ),
    DemoLogin(
        "julien.faure",
        "Julien",
        "Faure",
        "julien.faure@groupe-aurelia.fr",
        (roles.EDITORS,),
        "éditeur du catalogue",
    ),
    DemoLogin(
        "admin",
        "Admin",
        "Relais",
        "admin@groupe-aurelia.fr",
        (),
        "super-utilisateur technique",
        superuser=True,
    ),
)


def seed() -> dict[str, int]:
    seed_logins()
    return {"demo logins": len(DEMO_LOGINS)}


def seed_logins() -> list[DemoLogin]:
    for login in DEMO_LOGINS:
        user, _ = User.objects.update_or_create(
            username=login.username,
            defaults={
                "first_name": login.first_name,
                "last_name": login.last_name,
                "email": login.email,
                "is_superuser": login.superuser,
                "is_staff": login.superuser,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.set(Group.objects.filter(name__in=login.groups))
        link_contact_to_user(user)
    return list(DEMO_LOGINS)
