from django.db import migrations


def load(apps, schema_editor):
    from zones.reference import load_reference_data

    load_reference_data(
        apps.get_model("zones", "Region"),
        apps.get_model("zones", "StrategicArea"),
        apps.get_model("zones", "Province"),
        apps.get_model("zones", "Zone"),
    )


class Migration(migrations.Migration):
    dependencies = [("zones", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
