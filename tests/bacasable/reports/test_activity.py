"""The activity report of a collective workshop: every field, known numbers, counts checked."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from bacasable.reports import activity, build_workshop_report
from bacasable.reports.activity import (
    ACTIVITY_FIELDS,
    NOT_GIVEN,
    activity_frame,
    activity_report,
    activity_rows,
    check_counts,
    count_errors,
    participants_total,
)
from bacasable.reports.exports import csv_bytes
from bacasable.workshop.form import EQUIPMENT, THEMES


def report_of(sw, workshop_id):
    return build_workshop_report(sw.store, workshop_id, sw.catalogue)


def test_every_field_of_the_platform_is_there():
    fields = set(ACTIVITY_FIELDS)
    for name in ("Date", "Durée (minutes)", "Type de lieu", "Lieu", "Titre de l'atelier",
                 "Niveau", "Thématiques", "Sous-thématiques (aide aux démarches administratives)",
                 "Matériel utilisé", "Notes", "Bénéficiaires suivis",
                 "Participants anonymes : total", "Déjà accompagnés", "Genre : femmes",
                 "Genre : hommes", "Genre : non communiqué", "Âge : moins de 12 ans",
                 "Âge : 12-18 ans", "Âge : 18-24 ans", "Âge : 25-39 ans", "Âge : 40-59 ans",
                 "Âge : 60-69 ans", "Âge : 70 ans et plus", "Âge : non communiqué",
                 "Situation : scolarisé", "Situation : sans emploi", "Situation : en emploi",
                 "Situation : retraité", "Situation : non communiquée", "À vérifier"):
        assert name in fields
    assert len(ACTIVITY_FIELDS) == len(fields)
    assert activity.SUBTHEMES[0] == "Papiers – Élections – Citoyenneté"
    assert len(activity.SUBTHEMES) == 11
    assert [group for *_k, group in activity.COUNT_FIELDS].count("Âge") == 8


def test_the_synthetic_workshop_fills_the_report(synthetic_workshop):
    sw = synthetic_workshop
    report = report_of(sw, sw.workshop_id)
    result = activity_report(report.workshop, report, sw.catalogue)
    assert list(result) == list(ACTIVITY_FIELDS)
    assert result == {
        "N° de l'atelier": sw.workshop_id,
        "Type d'activité": "Atelier collectif",
        "Date": dt.date(2026, 11, 12),
        "Durée (minutes)": 120,
        "Type de lieu": NOT_GIVEN,
        "Lieu": "Médiathèque Jean-Macé",
        "Titre de l'atelier": "Atelier CAF et emploi",
        "Niveau": "Intermédiaire",
        "Thématiques": "Aide aux démarches administratives",
        # CAF: Social – Santé, Argent – Impôts; France Travail: Travail…; the platform's order
        "Sous-thématiques (aide aux démarches administratives)":
            "Social – Santé, Travail – Formation – Entreprise, Argent – Impôts",
        "Matériel utilisé": "Ordinateur",
        "Notes": "Atelier « Bac à sable » (démarches en ligne simulées). Exercices : "
                 "« Demander la prime d'activité », « S'inscrire à France Travail ». "
                 "Parcours : 4, dont 3 terminés.",
        # Amina, Bruno, Chloé, Diane did something; Emma only joined
        "Participants anonymes : total": 4,
        **{label: NOT_GIVEN for key, label, _g in activity.COUNT_FIELDS if key != "total"},
        "À vérifier": "",
    }
    assert participants_total(report) == 4
    assert count_errors(result) == []


def test_the_second_workshop_without_theme_nor_equipment(synthetic_workshop):
    sw = synthetic_workshop
    report = report_of(sw, sw.second_workshop_id)
    result = activity_report(report.workshop, report, sw.catalogue,
                             place_kind="Lieu de l'activité")
    assert result["Participants anonymes : total"] == 2  # chloe and Farid
    assert result["Niveau"] == "Débutant"
    assert result["Thématiques"] == NOT_GIVEN
    assert result["Sous-thématiques (aide aux démarches administratives)"] == ""
    assert result["Matériel utilisé"] == NOT_GIVEN
    assert result["Type de lieu"] == "Lieu de l'activité"
    assert result["Lieu"] == "Centre social"
    assert result["Notes"].endswith("Exercices : « S'inscrire à France Travail ». "
                                    "Parcours : 2, dont 1 terminé.")


def test_the_facilitators_counts_fill_the_breakdowns(synthetic_workshop):
    sw = synthetic_workshop
    report = report_of(sw, sw.workshop_id)
    counts = {"total": 6, "tracked": 1, "already_accompanied": "2", "women": 4, "men": 2,
              "age_25_39": " 3 ", "age_60_69": 3.0, "retired": 3, "gender_not_given": "",
              "age_70_plus": None, "unknown_key": "ignored"}
    result = activity_report(report.workshop, report, sw.catalogue, counts)
    assert result["Participants anonymes : total"] == 6
    assert result["Bénéficiaires suivis"] == 1
    assert result["Déjà accompagnés"] == 2
    assert (result["Genre : femmes"], result["Genre : hommes"]) == (4, 2)
    assert result["Genre : non communiqué"] == NOT_GIVEN
    assert (result["Âge : 25-39 ans"], result["Âge : 60-69 ans"]) == (3, 3)
    assert result["Âge : 70 ans et plus"] == NOT_GIVEN
    assert result["Situation : retraité"] == 3
    assert result["À vérifier"] == ""


def test_counts_that_do_not_add_up_give_french_messages_not_errors(synthetic_workshop):
    sw = synthetic_workshop
    report = report_of(sw, sw.workshop_id)
    counts = {"women": 3, "men": 2, "already_accompanied": 5, "age_18_24": 2, "age_70_plus": 1,
              "employed": "deux", "retired": -1, "unemployed": True, "in_school": 1.5}
    result = activity_report(report.workshop, report, sw.catalogue, counts)
    assert count_errors(result) == [
        "« Situation : scolarisé » : écrivez un nombre entier (0 ou plus).",
        "« Situation : sans emploi » : écrivez un nombre entier (0 ou plus).",
        "« Situation : en emploi » : écrivez un nombre entier (0 ou plus).",
        "« Situation : retraité » : écrivez un nombre entier (0 ou plus).",
        "« Déjà accompagnés » (5) dépasse le total des participants (4).",
        "Les genres comptent 5 personnes, plus que le total des participants (4).",
    ]
    assert result["Situation : en emploi"] == NOT_GIVEN  # a wrong count is not written
    assert result["Âge : 18-24 ans"] == 2  # 3 in age bands: within the total


def test_at_least_one_participant(synthetic_workshop):
    sw = synthetic_workshop
    empty = sw.store.create_workshop("Personne", "Mairie", "2026-12-01", ["caf-prime-activite"])
    sw.store.join(empty["id"], "Gaston")  # joins, does nothing
    report = report_of(sw, empty["id"])
    result = activity_report(report.workshop, report, sw.catalogue)
    assert result["Participants anonymes : total"] == 0
    assert count_errors(result) == [activity.MSG_NO_PARTICIPANT]
    fixed = activity_report(report.workshop, report, sw.catalogue, {"total": "3"})
    assert fixed["Participants anonymes : total"] == 3 and count_errors(fixed) == []
    tracked = activity_report(report.workshop, report, sw.catalogue, {"tracked": 1})
    assert count_errors(tracked) == []


def test_check_counts_alone():
    clean, messages = check_counts({"women": "2", "men": 1}, 3)
    assert clean == {"women": 2, "men": 1, "total": 3} and messages == []
    _clean, messages = check_counts({"age_under_12": 2, "age_12_18": 2}, 3)
    assert messages == [
        "Les tranches d'âge comptent 4 personnes, plus que le total des participants (3)."]
    _clean, messages = check_counts({"status_not_given": 4}, 3)
    assert messages == [
        "Les situations comptent 4 personnes, plus que le total des participants (3)."]


def test_observed_learners_count_even_without_an_exercise(synthetic_workshop):
    sw = synthetic_workshop
    report = report_of(sw, sw.workshop_id)
    sw.store.record_observation(sw.participants["Emma"], "fait_par_animateur", "")
    assert participants_total(report_of(sw, sw.workshop_id)) == 5
    assert participants_total(report) == 4


def test_labels_come_from_the_workshop_form(synthetic_workshop):
    sw = synthetic_workshop
    workshop = sw.store.create_workshop(
        "Tout", "", "2026-12-02", ["france-travail-inscription"],
        themes=["Insertion professionnelle", "Aide aux démarches administratives", "E-mail"],
        level="avance", duration_minutes=45, equipment=["telephone", "ordinateur", "aucun"])
    report = report_of(sw, workshop["id"])
    result = activity_report(report.workshop, report, sw.catalogue, {"total": 1})
    assert result["Thématiques"] == ", ".join(
        t for t in THEMES if t in workshop["themes"])  # the platform's order
    assert result["Thématiques"].startswith("E-mail, Insertion professionnelle")
    assert result["Matériel utilisé"] == ", ".join(
        EQUIPMENT[e] for e in ("telephone", "ordinateur", "aucun"))
    assert result["Niveau"] == "Avancé"
    assert result["Durée (minutes)"] == 45
    assert result["Lieu"] == NOT_GIVEN
    assert result["Sous-thématiques (aide aux démarches administratives)"] == (
        "Travail – Formation – Entreprise")
    assert result["Notes"].endswith("Parcours : 0, dont 0 terminé.")


def test_one_row_per_workshop_of_a_period(synthetic_workshop):
    sw = synthetic_workshop
    rows = activity_rows(sw.store, sw.catalogue, [sw.second_workshop_id, sw.workshop_id])
    assert list(rows.columns) == list(ACTIVITY_FIELDS)
    assert rows["N° de l'atelier"].tolist() == [sw.workshop_id, sw.second_workshop_id]
    assert rows["Participants anonymes : total"].tolist() == [4, 2]
    november = activity_rows(sw.store, sw.catalogue, since=dt.date(2026, 11, 20),
                             until=dt.date(2026, 11, 30))
    assert november["Titre de l'atelier"].tolist() == ["Atelier emploi"]
    every = activity_rows(sw.store, sw.catalogue)
    assert len(every) == 2
    given = activity_rows(sw.store, sw.catalogue, [sw.workshop_id],
                          counts={sw.workshop_id: {"women": 9}})
    assert "Les genres comptent 9 personnes" in given["À vérifier"].iloc[0]
    assert len(activity_frame(activity_report(sw.store.workshop(sw.workshop_id),
                                              report_of(sw, sw.workshop_id), sw.catalogue))) == 1


def test_hostile_titles_and_places_are_neutralised_in_the_export(synthetic_workshop):
    sw = synthetic_workshop
    hostile = sw.store.create_workshop('=HYPERLINK("http://x.example","ici")', "+cmd|' /C calc'!A0",
                                       "2026-12-03", ["caf-prime-activite"])
    frame = activity_rows(sw.store, sw.catalogue, [hostile["id"], sw.workshop_id])
    back = pd.read_csv(io.BytesIO(csv_bytes(frame, french=False)), sep=";", decimal=",",
                       encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["Titre de l'atelier"].tolist() == [
        "Atelier CAF et emploi", '\'=HYPERLINK("http://x.example","ici")']
    assert back["Lieu"].iloc[1] == "'+cmd|' /C calc'!A0"
    assert back["Date"].tolist() == ["12/11/2026", "03/12/2026"]
    assert back["Genre : femmes"].tolist() == [NOT_GIVEN, NOT_GIVEN]
    assert back["Participants anonymes : total"].tolist() == ["4", "0"]
    assert back["À vérifier"].iloc[1] == activity.MSG_NO_PARTICIPANT


@pytest.mark.parametrize("value", [0, 7, "12", " 3 ", 4.0])
def test_whole_numbers_are_accepted(value):
    clean, messages = check_counts({"tracked": value}, 1)
    assert messages == [] and clean["tracked"] == int(str(value).strip().split(".")[0])
