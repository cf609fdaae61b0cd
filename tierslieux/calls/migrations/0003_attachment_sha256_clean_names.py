from django.db import migrations, models

from tierslieux.core.uploads import clean_filename


def clean_original_names(apps, schema_editor):
    """Names stored before uploads were cleaned: drop control and bidirectional characters
    (a right-to-left override shows ``facture‮fdp.exe`` as ``facture.pdf``)."""
    Attachment = apps.get_model("calls", "Attachment")
    for attachment in Attachment.objects.only("pk", "original_name").iterator():
        cleaned = clean_filename(attachment.original_name)
        if cleaned != attachment.original_name:
            Attachment.objects.filter(pk=attachment.pk).update(original_name=cleaned)


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0002_call_is_demo"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="sha256",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="SHA-256"
            ),
        ),
        migrations.RunPython(clean_original_names, migrations.RunPython.noop),
    ]
