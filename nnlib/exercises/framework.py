"""The exercise framework: a learner edits a stub, then calls its checker.

An :class:`Exercise` knows

* a reference solution (the right answer),
* a few test cases (inputs the learner's function is called on),
* a catalogue of common mistakes, each a deliberately wrong implementation with a
  message that names the mistake ("you forgot the transpose …"),
* progressive hints.

``exercise.check(fn)`` runs ``fn`` on every case and returns a :class:`Feedback`:

* the stub still raises ``NotImplementedError`` → "not attempted yet" (no traceback,
  so *Run All* carries on);
* the answer matches the reference on every case → confirmation;
* the answer matches a catalogued mistake on every case → that mistake's message;
* otherwise → where it differs: the shape, or the first entry that differs.

Hints come one at a time with ``exercise.hint()``; ``exercise.solution()`` shows the
reference code.  Neither is shown unless asked for.
"""

from __future__ import annotations

import inspect
import textwrap
import traceback
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

NOT_ATTEMPTED, CORRECT, MISTAKE, WRONG, ERROR = "not attempted", "correct", "mistake", "wrong", "error"
_ICONS = {NOT_ATTEMPTED: "○", CORRECT: "✔", MISTAKE: "✘", WRONG: "✘", ERROR: "✘"}


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer: ``implementation`` reproduces it, ``message`` explains it.

    A mistake that shows up as an error instead (e.g. ``exp`` overflowing in a naive
    sigmoid) gives ``raises`` = the exception type; its ``implementation`` is then the
    wrong code that raises it (used by the tests).
    """

    key: str
    message: str
    implementation: Callable
    raises: type | None = None


@dataclass
class Feedback:
    """What :meth:`Exercise.check` found.  ``status`` is one of
    ``"not attempted"``, ``"correct"``, ``"mistake"``, ``"wrong"``, ``"error"``;
    ``mistake`` is the key of the recognised mistake, if any."""

    exercise: str
    status: str
    message: str
    mistake: str | None = None

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __repr__(self):
        return f"{_ICONS[self.status]} {self.exercise}: {self.message}"

    def _repr_markdown_(self):
        colour = {CORRECT: "green", NOT_ATTEMPTED: "gray"}.get(self.status, "#b00")
        return (f"<span style='color:{colour}'>{_ICONS[self.status]}</span> "
                f"**{self.exercise}** — {self.message}")


@dataclass
class Exercise:
    """One exercise.  ``cases`` is a function ``rng -> list of argument tuples``."""

    name: str
    reference: Callable
    cases: Callable
    mistakes: list = field(default_factory=list)
    hints: list = field(default_factory=list)
    rtol: float = 1e-6
    atol: float = 1e-9
    seed: int = 0
    errstate: dict = field(default_factory=lambda: {"over": "raise", "invalid": "raise",
                                                     "divide": "raise"})

    def __post_init__(self):
        self._hints_shown = 0

    # --- checking --------------------------------------------------------------
    def check(self, fn) -> Feedback:
        """Run ``fn`` on every test case and say whether, and how, it is wrong."""
        if not callable(fn):
            raise TypeError(f"check needs your function itself (e.g. check({self.name}) "
                            f"without parentheses), got {type(fn).__name__}")
        cases = self._cases()
        answers = []
        for i, args in enumerate(cases):
            try:
                # Overflow, 0/0 … raise instead of warning, so they can be named.
                with np.errstate(**self.errstate):
                    answers.append(fn(*_copy(args)))
            except NotImplementedError:
                return Feedback(self.name, NOT_ATTEMPTED,
                                "not attempted yet — replace `raise NotImplementedError` with "
                                "your code, then run this cell again.")
            except Exception as exc:  # the learner's code failed: say where, briefly
                for mistake in self.mistakes:
                    if mistake.raises is not None and isinstance(exc, mistake.raises) \
                            and self._fails_first_at(mistake, cases, i):
                        return Feedback(self.name, MISTAKE, mistake.message, mistake.key)
                return Feedback(self.name, ERROR, _describe_exception(exc))
        expected = [self.reference(*_copy(args)) for args in cases]
        if all(self._same(a, e) for a, e in zip(answers, expected)):
            return Feedback(self.name, CORRECT, "correct — well done!")
        for mistake in self.mistakes:
            if mistake.raises is None and self._matches(mistake, cases, answers):
                return Feedback(self.name, MISTAKE, mistake.message, mistake.key)
        for args, a, e in zip(cases, answers, expected):
            if not self._same(a, e):
                return Feedback(self.name, WRONG, _where_it_differs(a, e, args))
        raise RuntimeError("unreachable: some answer differed")  # pragma: no cover

    def _cases(self):
        return self.cases(np.random.default_rng(self.seed))

    def _fails_first_at(self, mistake, cases, i) -> bool:
        """Does ``mistake`` run on cases[:i] and raise its exception on cases[i], as the answer did?"""
        for j, args in enumerate(cases[:i + 1]):
            try:
                with np.errstate(**self.errstate):
                    mistake.implementation(*_copy(args))
            except mistake.raises:
                return j == i
        return False

    def _matches(self, mistake, cases, answers) -> bool:
        for args, answer in zip(cases, answers):
            try:
                with np.errstate(all="ignore"):
                    wrong = mistake.implementation(*_copy(args))
            except Exception:  # this mistake cannot even run on this case
                return False
            if not self._same(answer, wrong):
                return False
        return True

    def _same(self, answer, expected) -> bool:
        """Equal up to rtol/atol: arrays and numbers, strings, and tuples/dicts of them."""
        if isinstance(expected, tuple):
            return (isinstance(answer, (tuple, list)) and len(answer) == len(expected)
                    and all(self._same(a, e) for a, e in zip(answer, expected)))
        if isinstance(expected, dict):
            return (isinstance(answer, dict) and answer.keys() == expected.keys()
                    and all(self._same(answer[k], expected[k]) for k in expected))
        if isinstance(expected, str):
            return isinstance(answer, str) and answer.strip().lower() == expected.lower()
        try:
            a = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return False
        e = np.asarray(expected, dtype=float)
        return a.shape == e.shape and bool(np.allclose(a, e, rtol=self.rtol, atol=self.atol,
                                                       equal_nan=True))

    # --- help on request -------------------------------------------------------
    def hint(self) -> str:
        """The next hint (each call reveals one more)."""
        if not self.hints:
            return HintText(f"{self.name}: no hints for this one — try the solution().")
        self._hints_shown = min(self._hints_shown + 1, len(self.hints))
        shown = self.hints[:self._hints_shown]
        more = ("" if self._hints_shown == len(self.hints)
                else f"  (call hint() again for hint {self._hints_shown + 1} of {len(self.hints)})")
        return HintText("\n".join(f"Hint {i}: {h}" for i, h in enumerate(shown, 1)) + more)

    def solution(self) -> str:
        """The reference solution's source code."""
        return SolutionText(textwrap.dedent(inspect.getsource(self.reference)))


class HintText(str):
    """A string that notebooks display as plain text."""

    def __repr__(self):
        return str(self)


class SolutionText(str):
    """Source code that notebooks display as a Python code block."""

    def __repr__(self):
        return str(self)

    def _repr_markdown_(self):
        return f"```python\n{self}```"


def _copy(args):
    """Fresh copies of array arguments, so a function that edits its input in place
    cannot change what the next function sees."""
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _describe_exception(exc) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if "nnlib" not in f.filename.replace("\\", "/").split("/")[-2:-1]]
    where = f" (line {mine[-1].lineno}: `{mine[-1].line}`)" if mine and mine[-1].line else ""
    return f"your function raised {type(exc).__name__}: {exc}{where}"


def _where_it_differs(answer, expected, args) -> str:
    shapes = ", ".join(f"{np.shape(a)}" for a in args if isinstance(a, np.ndarray))
    if isinstance(expected, str):
        return f"for this case the expected answer is not {answer!r}"
    if isinstance(expected, dict):
        if not isinstance(answer, dict) or answer.keys() != expected.keys():
            got = sorted(answer) if isinstance(answer, dict) else type(answer).__name__
            return f"expected a dict with keys {sorted(expected)}, got {got}"
        for k in expected:
            if not np.allclose(np.asarray(answer[k], dtype=float), expected[k]) or \
                    np.shape(answer[k]) != np.shape(expected[k]):
                return f"entry {k!r}: " + _where_it_differs(answer[k], expected[k], args)
    if isinstance(expected, tuple):
        if not isinstance(answer, (tuple, list)) or len(answer) != len(expected):
            return f"expected a tuple of {len(expected)} results, got {type(answer).__name__}"
        for i, (a, e) in enumerate(zip(answer, expected)):
            a_arr, e_arr = np.asarray(a, dtype=float), np.asarray(e, dtype=float)
            if a_arr.shape != e_arr.shape or not np.allclose(a_arr, e_arr):
                return f"result {i + 1} of {len(expected)}: " + _where_it_differs(a, e, args)
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return f"expected an array, got {type(answer).__name__}"
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        return (f"wrong shape: expected {e.shape}, got {a.shape}"
                + (f" (inputs had shapes {shapes})" if shapes else ""))
    bad = np.argwhere(~np.isclose(a, e, rtol=1e-6, atol=1e-9))
    idx = tuple(int(i) for i in bad[0]) if a.ndim else ()
    where = f"at index {idx}" if idx else "the value"
    return (f"right shape {e.shape}, but {len(bad)} of {e.size} entries differ; "
            f"first {where}: expected {e[idx]:.6g}, got {a[idx]:.6g}")
