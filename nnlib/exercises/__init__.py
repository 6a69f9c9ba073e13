"""Auto-checked exercises for every chapter.

In a chapter::

    from nnlib.exercises import ch01
    def neuron(x, w, b):
        raise NotImplementedError   # your code here
    ch01.neuron.check(neuron)       # shows "not attempted yet", a named mistake and its case, or "correct"
    # ch01.neuron.hint(1)           # hint 1 (hint(2) for the next); the verdict above stays visible
    # ch01.neuron.solution()        # the reference code

A value exercise (derive, or predict then run) is checked the same way with the value:
``ch01.weight_shape.check((64, 128))``; ``None`` means "not attempted yet", and a
prediction's run is shown only once the learner has committed to one.

Each chapter module lists its exercises in ``EXERCISES``; ``ALL`` gathers them. The
verdict classes, the safety promises and the float64 policy are stated in
:mod:`nnlib.exercises.framework`.
"""

from . import ch01, ch02, ch03, ch04, ch05
from .framework import Case, Exercise, Feedback, Mistake, ValueExercise

ALL = {f"{module.__name__.rsplit('.', 1)[-1]}.{ex.name}": ex
       for module in (ch01, ch02, ch03, ch04, ch05) for ex in module.EXERCISES}

__all__ = ["Case", "Exercise", "Feedback", "Mistake", "ValueExercise", "ALL",
           "ch01", "ch02", "ch03", "ch04", "ch05"]
