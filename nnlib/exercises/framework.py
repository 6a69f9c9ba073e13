"""The exercise framework: a learner writes an answer, then calls its checker.

Three kinds of exercise share one verdict type, :class:`Feedback`:

* :class:`Exercise` — *write the code* (formula-to-code, and the training loop): the
  learner's function is run on seeded cases and compared with a reference;
* :class:`ValueExercise` — *derive* (a derivative or a shape worked out by hand) or
  *predict, then run* (commit to a number or a choice, then see what the run shows).

What a checker promises the learner
-----------------------------------
* **Verdict classes.** ``not attempted`` (the untouched stub, or a prediction still
  ``None``), ``correct``, ``mistake`` (a catalogued mistake, named), ``wrong`` (not
  catalogued: the first failing case and where it differs) and ``error`` (the learner's
  code raised: the exception and the learner's own line, never a traceback).
* **Inputs are safe.** Every call gets deep copies; the expected answers come from
  untouched inputs; a function that changes an input it should not is told so by name.
* **Cases are wide.** Non-square shapes, extreme rows, first and last positions — hand
  picked and generated from a fixed seed, so a verdict never changes between runs.
* **Types are checked plainly.** ``None`` → "did you print instead of return?"; a list
  where an array is expected, a string where a number is, a ``bool`` where a count is —
  each gets its own sentence.
* **Every message names the failing case** (its arguments, their shapes, its mode) and
  prints enough digits to see the difference.
* **The feedback path never raises.** Anything unexpected inside the checker degrades
  to a plain "differs from the expected answer" message.
* **Randomised exercises** (dropout) are judged by the properties that define a right
  answer, so every valid convention passes.

Float32 policy (one rule, everywhere)
-------------------------------------
Every exercise works in float64: its inputs are float64 and the answer must be float64
too. A float32 answer is **not accepted**; the verdict says so plainly and tells whether
its values are otherwise right to float32 precision. (Tolerances are then the same for
everybody: relative to each value's magnitude where values can be tiny.)

In a notebook
-------------
``check(answer)``, ``hint(i)`` and ``solution()`` each *display* their own output, so
their order in a cell does not matter and one cannot hide another; hints are numbered
(``hint(1)``, ``hint(2)``) so re-running a cell shows the same hint again.
``evaluate(answer)`` returns the :class:`Feedback` without displaying it (for tests).
"""

from __future__ import annotations

import copy
import html
import inspect
import math
import os
import re
import sysconfig
import textwrap
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

NOT_ATTEMPTED, CORRECT, MISTAKE, WRONG, ERROR = "not attempted", "correct", "mistake", "wrong", "error"
STATUSES = (NOT_ATTEMPTED, CORRECT, MISTAKE, WRONG, ERROR)
_ICONS = {NOT_ATTEMPTED: "○", CORRECT: "✔", MISTAKE: "✘", WRONG: "✘", ERROR: "✘"}
KINDS = ("formula-to-code", "training loop", "derive", "predict, then run")

_NNLIB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIB_DIRS = tuple({p for p in (sysconfig.get_paths().get("stdlib"), sysconfig.get_paths().get("purelib"),
                               sysconfig.get_paths().get("platlib")) if p} | {_NNLIB_DIR})


# --- verdicts ---------------------------------------------------------------------------
@dataclass
class Feedback:
    """What a checker found: ``status`` (one of :data:`STATUSES`), the message, and the
    key of the recognised mistake, if any."""

    exercise: str
    status: str
    message: str
    mistake: str | None = None

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __repr__(self):
        return f"{_ICONS[self.status]} {self.exercise}: {self.message}"

    def _repr_html_(self):
        colour = {CORRECT: "green", NOT_ATTEMPTED: "gray"}.get(self.status, "#b00")
        return (f"<span style='color:{colour}'>{_ICONS[self.status]}</span> "
                f"<b>{html.escape(self.exercise)}</b> — "
                + re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(self.message)))


class HintText(str):
    """A hint: plain text in a notebook."""

    def __repr__(self):
        return str(self)


class SolutionText(str):
    """Source code that notebooks display as a Python code block."""

    def __repr__(self):
        return str(self)

    def _repr_markdown_(self):
        return f"```python\n{self}```"


def _show(obj):
    """Display ``obj`` in a notebook (or print it in a plain interpreter)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
        if get_ipython() is not None:
            display(obj)
            return
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass
    print(repr(obj))


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer: ``implementation`` reproduces it, ``message`` explains it.

    A mistake that shows up as an exception (e.g. ``exp`` overflowing in a naive softmax)
    sets ``raises`` to the exception type and ``match`` to a piece of its message
    (``"overflow"``, not just the type, so 0/0 is never reported as an overflow); it is
    recognised when the answer raises that on the same first case as ``implementation``.
    """

    key: str
    message: str
    implementation: Callable
    raises: type | None = None
    match: str = ""


@dataclass
class Case:
    """One set of arguments, with an optional label (``"evaluation mode"``)."""

    args: tuple
    label: str = ""


class _Hints:
    """Numbered hints shared by both kinds of exercise."""

    name: str
    hints: list

    def hint_text(self, i: int | None = None) -> HintText:
        n = len(self.hints)
        if not n:
            return HintText(f"{self.name}: no hints for this one — try solution().")
        if i is None:
            i = 1
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 1 <= i <= n:
            return HintText(f"{self.name} has hints 1 to {n}: call hint(1) … hint({n}); got {i!r}.")
        more = f"  (hint({i + 1}) for the next one, of {n})" if i < n else f"  (that was the last of {n})"
        return HintText(f"Hint {i}: {self.hints[i - 1]}{more}")

    def hint(self, i: int | None = None) -> None:
        """Show hint ``i`` (1, 2, …); re-running shows the same hint again."""
        _show(self.hint_text(i))


# --- write-the-code exercises -------------------------------------------------------------
@dataclass
class Exercise(_Hints):
    """A write-the-code exercise.

    ``cases(rng)`` returns the argument tuples (or :class:`Case`) the answer is run on.
    ``mutable`` names the arguments the function may change (the training loop's
    ``params``); any other changed argument is reported. ``call(fn, args)`` runs the
    function (default ``fn(*args)``) and may return what to compare; ``judge(answer,
    args)`` replaces the comparison with a reference by a property check (returns
    ``None`` for right, or a message). ``outputs`` names the results of a tuple answer.
    Tolerance: ``|answer − expected| ≤ rtol·|expected| + atol + scale_atol·max|expected|``.
    """

    name: str
    reference: Callable
    cases: Callable
    mistakes: list = field(default_factory=list)
    hints: list = field(default_factory=list)
    kind: str = "formula-to-code"
    rtol: float = 1e-7
    atol: float = 0.0
    scale_atol: float = 1e-12
    mutable: tuple = ()
    outputs: tuple = ()
    call: Callable | None = None
    judge: Callable | None = None
    precheck: Callable | None = None
    summary: Callable | None = None
    seed: int = 0

    def __post_init__(self):
        self._case_cache = None

    # --- the public interface -----------------------------------------------------------
    def check(self, fn) -> None:
        """Run ``fn`` on every case and display the verdict."""
        _show(self.evaluate(fn))

    def solution_text(self) -> SolutionText:
        """The reference's source, preceded by what it needs to run when pasted into a
        notebook: its imports, helper functions and small tables from the exercise module."""
        return SolutionText(_self_contained_source(self.reference))

    def solution(self) -> None:
        """Show the reference solution's source code."""
        _show(self.solution_text())

    def evaluate(self, fn) -> Feedback:
        """The verdict on ``fn`` (never raises)."""
        try:
            return self._evaluate(fn)
        except Exception as exc:  # the checker itself failed: degrade, never show a trace
            return Feedback(self.name, WRONG, "your answer differs from the expected one "
                            f"(the checker could not say more: {type(exc).__name__}).")

    # --- how a verdict is reached ----------------------------------------------------------
    def _evaluate(self, fn) -> Feedback:
        if fn is None:
            return self._fb(NOT_ATTEMPTED, "not attempted yet — write your function, then run this cell.")
        if not callable(fn):
            return self._fb(ERROR, f"check needs your function itself — check({self.name}) without "
                                   f"parentheses after the name; got a {type(fn).__name__}.")
        cases = self._cases()
        answers = []
        for i, case in enumerate(cases):
            outcome = self._run(fn, case.args)
            if isinstance(outcome, BaseException):
                return self._on_exception(fn, outcome, cases, i)
            answer, after = outcome
            changed = self._changed_input(case.args, after)
            if changed:
                return self._fb(WRONG, f"your function changed its input `{changed}` in place "
                                       f"{self._case_text(case, bare=True)}. Leave the inputs as they were: "
                                       f"work on a new array (e.g. `{changed} = {changed}.copy()` "
                                       f"first, or `x = x * 2` instead of `x *= 2`).", "mutates-input")
            if self.precheck is not None:
                msg = self.precheck(answer, case.args, after)
                if msg:
                    return self._fb(WRONG, f"{msg} ({self._case_text(case, bare=True)}).", "contract")
            answers.append(answer)
        verdicts = [self._verdict(a, c) for a, c in zip(answers, cases)]
        if all(v is None for v in verdicts):
            return self._fb(CORRECT, "correct — well done!")
        # A catalogued mistake first (it may have a wrong shape), then a plain type problem.
        first_i = next(i for i, v in enumerate(verdicts) if v is not None)
        first = cases[first_i]
        tail = self._summary(answers[first_i], first)
        for mistake in self.mistakes:
            if mistake.raises is None and self._matches(mistake, cases, answers):
                return self._fb(MISTAKE, f"{mistake.message} (First seen {self._case_text(first, bare=True)}.)"
                                + tail, mistake.key)
        for v, c in zip(verdicts, cases):
            if v is not None and v[0] == "type":
                return self._fb(WRONG, f"{v[1]} ({self._case_text(c, bare=True)}).", "type")
        for v, c in zip(verdicts, cases):
            if v is not None:
                return self._fb(WRONG, f"{self._case_text(c)}: {v[1]}" + (tail if c is first else ""))
        return self._fb(WRONG, "your answer differs from the expected one.")  # pragma: no cover

    def _summary(self, answer, case) -> str:
        """An exercise's own one-line picture of a wrong answer (e.g. how the loss moved)."""
        if self.summary is None:
            return ""
        try:
            text = self.summary(answer, self._expected(case))
        except Exception:  # a summary is a bonus: never let it break the verdict
            return ""
        return f" {text}" if text else ""

    def _fb(self, status, message, mistake=None):
        return Feedback(self.name, status, message, mistake)

    def _cases(self) -> list:
        if self._case_cache is None:
            raw = self.cases(np.random.default_rng(self.seed))
            self._case_cache = [c if isinstance(c, Case) else Case(tuple(c)) for c in raw]
        return self._case_cache

    def _run(self, fn, args, errstate=None):
        """Call ``fn`` on deep copies: ``(answer, the copies afterwards)`` or the exception."""
        mine = copy.deepcopy(args)
        try:
            with np.errstate(**(errstate or {"over": "raise", "divide": "raise", "invalid": "raise"})), \
                    warnings.catch_warnings():
                warnings.simplefilter("ignore")
                answer = self.call(fn, mine) if self.call is not None else fn(*mine)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - anything the learner's code raises
            return exc
        return answer, mine

    def _expected(self, case):
        if not hasattr(case, "_expected"):
            answer, _ = self._run(self.reference, case.args, errstate={"all": "ignore"})
            object.__setattr__(case, "_expected", answer)
        return case._expected

    def _verdict(self, answer, case):
        """``None`` when right, else ``(kind, message)`` with kind ``"type"`` or ``"value"``."""
        try:
            if self.judge is not None:
                msg = self.judge(answer, copy.deepcopy(case.args))
                return None if msg is None else (("type", msg[5:]) if msg.startswith("type:") else ("value", msg))
            return _compare(answer, self._expected(case), self, self.outputs)
        except Exception as exc:  # an answer too odd to compare: say so, with the case
            return "type", (f"your answer ({_type_name(answer)}) cannot be compared with the expected "
                            f"one ({type(exc).__name__})")

    def _matches(self, mistake, cases, answers) -> bool:
        for case, answer in zip(cases, answers):
            outcome = self._run(mistake.implementation, case.args, errstate={"all": "ignore"})
            if isinstance(outcome, BaseException):
                return False
            try:
                if _compare(answer, outcome[0], self, ()) is not None:
                    return False
            except Exception:  # an odd answer cannot be compared with this mistake
                return False
        return True

    def _changed_input(self, before, after) -> str | None:
        names = self._arg_names(len(before))
        for name, b, a in zip(names, before, after):
            if name not in self.mutable and not _equal(a, b):
                return name
        return None

    def _arg_names(self, n):
        try:
            names = list(inspect.signature(self.reference).parameters)
        except (TypeError, ValueError):  # pragma: no cover
            names = []
        return (names + [f"argument {i + 1}" for i in range(len(names), n)])[:n]

    def _case_text(self, case, bare=False) -> str:
        try:
            parts = [f"{n}={_describe(v)}" for n, v in zip(self._arg_names(len(case.args)), case.args)]
            text = ", ".join(parts)
            if case.label:
                text = f"{case.label}: {text}"
        except Exception:  # pragma: no cover - description must never break a verdict
            text = "one of the cases"
        return f"on the case {text}" if bare else f"On the case {text}"

    def _on_exception(self, fn, exc, cases, i) -> Feedback:
        if isinstance(exc, NotImplementedError):
            return self._fb(NOT_ATTEMPTED, "not attempted yet — replace `raise NotImplementedError` "
                                           "with your code, then run this cell again.")
        if isinstance(exc, FloatingPointError):
            # Right values computed with an overflow in between (np.where runs both branches)?
            # Checked before the catalogue, which would name the very fix the learner wrote.
            outcome = self._run(fn, cases[i].args, errstate={"all": "ignore"})
            if not isinstance(outcome, BaseException) and self._verdict(outcome[0], cases[i]) is None \
                    and _uses_where(fn):
                return self._fb(MISTAKE, "your values are right, but computing them hit a "
                                         f"floating-point problem ({exc}) {self._case_text(cases[i], bare=True)}: "
                                         "NumPy warns about it, and in float32 or another formula it "
                                         "would give inf or nan. np.where(c, f(z), g(z)) computes BOTH "
                                         "f and g for every entry before choosing; compute each formula "
                                         "only on the entries where it is safe (z[mask]), or wrap the "
                                         "line in `with np.errstate(over='ignore'):` if the inf is "
                                         "harmless.", "warns")
        for mistake in self.mistakes:
            if mistake.raises is not None and isinstance(exc, mistake.raises) \
                    and (mistake.match in str(exc) if mistake.match else True) \
                    and self._fails_first_at(mistake, exc, cases, i):
                return self._fb(MISTAKE, f"{mistake.message} ({self._case_text(cases[i], bare=True)}.)",
                                mistake.key)
        return self._fb(ERROR, f"{_describe_exception(exc)} {self._case_text(cases[i], bare=True)}.")

    def _fails_first_at(self, mistake, exc, cases, i) -> bool:
        for j, case in enumerate(cases[:i + 1]):
            outcome = self._run(mistake.implementation, case.args)
            if isinstance(outcome, BaseException):
                return (j == i and type(outcome) is type(exc)
                        and (mistake.match in str(outcome) if mistake.match else str(outcome) == str(exc)))
        return False


# --- derive / predict exercises -----------------------------------------------------------
@dataclass
class ValueExercise(_Hints):
    """A value the learner enters: *derive* (worked out by hand) or *predict, then run*.

    ``answer()`` computes the true value (for a prediction: the run itself, done when the
    learner has committed). ``expect`` is ``"number"``, ``"int"``, ``"shape"`` or
    ``"choice"`` (one of ``choices``). ``mistakes`` are ``(key, value, message)`` triples;
    ``explain`` says why the answer is what it is. A number is right within
    ``tolerance`` (absolute) or ``rtol`` (relative)."""

    name: str
    question: str
    answer: Callable
    kind: str = "derive"
    expect: str = "number"
    choices: tuple = ()
    tolerance: float = 0.0
    rtol: float = 1e-6
    mistakes: list = field(default_factory=list)
    explain: str = ""
    hints: list = field(default_factory=list)
    unit: str = ""

    def check(self, value) -> None:
        _show(self.evaluate(value))

    def solution_text(self) -> SolutionText:
        return SolutionText(f"# {self.question}\n# answer: {_fmt_value(self.answer())}\n# {self.explain}\n")

    def solution(self) -> None:
        _show(self.solution_text())

    def evaluate(self, value) -> Feedback:
        try:
            return self._evaluate(value)
        except Exception as exc:  # pragma: no cover - never show a trace
            return Feedback(self.name, WRONG, f"that is not the expected answer "
                                              f"(the checker could not say more: {type(exc).__name__}).")

    def _evaluate(self, value) -> Feedback:
        what = "prediction" if self.kind.startswith("predict") else "answer"
        if value is None or value is Ellipsis:
            tail = (" The run is shown once you have committed to a prediction."
                    if what == "prediction" else "")
            return Feedback(self.name, NOT_ATTEMPTED,
                            f"not attempted yet — replace None with your {what}, then run this cell again.{tail}")
        got, problem = self._parse(value)
        if problem:
            return Feedback(self.name, WRONG, problem, "type")
        truth = self.answer()
        lead = (f"you predicted {_fmt_value(got)}; the run shows {_fmt_value(truth)}{self.unit}. "
                if what == "prediction" else "")
        if self._close(got, truth):
            text = (lead + f"Right. {self.explain}" if lead
                    else f"correct — {_fmt_value(truth)}{self.unit}. {self.explain}")
            return Feedback(self.name, CORRECT, text.strip())
        for key, wrong, message in self.mistakes:
            if self._close(got, wrong):
                return Feedback(self.name, MISTAKE, (lead + message).strip(), key)
        if lead and isinstance(truth, float) and 0 < truth < 1 and 1 < got <= 100 \
                and self._close(got / 100, truth):
            return Feedback(self.name, WRONG, "enter the fraction as a number between 0 and 1 "
                                              f"({got / 100:g}), not as a percentage ({got:g}).")
        if lead:
            gap = (f"That is {abs(got - truth):.3g} {'above' if got > truth else 'below'}. "
                   if not isinstance(truth, (str, tuple)) else "")
            return Feedback(self.name, WRONG, (lead + gap + self.explain).strip())
        return Feedback(self.name, WRONG, f"{_fmt_value(got)} is not it. Check your working "
                                          f"step by step; hint(1) gives a first step.")

    def _parse(self, value):
        if callable(value):
            return None, "enter the value itself, not a function."
        if self.expect == "choice":
            if not isinstance(value, str):
                return None, f"choose one of {', '.join(map(repr, self.choices))} (a string); got {value!r}."
            v = value.strip().lower()
            if v not in self.choices:
                return None, f"choose one of {', '.join(map(repr, self.choices))}; got {value!r}."
            return v, None
        if self.expect == "shape":
            if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iu":
                value = tuple(value.tolist())
            if not isinstance(value, (tuple, list)):
                return None, (f"enter the shape as a tuple of integers, like (3, 2); "
                              f"got {type(value).__name__} {value!r}.")
            if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
                return None, f"a shape holds integers, like (3, 2); got {value!r}."
            return tuple(int(v) for v in value), None
        if isinstance(value, (bytes, bytearray)):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str):
            return None, f"you entered the string {value!r}: enter the number itself, without quotes."
        if isinstance(value, (bool, np.bool_)):
            return None, f"you entered {value!r}, a truth value: enter a number."
        if isinstance(value, (np.floating, np.ndarray)) and np.asarray(value).dtype == np.float32:
            return None, "that is a float32 number: this companion works in float64; enter a Python float."
        if isinstance(value, np.ndarray):
            if value.size != 1:
                return None, f"enter a single number, not an array of shape {value.shape}."
            value = value.reshape(()).item()
        if isinstance(value, (list, tuple, dict, set)):
            return None, f"enter a single number, not a {type(value).__name__}."
        if isinstance(value, (complex, np.complexfloating)):
            return None, f"enter a real number; got {value!r}."
        try:
            value = float(value)          # int, float, Fraction, NumPy and SymPy numbers
        except (TypeError, ValueError):
            return None, f"enter a number; got a {type(value).__name__}."
        if not math.isfinite(value):
            return None, f"enter a finite number; got {value}."
        if self.expect == "int" and value != int(value):
            return None, f"this is a count: enter a whole number; got {value}."
        return value, None

    def _close(self, got, truth) -> bool:
        if isinstance(truth, (str, tuple)):
            return got == truth
        return abs(got - truth) <= self.tolerance + self.rtol * abs(truth)


# --- comparison -------------------------------------------------------------------------
def _equal(a, b) -> bool:
    """Exact equality of nested arguments (NaN equals NaN): was an input changed?"""
    if isinstance(b, dict):
        return isinstance(a, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in b)
    if isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype
                and bool(np.array_equal(a, b, equal_nan=b.dtype.kind == "f")))
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:  # pragma: no cover
        return False


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _type_name(x) -> str:
    if x is None:
        return "None"
    if isinstance(x, np.ndarray):
        return f"a {x.dtype} array of shape {x.shape}"
    if isinstance(x, np.generic):
        return f"a NumPy {x.dtype} scalar"
    name = type(x).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _compare(answer, expected, ex, names=(), where=""):
    """``None`` when ``answer`` equals ``expected`` within the tolerance, else
    ``("type" | "value", message)`` describing the first difference."""
    at = f"{where}: " if where else ""
    if answer is None and expected is not None:
        return "type", f"{at}your function returned None — did you print instead of return?"
    if isinstance(expected, tuple):
        if not isinstance(answer, (tuple, list)) or len(answer) != len(expected):
            return "type", (f"{at}expected a tuple of {len(expected)} results"
                            + (f" ({', '.join(names)})" if names else "") + f", got {_type_name(answer)}"
                            + (f" of length {len(answer)}" if isinstance(answer, (tuple, list)) else ""))
        for i, (a, e) in enumerate(zip(answer, expected)):
            label = names[i] if i < len(names) else f"result {i + 1} of {len(expected)}"
            r = _compare(a, e, ex, (), where=f"{where + ', ' if where else ''}{label}")
            if r is not None:
                return r
        return None
    if isinstance(expected, dict):
        if not isinstance(answer, dict):
            return "type", f"{at}expected a dict with keys {sorted(expected)}, got {_type_name(answer)}"
        if set(answer) != set(expected):
            missing, extra = sorted(set(expected) - set(answer)), sorted(set(answer) - set(expected))
            return "type", (f"{at}expected a dict with keys {sorted(expected)}"
                            + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else ""))
        for k in sorted(expected):
            r = _compare(answer[k], expected[k], ex, (), where=f"{where + ', ' if where else ''}entry {k!r}")
            if r is not None:
                return r
        return None
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return "type", f"{at}expected a string such as {expected!r}, got {_type_name(answer)}"
        if answer.strip().lower() != expected.lower():
            return "value", f"{at}{answer!r} is not the right answer here"
        return None
    if isinstance(expected, list):  # a sequence of numbers (the training loop's losses)
        if not isinstance(answer, (list, tuple, np.ndarray)):
            return "type", f"{at}expected a list of {len(expected)} numbers, got {_type_name(answer)}"
        if len(answer) != len(expected):
            return "type", f"{at}expected {len(expected)} numbers, got {len(answer)}"
        try:
            arr = np.asarray(answer)
        except Exception:
            return "type", f"{at}expected a list of numbers"
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        if arr.dtype.kind not in "fi" or arr.ndim != 1:
            return "type", f"{at}expected a list of {len(expected)} numbers, got {_type_name(arr)}"
        if arr.ndim == 2 and arr.shape[1] == 1:      # losses kept as 1-element arrays
            arr = arr[:, 0]
        if arr.dtype.kind == "f" and arr.dtype.itemsize < 8:
            return "type", f"{at}{_float32_message(arr, np.asarray(expected), ex)}"
        return _values(arr.astype(float), np.asarray(expected, dtype=float), ex, at, seq=True)
    if isinstance(expected, (bool, np.bool_)) or (isinstance(expected, np.ndarray) and expected.dtype == bool):
        a = answer
        if isinstance(expected, np.ndarray):
            if not isinstance(a, np.ndarray):
                return "type", f"{at}expected a NumPy bool array of shape {expected.shape}, got {_type_name(a)}"
            if a.dtype != bool:
                return "type", (f"{at}expected a bool array (True/False), got {_type_name(a)} — "
                                "a comparison such as Z <= 0 already gives bools")
            if a.shape != expected.shape:
                return "type", f"{at}wrong shape: expected {expected.shape}, got {a.shape}"
            bad = np.argwhere(a != expected)
            if len(bad):
                idx = tuple(int(i) for i in bad[0])
                return "value", (f"{at}{len(bad)} of {expected.size} entries differ; first at index "
                                 f"{idx[0] if len(idx) == 1 else idx}: expected {bool(expected[idx])}, got {bool(a[idx])}")
            return None
        if not isinstance(a, (bool, np.bool_)):
            return "type", f"{at}expected True or False, got {_type_name(a)}"
        return None if bool(a) == bool(expected) else ("value", f"{at}expected {bool(expected)}, got {bool(a)}")
    if isinstance(expected, (int, np.integer)):
        if isinstance(answer, (bool, np.bool_)) or not _is_number(answer):
            hint = " (a number, without quotes)" if isinstance(answer, str) else ""
            return "type", f"{at}expected an integer count{hint}, got {_type_name(answer)} {answer!r}"
        if not math.isfinite(float(answer)) or answer != int(answer):
            return "type", f"{at}a count is a whole number, got {answer!r}"
        if int(answer) != int(expected):
            return "value", f"{at}expected {int(expected)}, got {int(answer)}"
        return None
    # Floating-point results: arrays, or a single number.
    e = np.asarray(expected, dtype=float)
    if e.ndim == 0:
        if isinstance(answer, np.ndarray) and answer.size == 1 and answer.ndim > 0:
            return "type", (f"{at}expected a single number, got an array of shape {answer.shape} — "
                            "index it or use a 1-D dot product")
        if isinstance(answer, str) or isinstance(answer, (bool, np.bool_)) or not (
                _is_number(answer) or (isinstance(answer, np.ndarray) and answer.ndim == 0)):
            return "type", f"{at}expected a number, got {_type_name(answer)}"
        a = np.asarray(answer)
    else:
        if isinstance(answer, (list, tuple)):
            return "type", f"{at}expected a NumPy array of shape {e.shape}, got a {type(answer).__name__} — return an array"
        if not isinstance(answer, np.ndarray):
            return "type", f"{at}expected a NumPy array of shape {e.shape}, got {_type_name(answer)}"
        a = answer
        if a.dtype.kind not in "fiu" or a.dtype == bool:
            return "type", f"{at}expected a float array, got {_type_name(a)}"
        if a.shape != e.shape:
            return "type", f"{at}wrong shape: expected {e.shape}, got {a.shape}"
    if a.dtype.kind == "f" and a.dtype.itemsize < 8:
        return "type", f"{at}{_float32_message(a, e, ex)}"
    return _values(a.astype(float), e, ex, at)


def _float32_message(a, e, ex) -> str:
    a64 = np.asarray(a, dtype=float)
    close32 = a64.shape == e.shape and bool(np.all(np.abs(a64 - e) <= 2e-6 * np.abs(e) + 1e-30
                                                    + 1e-7 * (np.max(np.abs(e)) if e.size else 0)))
    return (f"the result is {np.asarray(a).dtype}; this companion works in float64 throughout, so "
            "remove the cast" + (" — your values are otherwise right to float32 precision"
                                 if close32 else ", then compare again"))


def _values(a, e, ex, at, seq=False):
    scale = float(np.max(np.abs(e[np.isfinite(e)]))) if np.any(np.isfinite(e)) else 0.0
    tol = ex.rtol * np.abs(e) + ex.atol + ex.scale_atol * scale
    with np.errstate(all="ignore"):
        ok = (np.abs(a - e) <= tol) | (np.isnan(a) & np.isnan(e)) | ((a == e) & np.isinf(e))
    if np.all(ok):
        return None
    bad = np.argwhere(~ok)
    if a.ndim == 0:
        return "value", f"{at}expected {_fmt_pair(e, a)}"
    idx = tuple(int(i) for i in bad[0])
    name = ("at step" if seq else "at index") + f" {idx[0] if len(idx) == 1 else idx}"
    return "value", (f"{at}right shape {e.shape}, but {len(bad)} of {e.size} entries differ; first {name}: "
                     f"expected {_fmt_pair(e[idx], a[idx])}")


def _fmt_pair(expected, got) -> str:
    """``"expected X, got Y"`` with enough significant digits to see they differ."""
    e, g = float(expected), float(got)
    for p in range(6, 18):
        se, sg = f"{e:.{p}g}", f"{g:.{p}g}"
        if se != sg:
            break
    return f"{se}, got {sg}"


def _fmt_value(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return repr(v) if isinstance(v, str) else str(v)


def _describe(v) -> str:
    if isinstance(v, np.ndarray):
        if v.size <= 4 and v.ndim <= 1:
            return np.array2string(v, precision=4, separator=", ")
        return f"array{v.shape}"
    if isinstance(v, dict):
        inner = ", ".join(f"{k}: {_describe(x)}" for k, x in v.items())
        return "{" + inner + "}"
    if isinstance(v, (list, tuple)):
        if len(v) > 6 or any(isinstance(x, (np.ndarray, tuple, list, dict)) for x in v):
            return f"{type(v).__name__} of {len(v)}"
        return repr(list(v)) if isinstance(v, list) else repr(v)
    if isinstance(v, float):
        return f"{v:.6g}"
    return repr(v)


def _uses_where(fn) -> bool:
    """Does the learner's code call np.where (which evaluates both branches)?"""
    try:
        return "where(" in inspect.getsource(fn)
    except (OSError, TypeError):
        return True


def _describe_exception(exc) -> str:
    """The exception and the learner's own line: frames in nnlib, NumPy or the standard
    library are never quoted as the learner's."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames
            if not os.path.abspath(f.filename).startswith(_LIB_DIRS) and f.filename != "<string>"]
    mine = [f for f in mine if os.path.abspath(f.filename) != os.path.abspath(__file__)]
    where = f" (in your line {mine[-1].lineno}: `{mine[-1].line.strip()}`)" if mine and mine[-1].line else ""
    text = str(exc).strip() or "(no message)"
    if len(text) > 300:
        text = text[:300] + " …"
    return f"your function raised {type(exc).__name__}: {text}{where}"


def _self_contained_source(fn) -> str:
    """``fn``'s source with the imports, helpers and constants it uses from its module, so
    that the text runs on its own (a learner pastes a solution into a fresh cell)."""
    imports, defs, seen = [], [], set()

    def names(code):  # the globals a function and its comprehensions/lambdas use
        yield from code.co_names
        for const in code.co_consts:
            if inspect.iscode(const):
                yield from names(const)

    def need(f):
        for name in names(f.__code__):
            if name in seen or name not in f.__globals__:
                continue
            seen.add(name)
            value = f.__globals__[name]
            if inspect.ismodule(value):
                module = value.__name__
                line = (f"import {module}" if module == name else
                        f"import {module} as {name}" if "." not in module else
                        f"from {module.rpartition('.')[0]} import {module.rpartition('.')[2]}"
                        + ("" if module.rpartition('.')[2] == name else f" as {name}"))
                imports.append(line)
            elif inspect.isfunction(value) and value.__module__ == f.__module__:
                need(value)
                defs.append(textwrap.dedent(inspect.getsource(value)))
            elif isinstance(value, (dict, tuple, list, int, float, str)) and len(repr(value)) < 2000:
                defs.append(f"{name} = {value!r}\n")
    need(fn)
    head = "".join(line + "\n" for line in sorted(set(imports), key=lambda l: (l.startswith("from"), l)))
    body = "\n\n".join(defs + [textwrap.dedent(inspect.getsource(fn))])
    return (head + "\n\n" if head else "") + body
