# ruff: noqa: E501 - data tables: one service per block, long French sentences
import datetime as dt

# code, title, slug, colour, pictogram, summary, product manager (login e-mail)
FAMILIES = [
    ("PDT", "Poste de travail", "poste-de-travail", "#1f4e8c", "poste-de-travail",
     "Votre ordinateur, vos logiciels et vos accessoires, prêts quand vous en avez besoin.",
     "thomas.moreau@groupe-aurelia.fr"),
    ("COL", "Messagerie et collaboration", "messagerie-collaboration", "#00738a", "messagerie",
     "Échanger, se réunir et partager des documents, au bureau comme à distance.",
     "thomas.moreau@groupe-aurelia.fr"),
    ("TEL", "Téléphonie et mobilité", "telephonie-mobilite", "#6a3d9a", "telephonie",
     "Être joignable partout : téléphone fixe, smartphone et forfaits adaptés à votre activité.",
     "karim.benali@groupe-aurelia.fr"),
    ("IMP", "Impression et numérisation", "impression-numerisation", "#8a4b00", "impression",
     "Imprimer, copier et numériser simplement, en sécurité et en consommant moins.",
     "karim.benali@groupe-aurelia.fr"),
    ("RES", "Réseau et accès à distance", "reseau-acces-distance", "#2f6f3e", "reseau",
     "Un réseau fiable sur tous les sites et un accès sûr à vos outils depuis l'extérieur.",
     "lucie.garnier@groupe-aurelia.fr"),
    ("SEC", "Sécurité et identité", "securite-identite", "#b42318", "securite",
     "Protéger vos données et vos accès sans vous compliquer la vie.",
     "lucie.garnier@groupe-aurelia.fr"),
    ("APP", "Applications métier", "applications-metier", "#3b5bdb", "applications",
     "Les applications qui font tourner vos activités, et leurs évolutions.",
     "antoine.mercier@groupe-aurelia.fr"),
    ("DATA", "Données et décisionnel", "donnees-decisionnel", "#0b7285", "donnees",
     "Des chiffres fiables pour décider, des données bien gardées et conformes.",
     "antoine.mercier@groupe-aurelia.fr"),
    ("CLOUD", "Hébergement et cloud", "hebergement-cloud", "#5c5f66", "cloud",
     "Des serveurs, du stockage et des sauvegardes sûrs pour vos applications.",
     "lucie.garnier@groupe-aurelia.fr"),
    ("ACC", "Accompagnement et formation", "accompagnement-formation", "#c2255c", "formation",
     "Une équipe à votre écoute pour vous dépanner, vous former et mener vos projets.",
     "sophie.durand@groupe-aurelia.fr"),
]  # fmt: skip

# kind, title, slug, date, location, summary, body
NEWS = [
    ("event", "Techday 2027 : la DSI ouvre ses portes", "techday-2027", dt.date(2027, 3, 18),
     "Siège, atrium du bâtiment B",
     "Démonstrations, ateliers de 20 minutes et rencontre avec les chefs de produit de chaque famille.",
     "<p>Venez tester l'assistant d'intelligence artificielle, la nouvelle visioconférence et "
     "l'impression par badge. Inscription libre, café offert.</p>"),
    ("event", "Atelier : bien utiliser le VPN en déplacement", "atelier-vpn", dt.date(2027, 1, 21),
     "En ligne (visioconférence)",
     "Trente minutes pour se connecter sans souci depuis l'hôtel, le train ou chez un client.",
     "<p>Questions-réponses avec l'équipe réseau. Le lien est envoyé aux inscrits la veille.</p>"),
    ("news", "Le catalogue des services fait peau neuve", "catalogue-peau-neuve", dt.date(2026, 11, 2), "",
     "Chaque service dit désormais ce qu'il vous apporte, nos engagements et comment le demander.",
     "<p>Les services sont classés en dix familles, chacune avec son pictogramme et sa couleur. "
     "Un bouton « Demander ce service » envoie votre demande à la boîte fonctionnelle de la DSI.</p>"),
    ("news", "Nouveau : l'assistant d'intelligence artificielle en pilote", "assistant-ia-pilote",
     dt.date(2026, 10, 15), "",
     "Trois directions testent un assistant pour rédiger, résumer et chercher dans vos documents.",
     "<p>Vos données restent hébergées en France. Rejoignez le pilote depuis la page du service.</p>"),
]  # fmt: skip
