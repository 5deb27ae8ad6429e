"""Compiles and checks the portal's translation catalogs with Babel (no GNU gettext needed).

    python locale/catalogs.py           compile each locale/*/LC_MESSAGES/*.po whose .mo is
                                        missing or older (--force: all of them)
    python locale/catalogs.py --check   list untranslated, fuzzy and malformed entries and
                                        the statistics; exit status 1 when there is any

Malformed: a translation whose %-placeholders, {}-placeholders or HTML tags differ from
its source text's. The .mo files are build output (not committed): `make test`, `make run`,
the Docker build and the test suite's start compile them.
"""

import re
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
_BRACES = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_TAGS = re.compile(r"</?[A-Za-z][^>]*>")


def po_files():
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def read(path):
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name, abort_invalid=True)


def _strings(value):
    return list(value) if isinstance(value, tuple | list) else [value]


def _shape(text):
    placeholders = sorted(p for p in _PERCENT.findall(text) if p != "%%")
    return sorted(placeholders), sorted(_BRACES.findall(text)), sorted(_TAGS.findall(text))


def problems(path):
    """(msgid, what is wrong) for every entry of the catalog at `path` that is not fit."""
    catalog = read(path)
    found = []
    if catalog.fuzzy:
        found.append(("(header)", "the header is marked fuzzy"))
    for message in catalog:
        if not message.id:
            continue
        ids, strings = _strings(message.id), _strings(message.string)
        label = ids[0]
        if message.fuzzy:
            found.append((label, "fuzzy"))
        if not all(strings):
            found.append((label, "untranslated"))
            continue
        # Placeholders and tags of each plural form against the plural source (or the one).
        source = _shape(ids[-1])
        for text in strings:
            if _shape(text)[0] != source[0] and _shape(text)[0] != _shape(ids[0])[0]:
                found.append((label, f"%-placeholders differ: {text!r}"))
            if _shape(text)[1] != source[1]:
                found.append((label, f"{{}}-placeholders differ: {text!r}"))
            if _shape(text)[2] != source[2]:
                found.append((label, f"HTML tags differ: {text!r}"))
    return found


def statistics(path):
    catalog = read(path)
    entries = [m for m in catalog if m.id]
    translated = sum(1 for m in entries if all(_strings(m.string)) and not m.fuzzy)
    return {"entries": len(entries), "translated": translated,
            "fuzzy": sum(1 for m in entries if m.fuzzy),
            "untranslated": sum(1 for m in entries if not all(_strings(m.string)))}


def compile_all(force=False):
    compiled = []
    for po in po_files():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read(po)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        tmp.replace(mo)  # atomic: a test run reading the old file never sees half of one
        compiled.append(mo)
    return compiled


def main(argv):
    if "--check" in argv:
        bad = 0
        for po in po_files():
            stats = statistics(po)
            print(f"{po.relative_to(LOCALE_DIR)}: {stats['translated']} translated, "
                  f"{stats['fuzzy']} fuzzy, {stats['untranslated']} untranslated")
            for msgid, what in problems(po):
                bad += 1
                print(f"  {msgid[:70]!r}: {what}")
        return 1 if bad else 0
    for mo in compile_all(force="--force" in argv):
        print(f"compiled {mo.relative_to(LOCALE_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
