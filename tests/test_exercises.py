"""Every exercise: the reference passes, the stub is 'not attempted', each catalogued mistake is named."""

import numpy as np
import pytest

from nnlib.exercises import ALL, ch01, ch02
from nnlib.exercises.framework import CORRECT, ERROR, MISTAKE, NOT_ATTEMPTED, WRONG

MISTAKES = [(name, m) for name, ex in ALL.items() for m in ex.mistakes]


def stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("name", list(ALL))
def test_reference_is_correct(name):
    feedback = ALL[name].check(ALL[name].reference)
    assert feedback.status == CORRECT and feedback.correct, feedback


@pytest.mark.parametrize("name", list(ALL))
def test_untouched_stub_is_not_attempted(name):
    feedback = ALL[name].check(stub)
    assert feedback.status == NOT_ATTEMPTED
    assert "not attempted" in repr(feedback) and "Traceback" not in repr(feedback)


@pytest.mark.parametrize("name,mistake", MISTAKES, ids=[f"{n}-{m.key}" for n, m in MISTAKES])
def test_each_catalogued_mistake_gets_its_own_message(name, mistake):
    feedback = ALL[name].check(mistake.implementation)
    assert feedback.status == MISTAKE, feedback
    assert feedback.mistake == mistake.key and feedback.message == mistake.message


def test_every_exercise_has_at_least_three_mistakes_or_is_small():
    for name, ex in ALL.items():
        assert len(ex.mistakes) >= 3, name
        assert ex.hints, name


def test_unknown_wrong_answer_says_where_it_differs():
    feedback = ch01.layer.check(lambda X, W, b: np.maximum(X @ W.T + b, 0) + 1e-3)
    assert feedback.status == WRONG
    assert "first at index (0, 0)" in feedback.message and "entries differ" in feedback.message


def test_wrong_shape_is_reported():
    feedback = ch01.layer.check(lambda X, W, b: np.maximum(X @ W.T + b, 0)[:, :1])
    assert feedback.status == WRONG and "wrong shape" in feedback.message


def test_wrong_tuple_entry_is_reported():
    from nnlib.exercises import ch03

    def almost(da, z, a_prev, W):
        dW, db, da_prev = ch03.layer_backward_solution(da, z, a_prev, W)
        return dW, db, da_prev * 2
    feedback = ch03.layer_backward.check(almost)
    assert feedback.status == WRONG and feedback.message.startswith("result 3 of 3")


def test_an_error_in_the_learners_code_is_summarised_without_traceback():
    def broken(x, w, b):
        return x @ np.ones((7, 7))
    feedback = ch01.neuron.check(broken)
    assert feedback.status == ERROR
    assert "ValueError" in feedback.message and "Traceback" not in feedback.message
    assert "x @ np.ones((7, 7))" in feedback.message  # the offending line is quoted


def test_a_function_that_edits_its_input_cannot_fool_the_checker():
    def sneaky(X, W, b):
        W[...] = 0           # edits the argument in place
        return np.maximum(X @ W.T + b, 0)
    assert ch01.layer.check(sneaky).status in (WRONG, MISTAKE)
    assert ch01.layer.check(ch01.layer.reference).correct


def test_hints_are_progressive_and_solution_shows_code():
    ex = ch02.softmax
    ex._hints_shown = 0
    first, second = ex.hint(), ex.hint()
    assert "Hint 1" in first and "Hint 2" not in first and "hint 2 of 2" in first
    assert "Hint 2" in second
    assert "def softmax_solution" in ex.solution()
    assert ex.solution()._repr_markdown_().startswith("```python")


def test_check_needs_the_function_not_its_result():
    with pytest.raises(TypeError, match="without parentheses"):
        ch01.neuron.check(0.5)


def test_feedback_renders_in_notebooks():
    feedback = ch01.count_parameters.check(ch01.count_parameters.reference)
    assert feedback._repr_markdown_().count("count_parameters") == 1
    assert repr(feedback).startswith("✔")
