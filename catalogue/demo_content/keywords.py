# ruff: noqa: E501 - data tables
"""The words clients use for each demo service (everyday words, English, brands and products, acronyms),
as the service's product manager would list them, and the company-wide synonyms the catalogue
editor keeps. Both are editable in the back office afterwards."""

KEYWORDS = {
    # Poste de travail
    "PDT-PORTABLE": "laptop, PC portable, ordi, ordinateur, notebook, ultraportable, MacBook, Dell Latitude, Lenovo ThinkPad, HP EliteBook, station d'accueil, nomade, travail en mobilité, PC pro, ordinateur professionnel, Surface, Chromebook",
    "PDT-FIXE": "PC fixe, ordinateur de bureau, unité centrale, tour, desktop, poste sédentaire, poste partagé, client léger, poste d'accueil, ordinateur fixe, PC de bureau",
    "PDT-RENOUV": "remplacer mon PC, changer d'ordinateur, ordinateur lent, PC lent, vieux poste, poste obsolète, changement de poste, Windows 11, migration de poste, transfert de données, remplacement d'ordinateur, PC trop vieux, ordinateur en fin de vie",
    "PDT-LOGICIEL": "logiciel, installer, licence, Office, Microsoft 365, Word, Excel, PowerPoint, Adobe Acrobat, Photoshop, AutoCAD, Visio, MS Project, centre logiciel, droits administrateur, télécharger un logiciel, licence logicielle, mise à jour d'un logiciel, Acrobat Reader, navigateur, Chrome, Firefox",
    "PDT-ECRAN": "deuxième écran, double écran, moniteur, clavier, souris, casque, micro-casque, webcam, dock, chargeur, adaptateur, câble HDMI, ergonomie, repose-pieds, accessoire, moniteur externe, hub USB, périphérique, casque bluetooth, écouteurs, sacoche",
    "PDT-PRET": "prêt, emprunter, vidéoprojecteur, projecteur, clé 4G, routeur 4G, hotspot, PC de prêt, ordinateur de prêt, matériel temporaire, stagiaire, séminaire, salon, matériel de prêt, emprunter un PC",
    "PDT-ARRIVEE": "nouvel arrivant, nouvelle recrue, embauche, onboarding, arrivée, intégration, stagiaire, alternant, apprenti, intérimaire, prestataire, premier jour, accueil d'un nouvel arrivant, préparer une arrivée, kit de bienvenue",
    # Messagerie et collaboration
    "COL-MAIL": "mail, e-mail, courriel, messagerie, Outlook, Exchange, Gmail, boîte mail, boîte aux lettres, adresse mail, agenda, calendrier, contacts, webmail, réponse automatique, message d'absence, signature de mail, boîte pleine, quota de messagerie, mail non reçu, pièce jointe trop lourde, Thunderbird",
    "COL-BOITE-PARTAGEE": "boîte partagée, boîte générique, boîte fonctionnelle, adresse commune, adresse d'équipe, alias, liste de diffusion, mailing list, groupe de messagerie, adresse générique, boîte de service",
    "COL-VISIO": "visio, vidéo, Teams, Microsoft Teams, Zoom, Webex, Google Meet, Skype, réunion en ligne, réunion à distance, web conférence, conférence téléphonique, audioconférence, webinaire, partage d'écran, réunion Teams, lien de réunion, Meet",
    "COL-SALLE": "salle de réunion, salle de visio, salle équipée, écran de salle, caméra, micro, système de conférence, Teams Room, réservation de salle, projecteur de salle, écran de réunion",
    "COL-PARTAGE": "partage de fichiers, SharePoint, OneDrive, Google Drive, Dropbox, espace collaboratif, GED, gestion documentaire, coédition, lien de partage, partenaire extérieur, dossier partagé, WeTransfer, transfert de fichiers, partage externe, collaboration",
    "COL-INTRANET": "intranet, site d'équipe, SharePoint, page d'équipe, actualités, portail, wiki, procédures, site interne, communication interne",
    # Téléphonie et mobilité
    "TEL-FIXE": "téléphone fixe, poste téléphonique, ligne fixe, numéro fixe, téléphone de bureau, VoIP, ToIP, téléphonie IP, renvoi d'appel, messagerie vocale, numéro direct, ligne directe, numéro de bureau",
    "TEL-MOBILE": "téléphone portable, portable, mobile, smartphone, iPhone, Android, Samsung, GSM, téléphone professionnel, carte SIM, ligne mobile, téléphone perdu, téléphone volé, téléphone cassé, téléphone de fonction, mobile professionnel",
    "TEL-FORFAIT": "forfait, roaming, itinérance, international, étranger, voyage, déplacement à l'étranger, data, internet mobile, option internationale, hors forfait, eSIM, appeler à l'étranger, mission à l'étranger",
    "TEL-ACCUEIL": "standard, standard téléphonique, accueil téléphonique, serveur vocal, SVI, message d'accueil, musique d'attente, routage des appels, standardiste",
    "TEL-SOFTPHONE": "softphone, téléphone sur PC, appeler depuis l'ordinateur, téléphonie Teams, casque, téléphonie logicielle",
    "TEL-MDM": "MDM, Intune, flotte mobile, gestion de flotte, gestion des smartphones, effacement à distance, tablette, iPad, applications mobiles",
    # Impression et numérisation
    "IMP-MULTIFONCTION": "imprimante, imprimer, photocopieuse, photocopieur, copieur, photocopie, printer, Canon, Xerox, Ricoh, imprimante réseau, pilote d'imprimante, recto verso, impression couleur, photocopier, bourrage papier, imprimante en panne",
    "IMP-BADGE": "impression sécurisée, badge, follow-me, impression confidentielle, libérer une impression, code PIN",
    "IMP-NUMERISATION": "scanner, scan, numériser, scanner un document, PDF, OCR, reconnaissance de texte, scan to mail, numériser un document, scanner vers mail",
    "IMP-GRANDFORMAT": "grand format, traceur, plotter, affiche, poster, plan, kakémono, roll-up, A0, A1, bâche, signalétique",
    "IMP-CONSOMMABLES": "toner, cartouche, encre, papier, ramette, consommables, agrafes, tambour, commander du papier",
    "IMP-DEMAT-COURRIER": "courrier, courrier papier, courrier entrant, dématérialisation, numérisation du courrier, LAD, tri du courrier",
    # Réseau et accès à distance
    "RES-VPN": "VPN, télétravail, travail à distance, accès distant, connexion à distance, depuis chez moi, domicile, GlobalProtect, FortiClient, AnyConnect, accès externe, nomadisme",
    "RES-WIFI": "wifi, wi-fi, sans fil, borne wifi, réseau sans fil, couverture wifi, wireless, connexion internet",
    "RES-WIFI-INVITE": "wifi invité, wifi visiteur, code wifi, accès internet visiteur, guest, invités, visiteurs, portail captif",
    "RES-SITE": "nouveau site, nouveaux locaux, déménagement, emménagement, ouverture d'agence, nouvelle agence, câblage, brassage, fibre, réseau local, LAN",
    "RES-DEBIT": "débit, bande passante, lenteur réseau, internet lent, connexion lente, fibre, lien opérateur, SD-WAN, saturation",
    "RES-FLUX": "ouverture de flux, flux réseau, pare-feu, firewall, port, règle firewall, filtrage, adresse IP, DMZ, API partenaire, proxy",
    # Sécurité et identité
    "SEC-COMPTE": "compte, identifiant, login, mot de passe, password, mdp, réinitialiser le mot de passe, mot de passe oublié, compte bloqué, compte verrouillé, Active Directory, création de compte, suppression de compte, départ, mutation, intérimaire, prestataire, session Windows, compte Windows, déverrouiller un compte",
    "SEC-MFA": "MFA, 2FA, double authentification, authentification forte, second facteur, double facteur, Microsoft Authenticator, code SMS, OTP, clé de sécurité, YubiKey, application d'authentification, validation en deux étapes",
    "SEC-HABILITATION": "habilitation, droits d'accès, accès à une application, autorisation, profil, rôle, permissions, revue des droits, demande d'accès, accès à un dossier",
    "SEC-SENSIBILISATION": "sensibilisation, cybersécurité, phishing, hameçonnage, arnaque, fraude au président, bonnes pratiques, formation sécurité, faux mail",
    "SEC-AUDIT": "audit, test d'intrusion, pentest, analyse de risque, homologation, revue de sécurité, conformité, ISO 27001, vulnérabilité",
    "SEC-INCIDENT": "incident de sécurité, virus, malware, rançongiciel, ransomware, piratage, piraté, hacker, mail suspect, message suspect, lien suspect, pièce jointe, phishing, hameçonnage, fuite de données, vol de données, ordinateur volé, CERT, SOC, cyberattaque, compte piraté, arnaque",
    "SEC-CHIFFREMENT": "chiffrement, chiffrer, cryptage, crypter, clé USB chiffrée, BitLocker, VeraCrypt, données sensibles, fichier confidentiel, certificat",
    # Applications métier
    "APP-ERP": "ERP, SAP, progiciel, comptabilité, compta, achats, commande fournisseur, facture, stocks, finance, contrôle de gestion, budget",
    "APP-CRM": "CRM, Salesforce, relation client, fichier clients, prospects, commerciaux, opportunités, devis",
    "APP-PAIE": "paie, fiche de paie, bulletin de salaire, bulletin de paie, salaire, congés, absences, RTT, temps de travail, badgeuse, pointage, notes de frais, SIRH, RH, planning, demande de congés",
    "APP-DEV": "développement, application sur mesure, développer une application, logiciel spécifique, appli, application mobile, low-code, Power Apps, automatisation",
    "APP-EVOL": "évolution, modification, amélioration, nouvelle fonctionnalité, demande d'évolution, correction, bug, anomalie, maintenance applicative, paramétrage",
    "APP-SIGNATURE": "signature électronique, signer, e-signature, DocuSign, Yousign, signature à distance, contrat",
    "APP-PARAPHEUR": "parapheur, circuit de validation, workflow, visa, validation, approbation, délégation de signature",
    # Données et décisionnel
    "DATA-TDB": "tableau de bord, reporting, BI, Power BI, Qlik, Tableau, indicateurs, KPI, décisionnel, dashboard, statistiques, pilotage, rapport, graphiques, suivi d'activité",
    "DATA-EXTRACT": "extraction, export, Excel, CSV, requête, extraire, liste, base de données, SQL",
    "DATA-REF": "référentiel, données de référence, master data, fichier fournisseurs, fichier produits, doublons, qualité des données",
    "DATA-RGPD": "RGPD, GDPR, données personnelles, vie privée, DPO, CNIL, consentement, registre des traitements, protection des données",
    "DATA-ARCHIVE": "archivage, archives, archiver, conservation, valeur probante, coffre-fort numérique, GED, durée légale",
    "DATA-IA": "IA, intelligence artificielle, ChatGPT, Copilot, Mistral, chatbot, IA générative, LLM, résumé automatique, rédaction",
    # Hébergement et cloud
    "CLD-SERVEUR": "serveur, VM, machine virtuelle, VMware, Linux, Windows Server, IaaS, infrastructure, hébergement d'application, serveur Linux, serveur Windows",
    "CLD-STOCKAGE": "stockage, sauvegarde, backup, restauration, restaurer, fichier supprimé, fichier effacé, corbeille, lecteur réseau, disque réseau, espace disque, quota, NAS, espace de stockage, récupérer un fichier, perte de fichier",
    "CLD-SAAS": "SaaS, logiciel en ligne, cloud, abonnement, application web, SSO, outil en ligne",
    "CLD-WEB": "site web, site internet, hébergement web, nom de domaine, DNS, certificat SSL, HTTPS, WordPress, site événementiel",
    "CLD-PRA": "PRA, PCA, plan de reprise, continuité d'activité, reprise après sinistre, disaster recovery, secours, redondance",
    "CLD-RECETTE": "recette, environnement de test, préproduction, préprod, qualification, tests, bac à sable, sandbox",
    # Accompagnement et formation
    "ACC-SUPPORT": "support, assistance, helpdesk, hotline, service desk, centre de services, ticket, incident, panne, problème, bug, dépannage, aide, numéro d'assistance, service informatique, informatique, demande d'aide, SOS",
    "ACC-PROXIMITE": "technicien, intervention sur site, dépannage, proximité, réparation, matériel en panne, support de proximité, intervention, réparer mon PC",
    "ACC-FORMATION": "formation, tutoriel, apprendre, prise en main, Excel, Word, PowerPoint, Teams, e-learning, atelier, initiation, cours, tutoriel vidéo",
    "ACC-PROJET": "projet, chef de projet, conduite de projet, pilotage de projet, AMOA, cahier des charges",
    "ACC-CONSEIL": "conseil, étude d'opportunité, étude de faisabilité, idée, innovation, chiffrage, choix de solution, avant-projet",
    "ACC-DIRIGEANTS": "VIP, dirigeants, direction générale, comité de direction, CODIR, COMEX, assistante de direction, assistant de direction, directeur, support prioritaire",
    # Retired
    "TEL-FAX": "fax, télécopieur, télécopie",
}

# Each line: terms that mean the same for the company's users, whatever the service.
SYNONYMS = [
    "ordinateur, PC, ordi, poste de travail, laptop, computer",
    "téléphone, tél, phone, téléphonie",
    "mail, e-mail, email, courriel, message électronique",
    "imprimante, printer, imprimer",
    "scanner, scanneur, scan, numériser",
    "panne, problème, bug, dysfonctionnement, plantage, bloqué, ne fonctionne pas",
    "visioconférence, visio, vidéoconférence, réunion en ligne",
    "mot de passe, password, mdp, code d'accès",
    "identifiant, login, nom d'utilisateur",
    "suspect, bizarre, douteux, louche, étrange",
    "application, appli, app",
    "internet, web",
    "wifi, wi-fi, sans fil, wireless",
    "télétravail, travail à distance, remote, home office",
    "collaborateur, salarié, employé, agent",
    "nouvel arrivant, nouvelle recrue, embauche, onboarding",
    "départ, démission, retraite, fin de contrat, offboarding",
    "site web, site internet, website",
    "tableau de bord, dashboard, reporting",
    "données, data",
    "formation, apprendre, tutoriel, training",
    "lent, lenteur, ralenti, rame",
    "sauvegarde, backup",
    "écran, moniteur, screen",
    "paie, salaire",
    "réunion, meeting",
    "fax, télécopie",
]

# Recommended results (Wagtail's search promotions): query, service codes in order.
PROMOTIONS = [
    ("cybersécurité", ("SEC-SENSIBILISATION", "SEC-INCIDENT")),
    ("urgence", ("ACC-SUPPORT", "SEC-INCIDENT")),
]
