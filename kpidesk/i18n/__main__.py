"""`python -m kpidesk.i18n`: bring the Hebrew and Arabic catalogues up to date with the code and templates."""

from kpidesk.i18n._extraction import update_catalogues

for lang, count in update_catalogues().items():
    print(f"{lang}: {count} untranslated")
