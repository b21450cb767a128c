#!/usr/bin/env python3
"""Build the working-day calendar document (schemas/calendar.md) from
NateScarlet/holiday-cn year files.

    calendar_build.py --version N [-o OUT] HOLIDAY_CN_DIR
    calendar_build.py --check CALENDAR_JSON HOLIDAY_CN_DIR

A year file is one year's State Council notice: YYYY.json may list dates
of the previous year (2023.json holds 2022-12-31), so days are merged by
date, and a later notice overrides an earlier one for the same date. The
output keeps every holiday (off) the notices name, weekends included, so
the name survives, and every weekend working day (调休); a Monday to
Friday working day is no deviation and is dropped.

--check rebuilds the document with the version the given file carries
(the version is the publisher's counter, not something the data implies)
and exits 1 if the bytes differ, so the committed file cannot drift from
its sources.
"""
import argparse
import datetime
import json
import os
import re
import sys

JURISDICTION = "CN-44"
YEAR_FILE = re.compile(r"^(\d{4})\.json$")


def year_files(src):
    """The year files of src, oldest notice first."""
    years = []
    for name in os.listdir(src):
        m = YEAR_FILE.match(name)
        if m:
            years.append((int(m.group(1)), os.path.join(src, name)))
    if not years:
        sys.exit(f"{src}: no YYYY.json files")
    return sorted(years)


def load_year(year, path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("year") != year:
        sys.exit(f"{path}: \"year\" is {doc.get('year')!r}, not {year}")
    days = doc.get("days")
    if not isinstance(days, list):
        sys.exit(f"{path}: no \"days\" array")
    return days


def day_entry(path, i, d):
    """One holiday-cn day as (date, off, name), checked."""
    where = f"{path}: days[{i}]"
    try:
        date = datetime.date.fromisoformat(d["date"])
    except (KeyError, TypeError, ValueError):
        sys.exit(f"{where}: \"date\" is not YYYY-MM-DD")
    if not isinstance(d.get("isOffDay"), bool):
        sys.exit(f"{where} ({date}): \"isOffDay\" is not a boolean")
    name = d.get("name")
    if not isinstance(name, str) or not name:
        sys.exit(f"{where} ({date}): \"name\" is not a non-empty string")
    return date, d["isOffDay"], name


def merge(src):
    """Days by date, later notices winning, and the last notice year."""
    merged = {}
    last_year = None
    for year, path in year_files(src):
        days = load_year(year, path)
        if days:
            last_year = year
        for i, d in enumerate(days):
            date, off, name = day_entry(path, i, d)
            merged[date] = (off, name)
    if last_year is None:
        sys.exit(f"{src}: every year file is empty")
    return merged, last_year


def deviates(date, off):
    """Whether a day belongs in the document: a named holiday, or a
    weekend day that is worked."""
    return off or date.weekday() >= 5


def build(src, version):
    merged, last_year = merge(src)
    days = [{"date": d.isoformat(), "off": off, "name": name}
            for d, (off, name) in sorted(merged.items())
            if deviates(d, off)]
    doc = {"v": 1, "version": version, "jurisdiction": JURISDICTION,
           "last_notice": f"{last_year}-12-31", "days": days}
    # Canonical JSON: no white space, raw UTF-8, keys in the order above.
    # Names hold no control characters, so json's escaping is canonical.
    return json.dumps(doc, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def version_of(path):
    with open(path, encoding="utf-8") as f:
        v = json.load(f).get("version")
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        sys.exit(f"{path}: \"version\" is not an integer >= 1")
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", help="directory of holiday-cn YYYY.json files")
    ap.add_argument("--version", type=int, help="document version (>= 1)")
    ap.add_argument("-o", "--output", help="write here, not to stdout")
    ap.add_argument("--check", metavar="FILE",
                    help="compare FILE with a rebuild at its version")
    a = ap.parse_args()
    if a.check:
        want = build(a.src, version_of(a.check))
        with open(a.check, "rb") as f:
            have = f.read()
        if have != want:
            sys.exit(f"{a.check}: differs from a rebuild from {a.src}; "
                     f"run {sys.argv[0]} --version N -o {a.check} {a.src}")
        print(f"{a.check}: matches {a.src}")
        return
    if a.version is None or a.version < 1:
        ap.error("--version N (>= 1) is required")
    out = build(a.src, a.version)
    if a.output:
        with open(a.output, "wb") as f:
            f.write(out)
    else:
        sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
