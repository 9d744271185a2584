from django.db import migrations

VOCABULARY = [
    # name, kind, abbreviation, description
    ("Special educational needs (SEN)", "specialism", "SEN", "Identifying and meeting special educational needs."),
    ("Early reading and phonics", "specialism", "", "Systematic synthetic phonics and early reading."),
    ("Mathematics", "specialism", "", "Mastery teaching, mathematics leadership."),
    ("Early years", "specialism", "EYFS", "The early years foundation stage."),
    ("Behaviour and attendance", "specialism", "", ""),
    ("English as an additional language", "specialism", "EAL", ""),
    ("Safeguarding", "specialism", "", ""),
    ("School business management", "specialism", "", "Finance, premises and HR."),
    ("National leader of education", "designation", "NLE", "A head who supports schools in challenging circumstances."),
    ("Local leader of education", "designation", "LLE", "A head who supports other heads."),
    ("Specialist leader of education", "designation", "SLE", "A middle or senior leader who supports others."),
    ("National leader of governance", "designation", "NLG", "A chair of governors who supports other chairs."),
    ("Resource base", "provision", "", "Specialist places attached to a mainstream school."),
    ("Nurture group", "provision", "", "A small class for pupils with social and emotional needs."),
    ("Speech and language unit", "provision", "", ""),
    ("Forest school", "provision", "", ""),
]


def add_vocabulary(apps, schema_editor):
    Specialism = apps.get_model("schools", "Specialism")
    for name, kind, abbreviation, description in VOCABULARY:
        Specialism.objects.get_or_create(
            name=name, defaults={"kind": kind, "abbreviation": abbreviation, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("schools", "0003_registry_expertise_and_gias_imports")]

    operations = [migrations.RunPython(add_vocabulary, migrations.RunPython.noop)]
