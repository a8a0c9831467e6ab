#!/usr/bin/env python3
"""Fails on a cycle between auditpack's modules.

Reads the graph `cargo modules dependencies -p auditpack --lib --no-externs
--no-sysroot` prints (Graphviz, every item with its "uses" edges) on stdin, files each
item under the module that holds it, and checks two levels, as ARCHITECTURE.md ("What
may depend on what") asks:

- top level: `config`, `ingest`, `model`, ... (every module of `src/` seen whole, its
  submodules included) must not depend on each other in a circle;
- siblings: the submodules of one module (`ingest::canonical` and `ingest::audit`,
  `model::rollup` and `model::tenant`, ...) must not either. A submodule using its
  parent's shared items (`super::RowSink`) is the parent's business, not a sibling's,
  and is not counted.

Why not `cargo modules dependencies --acyclic`: it judges the graph of items, not of
modules, so a type and its own method (`Policy` and `Policy::default`) already make a
"cycle" and it stops at the first one. And methods are left out here: cargo-modules
files a method under its type, wherever its `impl` block is, so `model`'s
`impl Assessment` blocks in `figures.rs` or `tenant/` would read as `assessment.rs`
depending on them. What a method's file imports with `use` is still counted.

Prints every cycle with the edges that close it; exits 1 when there is one not in
KNOWN, 2 when the input is not such a graph.
"""

import re
import sys

# The crate whose graph is on stdin: `auditpack` (src/) or `auditpack_fixturegen` (tools/).
CRATE = sys.argv[1] if len(sys.argv) > 1 else "auditpack"
NODE = re.compile(r'^\s*"([^"]+)" \[label="([^|"]*)\|')
USES = re.compile(r'^\s*"([^"]+)" -> "([^"]+)" \[label="uses"')

# Cycles not broken yet, each with why; printed on every run. Only ever remove entries:
# a cycle that is not exactly one of these fails.
KNOWN: dict = {}


def read_graph(lines):
    kinds, uses = {}, []
    for line in lines:
        edge = USES.match(line)
        if edge:
            uses.append(edge.groups())
            continue
        node = NODE.match(line)
        if node:
            kinds[node.group(1)] = node.group(2).split()[-1]  # "pub(self) fn" -> "fn"
    return kinds, uses


def module_of(path, kinds):
    """The innermost module (or the crate) holding the item at `path`."""
    parts = path.split("::")
    for end in range(len(parts), 0, -1):
        prefix = "::".join(parts[:end])
        if kinds.get(prefix) in ("mod", "crate"):
            return prefix
    return None


def is_associated(path, kinds):
    """A method or associated item: its parent is a type or trait, not a module."""
    parent = path.rpartition("::")[0]
    return kinds.get(parent) not in (None, "mod", "crate")


def cycles(edges):
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def main():
    kinds, uses = read_graph(sys.stdin)
    if kinds.get(CRATE) != "crate" or not uses:
        print(f"module-cycles: no `{CRATE}` crate graph on stdin", file=sys.stderr)
        return 2
    module_edges = set()
    for source, target in uses:
        if is_associated(source, kinds):
            continue
        a, b = module_of(source, kinds), module_of(target, kinds)
        if a and b and a != b:
            module_edges.add((a, b))
    short = lambda m: m[len(CRATE) + 2:] if m != CRATE else CRATE  # noqa: E731

    levels = {}
    for a, b in module_edges:
        pa, pb = a.split("::")[1:], b.split("::")[1:]
        # Top level: the first segment under the crate (the crate root is `lib.rs`).
        top_a, top_b = (pa[:1] or [CRATE])[0], (pb[:1] or [CRATE])[0]
        if top_a != top_b:
            levels.setdefault("top-level modules", set()).add((top_a, top_b))
        # Siblings: below their deepest common module, each side seen whole (under the
        # crate root, that is the top level again).
        common = 0
        while common < min(len(pa), len(pb)) and pa[common] == pb[common]:
            common += 1
        if 0 < common < len(pa) and common < len(pb):
            parent = "::".join([CRATE] + pa[:common])
            level = f"submodules of {short(parent)}"
            levels.setdefault(level, set()).add((pa[common], pb[common]))

    failed = False
    for level in sorted(levels):
        edges = levels[level]
        for component in cycles(edges):
            members = set(component)
            known = KNOWN.get((level, tuple(component)))
            if known:
                print(f"known cycle between {level}: {', '.join(component)} ({known})")
                continue
            failed = True
            print(f"cycle between {level}: {', '.join(component)}")
            for a, b in sorted(edges):
                if a in members and b in members:
                    print(f"    {a} -> {b}")
    if failed:
        return 1
    print(f"module-cycles: no new cycle ({len(module_edges)} module dependencies checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
