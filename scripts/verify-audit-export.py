#!/usr/bin/env python3
"""Checks a JSON Lines export of Bulkhead's audit log offline (`bulkhead audit export
--format jsonl --data DIR > audit.jsonl`): every entry's hash is recomputed from the columns
it covers (SHA-256 before the log was keyed, HMAC-SHA-256 under the data directory's
audit.key from the first keyed entry on), and each entry must link to the one before it
(its prev_hash is that entry's hash) wherever their ids are consecutive.

The last line of an export says how many entries it holds and the last one's hash: an
export cut short, or one whose entries were removed, does not check.

An export of a filtered view (the audit page's "JSON Lines" link) holds some entries only:
each one's hash is still checked, and links wherever two exported entries are consecutive.
An export made below admin withholds client addresses (its header says so); without them
the hashes cannot be recomputed, so only the links are checked and the exit code says so.

Archives (`bulkhead audit archive`, DATA/audit-archive/*.jsonl.gz) are checked the same way,
their first entry against the anchor their first line carries; give several files oldest
first (archives, then an export) and the links between them are checked too.

Usage: scripts/verify-audit-export.py --key DATA/audit.key [ARCHIVE.jsonl.gz ...] audit.jsonl
Exit 0 when every entry checks, 1 naming the first that does not, 2 on unusable input,
3 when the links hold but the hashes could not be checked (addresses withheld).
"""

import argparse
import gzip
import hashlib
import hmac
import json
import sys


def canonical(e, prev):
    # The same text the server hashes: a compact JSON array (serde_json's form).
    return json.dumps(
        [prev, e["at"], e["actor_id"], e["actor_name"], e["address"], e["action"],
         e["object_kind"], e["object_id"], e["design_id"], e["target"], e["summary"],
         e["details"]],
        separators=(",", ":"), ensure_ascii=False)


class Broken(Exception):
    """The first problem found; exit 1."""


class Unusable(Exception):
    """Input that is not an export; exit 2."""


def check_file(path, key, last):
    """Checks one export or archive file, given the last entry of the file before it (or
    None); returns (entries, last entry, whether hashes were checked)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        header = json.loads(f.readline() or "{}")
        if header.get("bulkhead_audit_export") != 1 and header.get("bulkhead_audit_archive") != 1:
            raise Unusable(f"{path} is not a Bulkhead audit export or archive (its first line names no format)")
        keyed_since = header["keyed_since"]
        hashes = "address" not in header.get("withheld", [])
        anchor = header.get("anchor")
        if "first" in header and last is not None and header["first"] != last["id"] + 1:
            raise Broken(f"{path} starts at entry {header['first']} but the file before it ends at "
                         f"entry {last['id']}: give every archive, oldest first")
        count, end, first_last = 0, None, last
        for n, line in enumerate(f, start=2):
            e = json.loads(line)
            if end is not None:
                raise Broken(f"{path} line {n}: entries after the closing line (the file was changed)")
            if e.get("end") is True:
                end = e
                continue
            if count == 0 and anchor is not None and e["prev_hash"] != anchor:
                raise Broken(f"entry {e['id']} ({path} line {n}): it does not link to the archive's anchor")
            text = canonical(e, e["prev_hash"]).encode("utf-8")
            if e["id"] >= keyed_since:
                want = hmac.new(key, text, hashlib.sha256).hexdigest()
            else:
                want = hashlib.sha256(text).hexdigest()
            if hashes and not hmac.compare_digest(want, e["hash"]):
                raise Broken(f"entry {e['id']} ({path} line {n}): its content does not match its hash")
            if last is not None and e["id"] == last["id"] + 1 and e["prev_hash"] != last["hash"]:
                raise Broken(f"entry {e['id']} ({path} line {n}): it does not link to entry {last['id']}")
            count, last = count + 1, e
    if end is None:
        raise Broken(f"{path} has no closing line: it was cut short (download or copy it again)")
    ended = last["hash"] if last is not first_last and last else anchor
    if end.get("entries") != count or end.get("last_hash") != ended:
        raise Broken(f"{path}: the closing line says {end.get('entries')} entries ending with "
                     f"{end.get('last_hash')}, but the file holds {count}: entries were removed or added")
    return count, last, hashes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", required=True, help="the data directory's audit.key")
    parser.add_argument("files", nargs="+",
                        help="exports and archives (.jsonl.gz), oldest first")
    args = parser.parse_args()
    try:
        key = bytes.fromhex(open(args.key).read().strip())
    except (OSError, ValueError) as e:
        print(f"cannot use the key {args.key}: {e}", file=sys.stderr)
        return 2
    total, last, every_hash = 0, None, True
    try:
        for path in args.files:
            count, last, hashes = check_file(path, key, last)
            total, every_hash = total + count, every_hash and hashes
    except Broken as e:
        print(e)
        return 1
    except (Unusable, OSError, ValueError, KeyError) as e:
        print(f"{e}", file=sys.stderr)
        return 2
    if not every_hash:
        print(f"audit export: {total} entries, every link holds; hashes not checked: the "
              "export withholds client addresses (export as an admin to check every hash)")
        return 3
    print(f"audit export intact: {total} entries, every hash matches and every link holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
