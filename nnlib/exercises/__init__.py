"""Auto-checked exercises for every chapter.

In a chapter::

    from nnlib.exercises import ch01
    def neuron(x, w, b):
        raise NotImplementedError   # your code here
    ch01.neuron.check(neuron)       # → "not attempted yet", a named mistake, or "correct"
    ch01.neuron.hint()              # one more hint each call
    ch01.neuron.solution()          # the reference code

Each chapter module lists its exercises in ``EXERCISES``; ``ALL`` gathers them.
"""

from . import ch01, ch02, ch03, ch04, ch05
from .framework import Exercise, Feedback, Mistake

ALL = {f"{module.__name__.rsplit('.', 1)[-1]}.{ex.name}": ex
       for module in (ch01, ch02, ch03, ch04, ch05) for ex in module.EXERCISES}

__all__ = ["Exercise", "Feedback", "Mistake", "ALL", "ch01", "ch02", "ch03", "ch04", "ch05"]
