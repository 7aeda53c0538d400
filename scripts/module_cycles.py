#!/usr/bin/env python3
"""Import cycles between the top-level modules of a crate.

Reads every `.rs` file under SRC, maps it to its top-level module (the first
path component under src/, `lib.rs`/`main.rs` being the crate root), and
records an edge A -> B for each `crate::B` path that a file of A names
(in `use` statements or inline paths; `super::` inside a module stays in
it). A name re-exported by the crate root (`pub use x::Y;` in lib.rs) is
resolved to the module it comes from, so `crate::Y` counts as an edge to
`x`. Prints every strongly connected component of more than one module
and exits 1 if there is one.
"""
import os
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "src"
root_files = {"lib.rs", "main.rs"}


def module_of(path):
    rel = os.path.relpath(path, src)
    first = rel.split(os.sep)[0]
    if first in root_files:
        return None
    return first[:-3] if first.endswith(".rs") else first


def strip_comments(text):
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


files = []
for d, _, names in os.walk(src):
    files += [os.path.join(d, n) for n in names if n.endswith(".rs")]

modules = {module_of(f) for f in files} - {None}

# Names the crate root re-exports: `pub use module::{A, B};` or `pub use module::A;`.
reexport = {}
for f in files:
    if os.path.basename(f) in root_files and os.path.dirname(f) == src:
        text = strip_comments(open(f, encoding="utf-8").read())
        for m in re.finditer(r"pub\s+use\s+(\w+)::([^;]+);", text):
            origin, names = m.group(1), m.group(2)
            for name in re.findall(r"\b(\w+)\b", names):
                reexport[name] = origin


def expand_use_groups(text):
    """`crate::{a, b::C}` -> ['crate::a', 'crate::b::C'] (one level)."""
    out = []
    for m in re.finditer(r"crate::\{([^}]*)\}", text):
        for part in m.group(1).split(","):
            part = part.strip()
            if part:
                out.append("crate::" + part)
    return out


edges = {m: set() for m in modules}
for f in files:
    a = module_of(f)
    if a is None:
        continue
    text = strip_comments(open(f, encoding="utf-8").read())
    paths = re.findall(r"crate::(\w+)", text)
    paths += [p[len("crate::"):].split("::")[0] for p in expand_use_groups(text)]
    for p in paths:
        b = p if p in modules else reexport.get(p)
        if b and b != a and b in modules:
            edges[a].add(b)

# Tarjan's strongly connected components.
index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        sccs.append(sorted(comp))


sys.setrecursionlimit(10000)
for v in sorted(modules):
    if v not in index:
        visit(v)

cycles = [c for c in sccs if len(c) > 1]
for c in cycles:
    print(f"{src}: import cycle between {', '.join(c)}")
    for a in c:
        print(f"  {a} -> {', '.join(sorted(edges[a] & set(c)))}")
sys.exit(1 if cycles else 0)
