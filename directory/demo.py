"""Demo data for the client directory: a credible French industrial group and its people.

Deterministic (a fixed random seed) and idempotent (upserts on codes and addresses).
"""

import random
import unicodedata

from directory.models import ClientType, Contact, ContactRole, Directorate, Entity, Segment

COMPANY_DOMAIN = "groupe-aurelia.fr"

M, F, FIL, EXT = ClientType.METIER, ClientType.FONCTIONNELLE, ClientType.FILIALE, ClientType.EXTERNE
CORE, SENS, ADV = Segment.COEUR_DE_CIBLE, Segment.CIBLE_SENSIBLE, Segment.AVOCAT

# code, name, [(entity code, entity name, client type, segment or None, mail domain or None)]
DIRECTORATES = [
    (
        "DG",
        "Direction Générale",
        [
            ("DG-SG", "Secrétariat général", F, SENS, None),
            ("DG-STRAT", "Direction de la stratégie", F, ADV, None),
            ("DG-AUDIT", "Audit interne", F, None, None),
            ("DG-COMCORP", "Communication corporate", F, None, None),
        ],
    ),
    (
        "DAF",
        "Direction Administrative et Financière",
        [
            ("DAF-COMPTA", "Comptabilité fournisseurs", F, None, None),
            ("DAF-CDG", "Contrôle de gestion", F, CORE, None),
            ("DAF-TRESO", "Trésorerie", F, SENS, None),
            ("DAF-FISC", "Fiscalité", F, None, None),
            ("DAF-CONSO", "Consolidation", F, None, None),
            ("DAF-IMMO", "Gestion immobilière", F, None, None),
        ],
    ),
    (
        "DRH",
        "Direction des Ressources Humaines",
        [
            ("DRH-PAIE", "Paie et administration du personnel", F, SENS, None),
            ("DRH-RECRUT", "Recrutement et mobilité", F, None, None),
            ("DRH-FORM", "Formation et compétences", F, ADV, None),
            ("DRH-SOCIAL", "Relations sociales", F, None, None),
            ("DRH-SANTE", "Santé et qualité de vie au travail", F, None, None),
            ("DRH-SIRH", "Développement RH et SIRH", F, None, None),
        ],
    ),
    (
        "DJC",
        "Direction Juridique et Conformité",
        [
            ("DJC-CONTRATS", "Juridique contrats", F, None, None),
            ("DJC-RGPD", "Conformité et protection des données", F, SENS, None),
            ("DJC-ASSUR", "Assurances et risques", F, None, None),
        ],
    ),
    (
        "DACH",
        "Direction des Achats",
        [
            ("DACH-INDIR", "Achats indirects", F, None, None),
            ("DACH-INDUS", "Achats industriels", F, CORE, None),
            ("DACH-SG", "Services généraux", F, None, None),
        ],
    ),
    (
        "DCOM",
        "Direction Commerciale",
        [
            ("DCOM-GC", "Ventes Grands Comptes", M, CORE, None),
            ("DCOM-NORD", "Réseau commercial Nord", M, CORE, None),
            ("DCOM-SUD", "Réseau commercial Sud", M, CORE, None),
            ("DCOM-ADV", "Administration des ventes", M, SENS, None),
            ("DCOM-SAV", "Service clients", M, SENS, None),
            ("DCOM-EXPORT", "Ventes export", M, None, None),
            ("DCOM-ECOM", "Ventes en ligne", M, ADV, None),
        ],
    ),
    (
        "DMKT",
        "Direction Marketing",
        [
            ("DMKT-PRODUIT", "Marketing produit", M, None, None),
            ("DMKT-DIGITAL", "Marketing digital", M, ADV, None),
            ("DMKT-ETUDES", "Études et veille", M, None, None),
        ],
    ),
    (
        "DOPS",
        "Direction des Opérations industrielles",
        [
            ("DOPS-LYON", "Usine de Lyon-Gerland", M, CORE, None),
            ("DOPS-VAL", "Usine de Valenciennes", M, CORE, None),
            ("DOPS-BDX", "Usine de Bordeaux-Bassens", M, CORE, None),
            ("DOPS-MAINT", "Maintenance industrielle", M, None, None),
            ("DOPS-QUAL", "Qualité", M, SENS, None),
            ("DOPS-HSE", "Hygiène, sécurité, environnement", M, None, None),
            ("DOPS-METZ", "Usine de Metz-Borny", M, CORE, None),
        ],
    ),
    (
        "DSC",
        "Direction Supply Chain",
        [
            ("DSC-ROISSY", "Entrepôt de Roissy", M, CORE, None),
            ("DSC-TRANSPORT", "Transport et douanes", M, None, None),
            ("DSC-PLANIF", "Planification", M, ADV, None),
            ("DSC-APPRO", "Approvisionnements", M, None, None),
            ("DSC-CORBAS", "Plateforme logistique de Corbas", M, None, None),
        ],
    ),
    (
        "DRDI",
        "Direction R&D et Innovation",
        [
            ("DRDI-LABO", "Laboratoire matériaux", M, None, None),
            ("DRDI-BE", "Bureau d'études", M, CORE, None),
            ("DRDI-DIGITAL", "Innovation digitale", M, ADV, None),
            ("DRDI-PI", "Propriété intellectuelle", M, SENS, None),
        ],
    ),
    (
        "DFIL",
        "Direction des Filiales",
        [
            ("FIL-BE", "Aurélia Belgique", FIL, None, "aurelia.be"),
            ("FIL-CH", "Aurélia Suisse", FIL, None, "aurelia.ch"),
            ("FIL-MA", "Aurélia Maroc", FIL, SENS, "aurelia.ma"),
            ("FIL-SERV", "Aurélia Services", FIL, CORE, "aurelia-services.fr"),
            ("FIL-ENERGIE", "Aurélia Énergie", FIL, None, "aurelia-energie.fr"),
            ("FIL-IMMO", "Aurélia Immobilier", FIL, None, "aurelia-immo.fr"),
        ],
    ),
    (
        "DPE",
        "Partenaires et clients externes",
        [
            ("EXT-FONDATION", "Fondation Aurélia", EXT, ADV, "fondation-aurelia.org"),
            ("EXT-VILLEURBANNE", "Ville de Villeurbanne (infogérance)", EXT, None, "mairie-villeurbanne.fr"),
            ("EXT-GLO", "Groupement Logistique de l'Ouest", EXT, None, "glo-logistique.fr"),
            ("EXT-MUTUELLE", "Mutuelle du personnel Aurélia", EXT, SENS, "mutuelle-aurelia.fr"),
            ("EXT-IBERICA", "Iberica Distribución", EXT, None, "iberica-distribucion.es"),
            ("EXT-CCI", "CCI Lyon Métropole (partenaire)", EXT, None, "cci-lyon.fr"),
        ],
    ),
]

FIRST_NAMES = (
    "Camille Hugo Nadia Léa Thomas Chloé Lucas Manon Julien Sarah Nicolas Emma Antoine Inès Maxime Clara "
    "Alexandre Jade Romain Louise Mathieu Zoé Pierre Alice Vincent Margaux Guillaume Anaïs Sébastien Pauline "
    "Karim Yasmine Olivier Céline Éric Hélène François Nathalie Laurent Sandrine Benoît Amélie Rachid Élodie "
    "Jérôme Aurélie Stéphane Claire Damien Mélanie Cédric Julie Arnaud Lucie Fabien Émilie Grégoire Agathe"
).split()
LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel "
    "Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet "
    "François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin "
    "Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen "
    "Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Pérez Marchand "
    "Dufour Blanchard Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Benali Haddad Diallo"
).split()
JOB_TITLES = {
    ContactRole.STRATEGIE: ["Directeur", "Directrice adjointe", "Responsable de la stratégie"],
    ContactRole.DECIDEUR: ["Responsable de service", "Chef de département", "Directeur de site"],
    ContactRole.PRESCRIPTEUR: ["Chef de projet métier", "Référent applicatif", "Responsable processus"],
    ContactRole.PAYEUR: ["Contrôleur de gestion", "Responsable budget"],
    ContactRole.ACHETEUR: ["Acheteur", "Acheteuse"],
    ContactRole.UTILISATEUR: [
        "Gestionnaire",
        "Assistante",
        "Technicien",
        "Chargée de mission",
        "Analyste",
        "Comptable",
        "Commercial",
        "Opérateur",
        "Ingénieure",
    ],
}
# Contacts the demo logins are: business users of two directorates and a directorate correspondent.
NAMED_CONTACTS = [
    # email, first, last, entity, role, job title, correspondent
    (
        f"camille.martin@{COMPANY_DOMAIN}",
        "Camille",
        "Martin",
        "DCOM-GC",
        ContactRole.PRESCRIPTEUR,
        "Cheffe de projet CRM",
        False,
    ),
    (
        f"hugo.bernard@{COMPANY_DOMAIN}",
        "Hugo",
        "Bernard",
        "DRH-PAIE",
        ContactRole.UTILISATEUR,
        "Gestionnaire de paie",
        False,
    ),
    (
        f"nadia.lefebvre@{COMPANY_DOMAIN}",
        "Nadia",
        "Lefebvre",
        "DAF-CDG",
        ContactRole.DECIDEUR,
        "Correspondante SI de la DAF",
        True,
    ),
]
# Addresses used by DSI staff: never handed to a generated contact.
RESERVED_EMAILS = {
    f"{name}@{COMPANY_DOMAIN}"
    for name in ("sophie.durand", "thomas.moreau", "isabelle.roux", "julien.faure", "admin")
}


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == "-")


def _role_sequence(rng: random.Random, size: int) -> list[str]:
    roles = [ContactRole.DECIDEUR, ContactRole.PRESCRIPTEUR]
    weighted = [ContactRole.UTILISATEUR] * 6 + [
        ContactRole.PRESCRIPTEUR,
        ContactRole.PAYEUR,
        ContactRole.ACHETEUR,
    ]
    roles += [rng.choice(weighted) for _ in range(size - 2)]
    return roles[:size]


def seed() -> dict[str, int]:
    """Create or update the demo directory; returns the counts it leaves."""
    rng = random.Random(2026)
    entities: dict[str, Entity] = {}
    for d_code, d_name, entity_rows in DIRECTORATES:
        directorate, _ = Directorate.objects.update_or_create(code=d_code, defaults={"name": d_name})
        for e_code, e_name, client_type, segment, _domain in entity_rows:
            entities[e_code], _ = Entity.objects.update_or_create(
                code=e_code,
                defaults={
                    "name": e_name,
                    "directorate": directorate,
                    "client_type": client_type,
                    "segment": segment or Segment.STANDARD,
                },
            )

    taken = set(RESERVED_EMAILS)
    for email, first, last, entity_code, role, title, correspondent in NAMED_CONTACTS:
        taken.add(email)
        _upsert_contact(email, first, last, entities[entity_code], role, title, correspondent, rng)

    first_entity_of = {rows[0][0] for _, _, rows in DIRECTORATES}
    named_correspondent_directorates = {entities[c[3]].directorate.code for c in NAMED_CONTACTS if c[6]}
    for d_code, _d_name, entity_rows in DIRECTORATES:
        for e_code, _e_name, _type, segment, domain in entity_rows:
            size = 7 if segment == CORE else 5 if segment in (SENS, ADV) else 4
            for index, role in enumerate(_role_sequence(rng, size)):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                email = _unique_email(first, last, domain or COMPANY_DOMAIN, taken)
                correspondent = (
                    index == 0
                    and e_code in first_entity_of
                    and d_code not in named_correspondent_directorates
                )
                _upsert_contact(
                    email,
                    first,
                    last,
                    entities[e_code],
                    role,
                    rng.choice(JOB_TITLES[role]),
                    correspondent,
                    rng,
                )
    return {
        "directorates": Directorate.objects.count(),
        "entities": Entity.objects.count(),
        "contacts": Contact.objects.count(),
    }


def _unique_email(first: str, last: str, domain: str, taken: set[str]) -> str:
    base = f"{_ascii(first)}.{_ascii(last)}"
    email, n = f"{base}@{domain}", 1
    while email in taken:
        n += 1
        email = f"{base}{n}@{domain}"
    taken.add(email)
    return email


def _upsert_contact(email, first, last, entity, role, title, correspondent, rng) -> Contact:
    phone = f"+33 1 {rng.randint(40, 79)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    contact, _ = Contact.objects.update_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "entity": entity,
            "role": role,
            "job_title": title,
            "phone": phone,
            "is_correspondent": correspondent,
        },
    )
    return contact
