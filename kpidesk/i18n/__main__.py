"""`python -m kpidesk.i18n`: bring the Hebrew and Arabic catalogues up to date with the code and templates."""

from kpidesk.i18n._extraction import update_catalogues

if __name__ == "__main__":
    for lang, count in update_catalogues().items():
        print(f"{lang}: {count} untranslated")
