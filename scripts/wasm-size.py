#!/usr/bin/env python3
# Where the WebAssembly code goes: section sizes and code bytes per crate, from the name
# section of an unoptimised build (wasm-opt strips names), e.g.
#   cargo build -p app --lib --target wasm32-unknown-unknown --profile wasm-release \
#     --no-default-features --features hydrate
#   scripts/wasm-size.py target/wasm32-unknown-unknown/wasm-release/app.wasm
import sys, re, collections
data = open(sys.argv[1], 'rb').read()
pos = 8
def leb(p):
    r = 0; s = 0
    while True:
        b = data[p]; p += 1
        r |= (b & 0x7f) << s; s += 7
        if b < 0x80: return r, p
sections = []
nimports_func = 0
code_sizes = []
names = {}
while pos < len(data):
    sid = data[pos]; pos += 1
    size, pos = leb(pos)
    end = pos + size
    if sid == 0:
        nlen, p = leb(pos); name = data[p:p+nlen].decode(); p += nlen
        sections.append(('custom:' + name, size))
        if name == 'name':
            while p < end:
                sub = data[p]; p += 1
                ssz, p = leb(p); send = p + ssz
                if sub == 1:
                    cnt, p = leb(p)
                    for _ in range(cnt):
                        idx, p = leb(p); l, p = leb(p)
                        names[idx] = data[p:p+l].decode('utf8', 'replace'); p += l
                p = send
    else:
        sections.append((sid, size))
        if sid == 2:
            cnt, p = leb(pos)
            for _ in range(cnt):
                l, p = leb(p); p += l; l, p = leb(p); p += l
                kind = data[p]; p += 1
                if kind == 0: _, p = leb(p); nimports_func += 1
                elif kind == 1: p += 1; fl, p = leb(p); _, p = leb(p); 
                elif kind == 2:
                    fl, p = leb(p); _, p = leb(p)
                    if fl & 1: _, p = leb(p)
                elif kind == 3: p += 2
        if sid == 10:
            cnt, p = leb(pos)
            for i in range(cnt):
                sz, p = leb(p); code_sizes.append(sz); p += sz
    pos = end
for s in sections: print(s)
def crate(n):
    m = re.match(r'_ZN(\d+)', n)
    if m:
        l = int(m.group(1)); seg = n[len('_ZN')+len(m.group(1)):][:l]
        return seg.split('..')[0]
    m = re.match(r'<?([a-zA-Z_][a-zA-Z0-9_]*)::', n.lstrip('<&'))
    return m.group(1) if m else n[:30]
per = collections.Counter()
for i, sz in enumerate(code_sizes):
    n = names.get(nimports_func + i, '?')
    # for generic impls "_ZN...LT$..." try to find first real crate inside
    per[crate(n)] += sz
tot = sum(code_sizes)
print('code total', tot)
for c, s in per.most_common(40): print(f'{s:9d} {c}')
