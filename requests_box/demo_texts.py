"""What the demo's clients write, by family of services and type of request, and when they write it:
a mailbox that reads like a real one (subjects that match the service and the type; arrivals in
working hours, a few in the evening or at the weekend)."""

import datetime as dt
import random

from django.utils import timezone

# What clients write, each about one service of the catalogue: (service code, type, subject, body).
TEXTS: list[tuple[str, str, str, str]] = [
    (
        "PDT-PORTABLE",
        "simple",
        "Mon ordinateur portable ne démarre plus",
        "Écran noir au démarrage depuis ce matin, voyant orange.",
    ),
    (
        "PDT-PORTABLE",
        "reclamation",
        "Réclamation : portable toujours pas livré",
        "Commandé il y a trois semaines, toujours rien malgré deux relances.",
    ),
    (
        "PDT-ECRAN",
        "simple",
        "Écran supplémentaire pour le télétravail",
        "Pourriez-vous me prêter un second écran pour la maison ?",
    ),
    (
        "PDT-LOGICIEL",
        "simple",
        "Installation d'un logiciel de cartographie",
        "J'ai besoin de QGIS pour l'étude des tournées.",
    ),
    (
        "PDT-ARRIVEE",
        "complexe",
        "Préparer l'arrivée de trois intérimaires",
        "Postes, comptes et badges pour le 1er du mois prochain.",
    ),
    (
        "PDT-FIXE",
        "complexe",
        "Postes partagés de l'accueil",
        "Les trois postes de l'accueil doivent ouvrir une session commune.",
    ),
    (
        "PDT-RENOUV",
        "projet",
        "Projet : renouvellement des postes de l'usine",
        "Une soixantaine de postes d'atelier ont plus de six ans.",
    ),
    (
        "PDT-RENOUV",
        "reclamation",
        "Réclamation : poste rendu sans mes données",
        "Après le renouvellement, mes fichiers du bureau ont disparu.",
    ),
    (
        "PDT-PRET",
        "simple",
        "Prêt d'un vidéoprojecteur pour jeudi",
        "Pour la convention des commerciaux, salle Rhône.",
    ),
    (
        "COL-MAIL",
        "simple",
        "Ma boîte aux lettres est pleine",
        "Je ne reçois plus de messages depuis ce matin.",
    ),
    (
        "COL-MAIL",
        "reclamation",
        "Réclamation : messagerie coupée pendant la clôture",
        "Deux heures sans messagerie le jour de la clôture, c'est inacceptable.",
    ),
    (
        "COL-BOITE-PARTAGEE",
        "simple",
        "Accès à la boîte partagée « contrats »",
        "Merci d'ajouter ma nouvelle collègue à la boîte partagée.",
    ),
    (
        "COL-BOITE-PARTAGEE",
        "simple",
        "Créer une liste de diffusion pour le comité",
        "Une liste pour les douze membres du comité régional.",
    ),
    (
        "COL-PARTAGE",
        "complexe",
        "Réorganiser nos espaces de partage",
        "Nous réorganisons le service : trois espaces à fusionner.",
    ),
    (
        "COL-PARTAGE",
        "complexe",
        "Espace de partage ouvert à nos partenaires",
        "Nos partenaires doivent pouvoir déposer des documents.",
    ),
    (
        "COL-INTRANET",
        "projet",
        "Projet : intranet de la direction",
        "Nous voulons un site pour nos actualités et procédures.",
    ),
    (
        "COL-VISIO",
        "reclamation",
        "Réclamation : visio inutilisable en comité",
        "Troisième comité perturbé par le son de la salle.",
    ),
    (
        "COL-SALLE",
        "complexe",
        "Équiper la salle du conseil pour la visio",
        "Caméra et micros pour vingt personnes autour de la table.",
    ),
    (
        "TEL-MOBILE",
        "simple",
        "Smartphone cassé, besoin d'un remplacement",
        "Écran brisé, l'appareil ne répond plus au toucher.",
    ),
    (
        "TEL-FORFAIT",
        "simple",
        "Option internationale pour un déplacement à Montréal",
        "Départ lundi pour dix jours, merci d'activer l'option.",
    ),
    (
        "TEL-FIXE",
        "simple",
        "Transfert de ma ligne fixe vers mon portable",
        "Je suis en télétravail trois jours par semaine.",
    ),
    (
        "TEL-ACCUEIL",
        "complexe",
        "Revoir l'accueil téléphonique du service clients",
        "Les appels du samedi matin tombent dans le vide.",
    ),
    (
        "TEL-MDM",
        "projet",
        "Projet : équiper les techniciens itinérants",
        "Quarante techniciens à équiper en smartphones durcis.",
    ),
    (
        "TEL-ACCUEIL",
        "reclamation",
        "Réclamation : standard injoignable depuis lundi",
        "Nos clients nous disent ne jamais obtenir personne.",
    ),
    (
        "IMP-MULTIFONCTION",
        "simple",
        "Imprimante du 3e étage en panne",
        "Bourrage permanent, l'équipe imprime au 2e depuis lundi.",
    ),
    (
        "IMP-BADGE",
        "simple",
        "Badge refusé par les imprimantes",
        "Mon nouveau badge n'est pas reconnu pour l'impression sécurisée.",
    ),
    (
        "IMP-NUMERISATION",
        "complexe",
        "Numériser les dossiers du personnel",
        "Environ 400 dossiers à numériser avant l'archivage.",
    ),
    (
        "IMP-DEMAT-COURRIER",
        "projet",
        "Projet : dématérialisation du courrier entrant",
        "Nous souhaitons numériser le courrier dès réception.",
    ),
    (
        "IMP-MULTIFONCTION",
        "reclamation",
        "Réclamation : imprimante en panne pour la troisième fois",
        "Même panne, même imprimante, troisième fois ce mois-ci.",
    ),
    (
        "IMP-CONSOMMABLES",
        "simple",
        "Plus de toner pour l'imprimante de l'accueil",
        "Le voyant est rouge depuis hier.",
    ),
    (
        "RES-VPN",
        "simple",
        "Le VPN coupe toutes les 30 minutes",
        "Depuis la mise à jour de la semaine dernière.",
    ),
    (
        "RES-WIFI-INVITE",
        "simple",
        "Wi-Fi invité pour un séminaire",
        "Cinquante participants extérieurs jeudi en salle Rhône.",
    ),
    (
        "RES-DEBIT",
        "complexe",
        "Lenteurs réseau sur le site de Metz",
        "Les applications mettent plusieurs secondes à répondre.",
    ),
    (
        "RES-SITE",
        "projet",
        "Projet : raccorder le nouvel entrepôt de Corbas",
        "Ouverture prévue au printemps, 80 postes.",
    ),
    (
        "RES-WIFI",
        "reclamation",
        "Réclamation : coupure du Wi-Fi non annoncée",
        "Maintenance en pleine journée sans prévenir l'usine.",
    ),
    (
        "SEC-COMPTE",
        "simple",
        "Compte bloqué après trois essais",
        "Je n'arrive plus à me connecter depuis mon retour de congés.",
    ),
    (
        "SEC-INCIDENT",
        "simple",
        "Message suspect reçu ce matin",
        "Un message me demande mes identifiants, je vous le transfère.",
    ),
    (
        "SEC-HABILITATION",
        "complexe",
        "Revue des habilitations de la paie",
        "Audit annuel : liste des accès à valider avant la fin du mois.",
    ),
    (
        "SEC-MFA",
        "projet",
        "Projet : double authentification pour les commerciaux",
        "Les commerciaux se connectent souvent de l'extérieur.",
    ),
    (
        "SEC-HABILITATION",
        "reclamation",
        "Réclamation : accès supprimés par erreur",
        "Toute l'équipe a perdu ses accès au départ d'un collègue.",
    ),
    (
        "APP-ERP",
        "simple",
        "Erreur à la validation des commandes",
        "Message « référence inconnue » sur les commandes export.",
    ),
    ("APP-PAIE", "simple", "Accès à l'application de paie", "Nouvelle gestionnaire de paie, arrivée lundi."),
    (
        "APP-EVOL",
        "complexe",
        "Nouveau champ sur les devis",
        "Nous devons faire apparaître le délai de livraison.",
    ),
    (
        "APP-ERP",
        "complexe",
        "Lenteurs sur l'ERP en fin de mois",
        "Les clôtures prennent le double du temps habituel.",
    ),
    (
        "APP-DEV",
        "projet",
        "Projet : dématérialisation des notes de frais",
        "Nous souhaitons un outil pour la rentrée.",
    ),
    (
        "APP-SIGNATURE",
        "projet",
        "Projet : signature électronique des contrats",
        "Les contrats fournisseurs partent encore par la poste.",
    ),
    (
        "APP-EVOL",
        "reclamation",
        "Réclamation : évolution livrée sans prévenir",
        "La nouvelle version a changé l'écran de saisie sans formation.",
    ),
    (
        "APP-ERP",
        "reclamation",
        "Réclamation : incident ERP non résolu",
        "Troisième relance pour le même blocage des commandes.",
    ),
    (
        "APP-CRM",
        "simple",
        "Fiches clients en double dans le CRM",
        "Une trentaine de doublons depuis l'import de lundi.",
    ),
    (
        "DATA-EXTRACT",
        "simple",
        "Extraction des ventes par région",
        "Pour le comité de jeudi, sur les douze derniers mois.",
    ),
    ("DATA-TDB", "simple", "Accès au tableau de bord commercial", "Merci d'ouvrir l'accès à mon adjoint."),
    (
        "DATA-TDB",
        "complexe",
        "Tableau de bord des délais de livraison",
        "Un suivi hebdomadaire par entrepôt et par transporteur.",
    ),
    (
        "DATA-EXTRACT",
        "complexe",
        "Export anonymisé pour l'audit interne",
        "L'audit demande un extrait avant vendredi.",
    ),
    (
        "DATA-REF",
        "projet",
        "Projet : référentiel fournisseurs unique",
        "Trois fichiers fournisseurs différents selon les sites.",
    ),
    (
        "DATA-TDB",
        "reclamation",
        "Réclamation : chiffres faux dans le tableau de bord",
        "Les ventes de mars sont comptées deux fois.",
    ),
    (
        "DATA-IA",
        "simple",
        "Rejoindre le pilote de l'assistant IA",
        "Notre équipe juridique aimerait tester l'assistant.",
    ),
    (
        "CLD-STOCKAGE",
        "simple",
        "Restaurer un dossier effacé par erreur",
        "Le dossier « Appels d'offres 2026 » a disparu hier soir.",
    ),
    (
        "CLD-STOCKAGE",
        "simple",
        "Espace de stockage supplémentaire",
        "Notre espace d'équipe est plein à 98 %.",
    ),
    (
        "CLD-RECETTE",
        "complexe",
        "Serveur de recette pour la nouvelle version",
        "Pour tester la version de juin avant la mise en production.",
    ),
    (
        "CLD-WEB",
        "projet",
        "Projet : hébergement du site de la marque",
        "Le site actuel est chez un prestataire qui arrête.",
    ),
    (
        "CLD-STOCKAGE",
        "reclamation",
        "Réclamation : restauration trop lente",
        "Quatre jours pour restaurer un fichier, l'équipe était bloquée.",
    ),
    (
        "ACC-FORMATION",
        "simple",
        "Formation Excel pour deux nouveaux",
        "Deux assistants arrivés ce mois-ci, niveau débutant.",
    ),
    (
        "ACC-SUPPORT",
        "simple",
        "Question sur le suivi de ma demande",
        "Je n'ai pas de nouvelles depuis une semaine, où en est-on ?",
    ),
    (
        "ACC-PROXIMITE",
        "complexe",
        "Accompagner le déménagement du service",
        "Trente postes à déplacer au 4e étage en un week-end.",
    ),
    (
        "ACC-CONSEIL",
        "projet",
        "Étude : outil de planification des équipes",
        "Nous planifions encore les équipes sous tableur.",
    ),
    (
        "ACC-SUPPORT",
        "reclamation",
        "Réclamation : aucun retour du centre de services",
        "Appelé trois fois, toujours pas de rappel.",
    ),
    (
        "ACC-SUPPORT",
        "reclamation",
        "Réclamation : accueil désagréable au téléphone",
        "J'ai été mal reçu par le centre de services hier.",
    ),
]


def text_for(rng: random.Random, kind: str, services_by_code: dict) -> tuple[object, str, str]:
    """A service of the catalogue and what a client writes about it, for a request of this type. One
    client in five does not say which service (the service is then left to the qualification)."""
    code, _kind, subject, body = rng.choice([t for t in TEXTS if t[1] == kind])
    service = services_by_code.get(code) if rng.random() < 0.8 else None
    return service, subject, body


# Hours at which mail arrives on a working day: mornings and early afternoons are the busiest.
HOUR_WEIGHTS = {8: 6, 9: 12, 10: 13, 11: 11, 12: 5, 13: 6, 14: 11, 15: 11, 16: 10, 17: 8, 18: 4}


def working_time(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment of a day: in working hours (8 h–19 h) nineteen times in twenty, else the evening."""
    if rng.random() < 0.05:
        hour = rng.choice([6, 7, 19, 20, 21, 22])
    else:
        hour = rng.choices(list(HOUR_WEIGHTS), list(HOUR_WEIGHTS.values()))[0]
    moment = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
    return timezone.make_aware(moment)


def arrival(rng: random.Random, now: dt.datetime, *, min_days: int, max_days: int) -> dt.datetime:
    """A past arrival between min_days and max_days ago: a weekday, except about one time in thirty."""
    today = timezone.localtime(now).date()
    while True:
        day = today - dt.timedelta(days=rng.randint(min_days, max_days))
        if day.weekday() < 5 or rng.random() < 0.08:
            moment = working_time(rng, day)
            if moment < now:
                return moment
