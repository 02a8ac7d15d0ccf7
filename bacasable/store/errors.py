"""The store's one exception, :class:`StoreError`, and the French messages it carries."""

from __future__ import annotations

from . import tables as t


class StoreError(Exception):
    """An expected problem, with a plain-French message the interface can show as is.

    Parameters
    ----------
    message
        The message for the user, in French.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        #: The message for the user, in French.
        self.message = message


# Messages shown to users.
MSG_UNKNOWN_CODE = "Ce code ne correspond à aucun atelier ouvert."
MSG_UNKNOWN_WORKSHOP = "Cet atelier n'existe pas (ou plus)."
MSG_CLOSED_WORKSHOP = "Cet atelier est terminé : on ne peut plus le rejoindre."
MSG_UNKNOWN_PARTICIPANT = "Cette personne n'est pas (ou plus) enregistrée."
MSG_UNKNOWN_ATTEMPT = "Ce parcours n'est pas (ou plus) enregistré."
MSG_NOT_IN_WORKSHOP = "Cette personne ne participe pas à cet atelier."
MSG_PSEUDONYM_EMPTY = "Choisissez un pseudonyme (un prénom inventé, un surnom…)."
MSG_PSEUDONYM_LONG = f"Le pseudonyme doit faire au plus {t.PSEUDONYM_LENGTH} caractères."
MSG_PSEUDONYM_PERSONAL = (
    "Choisissez un pseudonyme, pas une adresse e-mail ni un numéro : "
    "il ne doit pas permettre de vous reconnaître."
)
MSG_PSEUDONYM_CHARS = (
    "Le pseudonyme ne peut contenir que des lettres, des chiffres, des espaces et - ' _ ."
)
MSG_TITLE = "Donnez un titre à l'atelier (200 caractères au plus)."
MSG_PLACE = "Le lieu doit faire au plus 200 caractères."
MSG_DATE = "La date de l'atelier n'est pas valide (attendu : AAAA-MM-JJ)."
MSG_DURATION = "La durée de l'atelier doit être un nombre de minutes entre 1 et 1440."
#: Most learners one workshop may expect (each one gets a kernel warmed for them).
MAX_EXPECTED = 60
MSG_EXPECTED = f"Le nombre de participants attendus doit être entre 1 et {MAX_EXPECTED}."
MSG_LIST = "Liste non valide : des textes courts sont attendus."
MSG_IDENTIFIER = "Identifiant non valide."
MSG_MESSAGE_LONG = f"Le message doit faire au plus {t.MESSAGE_LENGTH} caractères."
MSG_AUTONOMY = (
    "Degré d'autonomie inconnu : choisissez « seul », « avec des indices », "
    "« avec l'aide de l'animateur » ou « fait par l'animateur »."
)
MSG_EVENT = "Cet événement n'est pas reconnu : il n'a pas été enregistré."
MSG_SCREEN_COUNT = "Le nombre d'écrans doit être un entier positif."
MSG_RETENTION = "La durée de conservation n'est pas valide."
MSG_BUSY = "La base de données est occupée. Réessayez dans un instant."
MSG_WRITE = "Les données n'ont pas pu être enregistrées. Réessayez, ou prévenez l'animateur."
MSG_READ = "Les données n'ont pas pu être lues. Réessayez, ou prévenez l'animateur."
MSG_UPGRADE = "La base de données n'a pas pu être préparée. Prévenez l'animateur."
MSG_TOO_NEW = (
    "La base de données vient d'une version plus récente de Bac à sable : "
    "mettez Bac à sable à jour."
)
MSG_CLOSED_STORE = "Le stockage des résultats est fermé."
