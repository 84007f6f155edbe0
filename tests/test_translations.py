"""No Swedish user ever meets an untranslated string: every message in the code and templates
has a Swedish translation that is not fuzzy, and the committed catalogue matches the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "effekt" / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def _entries(path):
    """(msgid, msgstr-list, fuzzy) for every entry of a .po file, with a small parser."""
    entries, current, key, fuzzy = [], None, None, False
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append((current["msgid"], current["strs"], fuzzy))
            current, key, fuzzy = None, None, False
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        if line.startswith("#"):
            continue
        current = current or {"msgid": "", "strs": {}}
        if line.startswith("msgid_plural "):
            key = "plural"
            current[key] = _unquote(line[len("msgid_plural ") :])
        elif line.startswith("msgid "):
            key = "msgid"
            current[key] = _unquote(line[len("msgid ") :])
        elif line.startswith("msgstr"):
            key = line.split(" ", 1)[0]
            current["strs"][key] = _unquote(line.split(" ", 1)[1])
        elif line.startswith('"') and key:
            if key in ("msgid", "plural"):
                current[key] += _unquote(line)
            else:
                current["strs"][key] += _unquote(line)
    return [e for e in entries if e[0]]


def _unquote(text):
    return (
        text.strip()[1:-1]
        .encode("utf-8")
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
    )


def test_committed_catalogue_is_complete():
    missing = [
        msgid for msgid, strs, fuzzy in _entries(CATALOGUE) if fuzzy or not all(strs.values())
    ]
    assert missing == [], f"untranslated or fuzzy: {missing[:20]}"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs gettext (make test installs it)"
)
def test_catalogue_covers_every_string_in_the_code(tmp_path):
    """Extract the messages afresh from a copy of the code and compare with the catalogue."""
    copy = tmp_path / "effekt"
    shutil.copytree(ROOT / "effekt", copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "sv", "--no-obsolete", "-v0"],
        cwd=copy,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "effekt.settings.test",
            "PYTHONPATH": str(tmp_path),
        },
    )
    fresh = _entries(copy / "locale" / "sv" / "LC_MESSAGES" / "django.po")
    untranslated = sorted(msgid for msgid, strs, fuzzy in fresh if fuzzy or not all(strs.values()))
    assert untranslated == [], f"strings without Swedish: {untranslated[:30]}"
