"""The catalogs: complete, up to date with the code, and in the glossary's words.

Every later change ships both languages: a new or changed string without its Chinese
fails here (`make messages`, translate, commit the .po).
"""

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = runpy.run_path(str(ROOT / "locale" / "catalogs.py"))
PO_FILES = CATALOGS["po_files"]()
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _entries(path):
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context): m
            for m in CATALOGS["read"](path) if m.id}


def test_both_domains_exist_for_every_language():
    names = {(p.parent.parent.name, p.name) for p in PO_FILES}
    assert names == {("zh_Hans", "django.po"), ("zh_Hans", "djangojs.po")}


@pytest.mark.parametrize("path", PO_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_entry_is_translated_and_well_formed(path):
    problems = CATALOGS["problems"](path)
    assert not problems, "\n".join(f"{msgid!r}: {what}" for msgid, what in problems)


def test_the_catalogs_are_up_to_date_with_the_code(tmp_path):
    """`make messages` on a copy of the project would add or drop no msgid."""
    missing = [tool for tool in ("make", "xgettext", "msgmerge") if not shutil.which(tool)]
    if missing:
        if CI:
            pytest.fail(f"GNU gettext and make are needed here: {', '.join(missing)} missing")
        pytest.skip(f"{', '.join(missing)} not installed")
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("vendor", "__pycache__", "*.mo", "*.pyc")
    for name in ("apps", "partnercenter", "templates", "static", "locale"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    for name in ("manage.py", "Makefile"):
        shutil.copy2(ROOT / name, copy / name)
    env = {**os.environ, "DEBUG": "true", "PORTAL_READ_DOT_ENV": "false"}
    run = subprocess.run(["make", "-s", "messages", f"PY={sys.executable}"], cwd=copy, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    for path in PO_FILES:
        relative = path.relative_to(ROOT)
        before, after = _entries(path), _entries(copy / relative)
        added = sorted(str(key[0]) for key in after.keys() - before.keys())
        dropped = sorted(str(key[0]) for key in before.keys() - after.keys())
        assert (added, dropped) == ([], []), (
            f"{relative} is out of date: run `make messages` and translate.\n"
            f"new in the code: {added}\nno longer in the code: {dropped}")


def _glossary_labels():
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    section = text.split("## Labels of the source document", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|$", section, flags=re.MULTILINE)
    return [(en, zh) for en, zh in rows if en != "English" and not en.startswith("-")]


def test_the_source_documents_labels_use_partner_centers_words():
    labels = _glossary_labels()
    assert len(labels) >= 22
    entries = _entries(ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    wrong = {en: (entries[(en, None)].string if (en, None) in entries else "(not in catalog)")
             for en, zh in labels if (en, None) not in entries
             or entries[(en, None)].string != zh}
    assert not wrong, wrong


@override_settings(LANGUAGE_CODE="en")
def test_javascript_strings_are_served_in_the_visitors_language(client):
    response = client.get("/i18n/js/", headers={"accept-language": "zh-CN"})
    assert response.status_code == 200
    assert f'"Copied": {json.dumps("已复制")}' in response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
