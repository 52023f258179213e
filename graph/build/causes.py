"""Root causes: one broken row reported once, with the rows that fail because of it summarised.

One bad code in ``entries.tsv`` used to surface as thousands of errors: every task, label,
standard, work requirement ... that refers to the code failed too, and each failure made the
next file set fail (a standard that is not defined has no functions, no contents, no
requirements). An editor needs the one row to fix. So:

- a reader that defines what other rows refer to records the keys it could not define, with the
  problem that stopped it (``Causes.broken``), and, for a row whose key itself is malformed, the
  gap in the sorted file where that key would be (``Causes.gaps``);
- a row that refers to a key that is not there reports a ``MissingReference`` (``Row.missing``)
  naming the file that should define it;
- ``trace`` then attaches every missing reference to the problem that explains it: the broken
  row of that key, the malformed row in whose gap the key falls, or (when the defining file had
  problems of its own and so stopped early) that file's first root problem, transitively.
  References that nothing explains are root causes themselves (a typo, or a deleted row:
  graph/workflow/validate.py names the release a deleted key was in). References to the same
  missing key are reported once, at the first row, with the rest as its consequences.

>>> from graph.core.errors import MissingReference, SourceError
>>> bad = SourceError("standards/classification/entries.tsv", 303, "column 'code': '2-02-38-1x' does not match")
>>> causes = Causes()
>>> causes.gap("classification/entries.tsv", "2-02-37-99", "2-02-38-02", bad)
>>> refs = [MissingReference("standards/classification/tasks.tsv", n, "unknown code 2-02-38-01",
...         key="2-02-38-01", defined_in="classification/entries.tsv") for n in (7, 8)]
>>> roots = causes.trace([bad, *refs])
>>> [r.line for r in roots], roots[0].consequence_summary()
([303], 'and 2 rows in 1 file that refer to it')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from graph.core.errors import MissingReference, SourceError


def defined_in(path: str) -> str:
    """``classification/entries.tsv`` for ``…/standards/classification/entries.tsv``."""
    return "/".join(PurePath(path).parts[-2:])


@dataclass
class Causes:
    broken: dict[tuple[str, str], SourceError] = field(default_factory=dict)
    gaps: list[tuple[str, str, str, SourceError]] = field(default_factory=list)

    def gap(self, file: str, after: str, before: str, problem: SourceError) -> None:
        """A row of ``file`` whose key is malformed sits between keys ``after`` and ``before``."""
        self.gaps.append((file, after, before, problem))

    def explain(self, ref: MissingReference) -> SourceError | None:
        found = self.broken.get((ref.defined_in, ref.key))
        if found is not None:
            return found
        for file, after, before, problem in self.gaps:
            if file == ref.defined_in and after < ref.key and (not before or ref.key < before):
                return problem
        return None

    def trace(self, problems: list[SourceError]) -> list[SourceError]:
        """The root problems, in their order, each with its ``consequences`` filled in."""
        by_file: dict[str, list[SourceError]] = {}
        for p in problems:
            by_file.setdefault(defined_in(p.path), []).append(p)
        first_ref: dict[tuple[str, str], MissingReference] = {}
        memo: dict[int, SourceError] = {}

        def root(p: SourceError, seen: frozenset[int] = frozenset()) -> SourceError:
            if id(p) in memo:
                return memo[id(p)]
            found = p
            if isinstance(p, MissingReference) and id(p) not in seen:
                seen = seen | {id(p)}
                cause = self.explain(p)
                if cause is None:
                    others = [q for q in by_file.get(p.defined_in, []) if q is not p and id(q) not in seen]
                    if others:
                        cause = min(others, key=lambda q: q.line)
                if cause is not None:
                    found = root(cause, seen)
                else:
                    found = first_ref.setdefault((p.defined_in, p.key), p)
            memo[id(p)] = found
            return found

        roots: list[SourceError] = []
        for p in problems:
            p.consequences = []
        for p in problems:
            r = root(p)
            if r is p:
                roots.append(p)
            else:
                r.consequences.append(p)
        return roots
