"""The CHANGELOG has a section per release, newest first, and its newest names the package's version."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.version import Version

import koko

CHANGELOG = Path(__file__).resolve().parents[1] / "CHANGELOG.md"
SECTION = re.compile(r"^## (\d+\.\d+\.\d+) — (unreleased|\d{4}-\d{2}-\d{2})$", re.M)


def test_each_release_has_a_section_newest_first() -> None:
    sections = SECTION.findall(CHANGELOG.read_text(encoding="utf-8"))
    assert len(sections) >= 2
    versions = [Version(number) for number, _ in sections]
    assert versions == sorted(versions, reverse=True)
    dates = [when for _, when in sections if when != "unreleased"]
    assert dates == sorted(dates, reverse=True)
    assert [when for _, when in sections[1:]].count("unreleased") == 0, "only the newest section may be unreleased"


def test_the_newest_section_is_the_package_version() -> None:
    number, when = SECTION.findall(CHANGELOG.read_text(encoding="utf-8"))[0]
    version = Version(koko.__version__)
    assert Version(number) == Version(version.base_version)
    assert (when == "unreleased") == version.is_prerelease, "a released version has a dated section, a dev version none"
