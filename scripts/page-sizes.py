#!/usr/bin/env python3
# What the browser downloads to open each page of a release build (gzip -9 of the WebAssembly
# and JS it needs): the main module and its JS for every page, plus, for a page loaded on
# demand, the files `__wasm_split_manifest.json` lists for it. Run after
# scripts/build-release.sh:  scripts/page-sizes.py [target/site/pkg]
import json, os, subprocess, sys

pkg = sys.argv[1] if len(sys.argv) > 1 else 'target/site/pkg'


def gz(name):
    # `gzip -9c FILE | wc -c`, as the figures in app/BENCHMARKS.md are measured.
    out = subprocess.run(['gzip', '-9c', os.path.join(pkg, name)], capture_output=True, check=True)
    return len(out.stdout)


for needed in ('bulkhead.wasm', 'bulkhead.js', '__wasm_split_manifest.json'):
    if not os.path.isfile(os.path.join(pkg, needed)):
        sys.exit(f'{pkg}/{needed} is missing: build the release front end first '
                 '(scripts/build-release.sh), or name its pkg directory')

files = os.listdir(pkg)
loader = [f for f in files if f.startswith('__wasm_split.') and f.endswith('.js')]
main = gz('bulkhead.wasm') + gz('bulkhead.js') + sum(gz(f) for f in loader)
print(f'{main:>9} B  the designer and every page not loaded on demand')
with open(os.path.join(pkg, '__wasm_split_manifest.json')) as f:
    manifest = json.load(f)
for split, parts in sorted(manifest.items()):
    page = split.strip('_').split('_route_view')[0]
    print(f'{main + sum(gz(p + ".wasm") for p in parts):>9} B  {page}')
total = sum(gz(f) for f in files if f.endswith(('.wasm', '.js')))
print(f'{total:>9} B  every file of the site')
