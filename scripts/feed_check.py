#!/usr/bin/env python3
"""Checks Atom feeds: well-formed XML, the elements RFC 4287 requires, RFC 3339
dates, absolute ids and links, and feedparser's verdict (what feed readers see).

usage: feed_check.py FEED.xml [FEED.xml ...]    exit 1 on any error
"""
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlparse

import feedparser

A = "{http://www.w3.org/2005/Atom}"


def rfc3339(s):
    s = (s or "").strip()
    if "T" not in s:
        return False
    try:
        datetime.fromisoformat(s.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def absolute(u):
    p = urlparse((u or "").strip())
    return bool(p.scheme) and bool(p.netloc)


def check(path):
    errors = []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return [f"not well-formed XML: {e}"]
    if root.tag != A + "feed":
        return [f"root element is {root.tag}, expected atom:feed"]

    def exactly_one(el, tag, where):
        found = el.findall(A + tag)
        if len(found) != 1:
            errors.append(f"{where}: needs exactly one atom:{tag}, found {len(found)}")
        return found[0] if found else None

    for tag in ("title", "id", "updated"):
        exactly_one(root, tag, "feed")
    fid = root.find(A + "id")
    if fid is not None and not absolute(fid.text):
        errors.append(f"feed id is not an absolute IRI: {fid.text}")
    up = root.find(A + "updated")
    if up is not None and not rfc3339(up.text):
        errors.append(f"feed updated is not RFC 3339: {up.text}")
    if not root.findall(A + "author"):
        for i, e in enumerate(root.findall(A + "entry")):
            if not e.findall(A + "author"):
                errors.append(f"entry {i + 1}: no atom:author and the feed has none")
    if not any(l.get("rel") == "self" for l in root.findall(A + "link")):
        errors.append("feed: no link rel=self")
    ids = set()
    for i, e in enumerate(root.findall(A + "entry")):
        where = f"entry {i + 1}"
        for tag in ("title", "id", "updated"):
            exactly_one(e, tag, where)
        eid = e.find(A + "id")
        if eid is not None:
            if not absolute(eid.text):
                errors.append(f"{where}: id is not absolute: {eid.text}")
            if eid.text in ids:
                errors.append(f"{where}: duplicate id {eid.text}")
            ids.add(eid.text)
        for tag in ("updated", "published"):
            d = e.find(A + tag)
            if d is not None and not rfc3339(d.text):
                errors.append(f"{where}: {tag} is not RFC 3339: {d.text}")
        if e.find(A + "content") is None and not any(l.get("rel", "alternate") == "alternate" for l in e.findall(A + "link")):
            errors.append(f"{where}: neither content nor an alternate link")
    parsed = feedparser.parse(path)
    if parsed.bozo:
        errors.append(f"feedparser: {parsed.bozo_exception}")
    return errors


def main(paths):
    bad = 0
    for p in paths:
        errs = check(p)
        print(f"{p}: {'ok' if not errs else f'{len(errs)} errors'}")
        for e in errs:
            print(f"  {e}")
        bad += len(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
