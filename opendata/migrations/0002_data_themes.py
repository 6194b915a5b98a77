from django.db import migrations

# The EU data themes (publications.europa.eu/resource/authority/data-theme), German labels.
THEMES = {
    "AGRI": "Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel",
    "ECON": "Wirtschaft und Finanzen",
    "EDUC": "Bildung, Kultur und Sport",
    "ENER": "Energie",
    "ENVI": "Umwelt",
    "GOVE": "Regierung und öffentlicher Sektor",
    "HEAL": "Gesundheit",
    "INTR": "Internationale Themen",
    "JUST": "Justiz, Rechtssystem und öffentliche Sicherheit",
    "OP_DATPRO": "Vorläufige Daten",
    "REGI": "Regionen und Städte",
    "SOCI": "Bevölkerung und Gesellschaft",
    "TECH": "Wissenschaft und Technologie",
    "TRAN": "Verkehr",
}


def add_themes(apps, schema_editor):
    DataTheme = apps.get_model("opendata", "DataTheme")
    for code, name in THEMES.items():
        DataTheme.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_catalogue")]

    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
