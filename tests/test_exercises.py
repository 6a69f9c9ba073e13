"""The exercise framework: every checker passes its solution, calls its stub 'not attempted',
names each catalogued mistake; verdicts are safe against the classes of failure of issue #11."""

import numpy as np
import pytest

from nnlib.exercises import ALL, ch01, ch02, ch03, ch04, ch05
from nnlib.exercises.framework import (CORRECT, ERROR, KINDS, MISTAKE, NOT_ATTEMPTED, WRONG,
                                       Exercise, ValueExercise)

FUNCTIONS = {n: ex for n, ex in ALL.items() if isinstance(ex, Exercise)}
VALUES = {n: ex for n, ex in ALL.items() if isinstance(ex, ValueExercise)}
MISTAKES = [(name, m) for name, ex in FUNCTIONS.items() for m in ex.mistakes]
VALUE_MISTAKES = [(name, m) for name, ex in VALUES.items() for m in ex.mistakes]


def stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_reference_is_correct(name):
    feedback = ALL[name].evaluate(ALL[name].reference)
    assert feedback.status == CORRECT and feedback.correct, feedback


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_untouched_stub_is_not_attempted(name):
    feedback = ALL[name].evaluate(stub)
    assert feedback.status == NOT_ATTEMPTED
    assert "not attempted" in repr(feedback) and "Traceback" not in repr(feedback)


@pytest.mark.parametrize("name", list(VALUES))
def test_value_exercises_none_is_not_attempted_and_truth_is_correct(name):
    ex = ALL[name]
    fb = ex.evaluate(None)
    assert fb.status == NOT_ATTEMPTED
    truth = ex.answer()
    assert str(round(truth, 3) if isinstance(truth, float) else truth) not in fb.message  # not revealed
    assert ex.evaluate(truth).status == CORRECT


@pytest.mark.parametrize("name,mistake", MISTAKES, ids=[f"{n}-{m.key}" for n, m in MISTAKES])
def test_each_catalogued_mistake_gets_its_own_message(name, mistake):
    feedback = ALL[name].evaluate(mistake.implementation)
    assert feedback.status == MISTAKE, feedback
    assert feedback.mistake == mistake.key and feedback.message.startswith(mistake.message)


@pytest.mark.parametrize("name,mistake", VALUE_MISTAKES, ids=[f"{n}-{m[0]}" for n, m in VALUE_MISTAKES])
def test_each_catalogued_value_mistake_is_named(name, mistake):
    feedback = ALL[name].evaluate(mistake[1])
    assert feedback.status == MISTAKE and feedback.mistake == mistake[0], feedback


def test_every_chapter_has_four_exercises_one_beyond_formula_to_code():
    for module in (ch01, ch02, ch03, ch04, ch05):
        kinds = [ex.kind for ex in module.EXERCISES]
        assert len(kinds) >= 4, module.__name__
        assert set(kinds) - {"formula-to-code"}, module.__name__
        assert set(kinds) <= set(KINDS)
    assert ch03.train_loop.kind == "training loop"


def test_every_exercise_has_mistakes_and_hints():
    for name, ex in ALL.items():
        assert len(ex.mistakes) >= 2, name
        assert ex.hints, name


def test_unknown_wrong_answer_names_case_and_shows_enough_digits():
    fb = ch01.layer.evaluate(lambda X, W, b: np.maximum(X @ W.T + b, 0) * (1 + 1e-6))
    assert fb.status == WRONG
    assert "On the case X=array(4, 3), W=array(5, 3)" in fb.message
    expected, got = fb.message.split("expected ")[1].split(", got ")
    assert expected != got.rstrip(".")


def test_wrong_shape_for_non_square_inputs():
    fb = ch01.layer.evaluate(lambda X, W, b: np.zeros_like(X))
    assert fb.status == WRONG and "wrong shape: expected (4, 5), got (4, 3)" in fb.message


def test_tuple_entry_named():
    def almost(da, z, a_prev, W):
        dW, db, da_prev = ch03.layer_backward_solution(da, z, a_prev, W)
        return dW, db, da_prev * 2
    fb = ch03.layer_backward.evaluate(almost)
    assert fb.status == WRONG and "da_prev:" in fb.message


def test_error_is_summarised_with_the_learners_line_only():
    def broken(x, w, b):
        return x @ np.ones((7, 7))
    fb = ch01.neuron.evaluate(broken)
    assert fb.status == ERROR and "ValueError" in fb.message and "Traceback" not in fb.message
    assert "x @ np.ones((7, 7))" in fb.message and "on the case x=" in fb.message
    # An error raised inside NumPy or nnlib is never quoted as "your line".
    fb = ch01.neuron.evaluate(lambda x, w, b: np.linalg.inv(np.outer(x, w)))
    assert "numpy" not in fb.message.lower().split("your line")[-1]


@pytest.mark.parametrize("how", ["W[...] = 0", "W *= 2", "X.sort()"])
def test_a_function_that_edits_its_input_is_told_so_by_name(how):
    def sneaky(X, W, b):
        A = np.maximum(X @ W.T + b, 0)
        exec(how)
        return A
    fb = ch01.layer.evaluate(sneaky)
    assert fb.status == WRONG and fb.mistake == "mutates-input"
    assert ("`W`" if "W" in how else "`X`") in fb.message


def test_shallow_copy_scaling_is_caught():
    def shallow(params, lam):
        grads = dict(params)
        for k in grads:
            if k.startswith("W"):
                grads[k] *= lam
            else:
                grads[k] = np.zeros_like(grads[k])
        return grads
    fb = ch05.l2_grad.evaluate(shallow)
    assert fb.mistake == "mutates-input" and "`params`" in fb.message


@pytest.mark.parametrize("answer,words", [
    (lambda sizes: print(13), "returned None — did you print instead of return?"),
    (lambda sizes: str(ch01.count_parameters_solution(sizes)), "without quotes"),
    (lambda sizes: True, "integer count"),
])
def test_plain_type_messages(answer, words):
    fb = ch01.count_parameters.evaluate(answer)
    assert fb.status == WRONG and words in fb.message and "sizes=[2, 3, 1]" in fb.message


def test_float32_policy_everywhere():
    fb = ch01.layer.evaluate(lambda X, W, b: np.maximum(X @ W.T + b, 0).astype(np.float32))
    assert fb.status == WRONG and "float32" in fb.message and "otherwise right" in fb.message
    fb = ch04.silu_grad.evaluate(lambda z: ch04.silu_grad_solution(z).astype(np.float32))
    assert fb.status == WRONG and "float32" in fb.message
    assert ch03.dL_dw.evaluate(np.float32(-0.25)).status == WRONG


def test_checker_failure_degrades_to_plain_message(monkeypatch):
    monkeypatch.setattr(ch01.layer, "_verdict", lambda *a: 1 / 0)
    fb = ch01.layer.evaluate(lambda X, W, b: X)
    assert fb.status == WRONG and "differs" in fb.message


def test_zero_over_zero_is_not_reported_as_overflow():
    def zero_over_zero(z):
        e = np.exp(z - z.max())          # whole-matrix shift: a far row underflows to 0/0
        return e / e.sum(axis=1, keepdims=True)
    fb = ch02.softmax.evaluate(zero_over_zero)
    assert fb.mistake == "global-max" and "overflow" not in fb.message


def test_np_where_both_branches_gets_an_accurate_message():
    def where(z):
        return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
    fb = ch04.stable_sigmoid.evaluate(where)
    assert fb.mistake == "warns" and "your values are right" in fb.message and "BOTH" in fb.message

    def where_quiet(z):
        with np.errstate(over="ignore", invalid="ignore"):
            return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
    assert ch04.stable_sigmoid.evaluate(where_quiet).correct


def test_dropout_keep_mask_conventions_are_all_right():
    for keep in (lambda u, p: u >= p, lambda u, p: u > p, lambda u, p: u < 1 - p, lambda u, p: u <= 1 - p):
        fb = ch05.dropout.evaluate(lambda a, p, u, train, keep=keep: a * keep(u, p) / (1 - p) if train else a)
        assert fb.correct, fb


def test_dropout_failure_names_the_mode():
    fb = ch05.dropout.evaluate(lambda a, p, u, train: a * (u >= p) / (1 - p) if train else a * 1.5)
    assert "evaluation mode" in fb.message


def test_training_loop_contract_messages():
    def on_a_copy(params, batches, lr):
        params = {k: v.copy() for k, v in params.items()}
        return ch03.train_loop_solution(params, batches, lr)
    fb = ch03.train_loop.evaluate(on_a_copy)
    assert fb.status == WRONG and "params did not change" in fb.message and "batches of sizes" in fb.message

    def prints(params, batches, lr):
        print(ch03.train_loop_solution(params, batches, lr))
    fb = ch03.train_loop.evaluate(prints)
    assert "returned None" in fb.message


def test_hints_are_indexed_and_do_not_advance():
    ex = ch02.softmax
    assert ex.hint_text(1) == ex.hint_text(1) == ex.hint_text()
    assert "Hint 2" in ex.hint_text(2) and "last" in ex.hint_text(2)
    assert "hints 1 to 2" in ex.hint_text(5)
    assert "def softmax_solution" in ex.solution_text()
    assert ex.solution_text()._repr_markdown_().startswith("```python")
    assert "def train_loop_solution" in ch03.train_loop.solution_text()


def test_check_displays_its_own_verdict(capsys):
    """check() shows the verdict itself, so a hint() after it in the same cell cannot hide it."""
    result = ch01.count_parameters.check(ch01.count_parameters.reference)
    ch01.count_parameters.hint(1)
    out = capsys.readouterr().out
    assert result is None and "✔ count_parameters: correct" in out and "Hint 1" in out


def test_check_needs_the_function_not_its_result():
    fb = ch01.neuron.evaluate(0.5)
    assert fb.status == ERROR and "without parentheses" in fb.message


def test_verdicts_are_deterministic():
    wrong = lambda X, W, b: np.maximum(X @ W.T, 0)       # noqa: E731
    assert repr(ch01.layer.evaluate(wrong)) == repr(ch01.layer.evaluate(wrong))


def test_predict_verdict_explains_the_gap():
    fb = ch05.dropout_mean.evaluate(0.5)
    assert fb.status == MISTAKE and fb.message.startswith("you predicted 0.5; the run shows")
    fb = ch05.dropout_mean.evaluate(0.7)
    assert fb.status == WRONG and "inverted dropout keeps" in fb.message
    assert "string" in ch05.dropout_mean.evaluate("1.0").message


def test_percent_entered_for_a_fraction_is_explained():
    fb = ch04.relu_zeros.evaluate(84)
    assert fb.status == WRONG and "percentage" in fb.message


def test_float16_follows_the_float32_policy():
    fb = ch04.gelu_grad.evaluate(lambda z: ch04.gelu_grad_solution(z).astype(np.float16))
    assert fb.status == WRONG and "float16" in fb.message and "float64" in fb.message


@pytest.mark.parametrize("module,chapter", [(ch01, "01_architecture"), (ch02, "02_forward"),
                                            (ch03, "03_backprop"), (ch04, "04_activations"),
                                            (ch05, "05_regularization")])
def test_every_exercise_is_in_its_chapter_with_indexed_hints(module, chapter):
    from pathlib import Path
    source = (Path(__file__).parents[1] / "chapters" / f"{chapter}.py").read_text()
    prefix = module.__name__.rsplit(".", 1)[-1]
    for ex in module.EXERCISES:
        assert f"{prefix}.{ex.name}.check(" in source, ex.name
    assert ".hint()" not in source            # hints are numbered: a rerun shows the same one
    if module is ch03:
        assert source.index("## From gradients to learning") > source.index("## Summary")
        assert source.index("ch03.train_loop.check(") > source.index("## From gradients to learning")


@pytest.mark.parametrize("name", [n for n, ex in ALL.items() if isinstance(ex, Exercise)])
def test_every_solution_runs_on_its_own_when_pasted(name):
    """A learner pastes solution()'s text into a fresh cell: it must run with nothing else
    defined (its imports, helpers and tables come with it) and be judged correct."""
    ex = ALL[name]
    namespace: dict = {}
    exec(compile(str(ex.solution_text()), f"<solution of {name}>", "exec"), namespace)
    verdict = ex.evaluate(namespace[ex.reference.__name__])
    assert verdict.status == "correct", verdict.message
